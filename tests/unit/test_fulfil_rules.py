"""The fulfilment rules (pure): parsing names the wrong field, and the plan of one parcel chooses the
warehouse, the waybill account (skipping a carrier that does not reach the region) and the gifts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.fulfil_plan import ParcelFacts, plan
from chalicelib.domain.fulfil_rules import parse_carrier, parse_gift, parse_warehouse, rule_doc, rules_from
from tests.factories import T0
from tests.fulfil_kit import carrier_rule, gift_rule, warehouse_rule


def facts(**kw: object) -> ParcelFacts:
    base: dict[str, object] = {"shop_id": "S1", "province": "浙江省", "city": "杭州市", "paid_fen": 5000,
                               "skus": {"TEE": 2}, "at": T0, "serving": ("default",),
                               "active": frozenset({"default", "BJ", "SH"})}
    return ParcelFacts(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(("parse", "data", "field"), [
    (parse_gift, [gift_rule(gift_skus=[""])], "rules[0].gift_skus[0]"),
    (parse_gift, [gift_rule(min_paid_fen=0)], "rules[0].buy_skus"),
    (parse_gift, [gift_rule(), gift_rule(rule_id="g2")], "rules[1].priority"),
    (parse_carrier, [carrier_rule(max_weight_g=0)], "rules[0].max_weight_g"),
    (parse_carrier, [carrier_rule(max_weight_g=-5)], "rules[0].max_weight_g"),
    (parse_carrier, [carrier_rule(colour="red")], "rules[0].colour"),
    (parse_warehouse, [warehouse_rule(warehouses=[])], "rules[0].warehouses"),
    (parse_gift, [gift_rule(starts_at="2026-11-20T10:00:00")], "rules[0].starts_at"),
])
def test_given_bad_rules_when_parsed_then_the_error_names_the_field(parse, data, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        parse(data)
    assert caught.value.field == field and caught.value.reason == "fulfil.rule_invalid"


def test_given_the_same_priority_for_other_shops_then_it_is_not_an_overlap() -> None:
    rules = parse_gift([gift_rule(shops=["S1"]), gift_rule(rule_id="g2", shops=["S2"])])
    assert [r.rule_id for r in rules] == ["g1", "g2"]


def test_given_a_parsed_rule_then_its_doc_parses_back_to_the_same_rule() -> None:
    for parse, data in ((parse_gift, gift_rule(starts_at=T0.isoformat())), (parse_carrier, carrier_rule()),
                        (parse_warehouse, warehouse_rule())):
        rule = parse([data])[0]
        assert parse([rule_doc(rule)])[0] == rule


def test_given_a_region_rule_then_its_warehouses_are_tried_in_order_and_others_use_the_shops() -> None:
    rules = rules_from({"version": 3, "warehouse": [warehouse_rule()]})
    north = plan(facts(province="河北省"), rules)
    assert (north.warehouses, north.warehouse_rule, north.version) == (("BJ", "SH"), "w1", 3)
    assert "rule w1" in north.reasons[0]
    south = plan(facts(), rules)
    assert (south.warehouses, south.warehouse_rule) == (("default",), "")


def test_given_a_rule_naming_a_switched_off_warehouse_then_it_is_left_out() -> None:
    rules = rules_from({"warehouse": [warehouse_rule()]})
    assert plan(facts(province="北京市", active=frozenset({"SH"})), rules).warehouses == ("SH",)


def test_given_a_region_rule_then_the_parcel_goes_to_its_account_with_its_fallback() -> None:
    rules = rules_from({"carrier": [carrier_rule()]})
    chosen = plan(facts(province="新疆维吾尔自治区", city="乌鲁木齐市"), rules)
    assert (chosen.account_id, chosen.carrier_code, chosen.fallback_account_id) == ("EMS-1", "EMS", "SF-1")
    other = plan(facts(), rules)
    assert other.account_id == "" and "shop's default" in other.reasons[-1]


def test_given_a_carrier_that_does_not_reach_the_region_then_the_next_rule_takes_it_and_says_why() -> None:
    rules = rules_from({"carrier": [carrier_rule(regions=[], account_id="YTO-1", carrier_code="YTO"),
                                    carrier_rule(rule_id="c2", priority=2, regions=[])],
                        "unreachable": [{"carrier_code": "YTO", "regions": ["西藏自治区"]}]})
    chosen = plan(facts(province="西藏自治区", city="拉萨市"), rules)
    assert (chosen.account_id, chosen.carrier_rule) == ("EMS-1", "c2")
    assert any("YTO does not reach 西藏自治区" in r for r in chosen.reasons)


def test_given_weight_amount_sku_and_cod_conditions_then_each_must_hold() -> None:
    rules = rules_from({"carrier": [carrier_rule(regions=[], min_weight_g=1000, max_weight_g=5000,
                                                 max_paid_fen=10000, skus=["TEE"], cod=False)]})
    assert rules.needs_weight
    assert plan(facts(weight_g=2000), rules).account_id == "EMS-1"
    assert plan(facts(weight_g=6000), rules).account_id == ""
    assert plan(facts(weight_g=2000, paid_fen=20000), rules).account_id == ""
    assert plan(facts(weight_g=2000, skus={"CAP": 1}), rules).account_id == ""
    assert plan(facts(weight_g=2000, cod=True), rules).account_id == ""


def test_given_gift_rules_then_amount_sku_quantity_and_the_time_window_decide() -> None:
    rules = rules_from({"gift": [gift_rule(), gift_rule(rule_id="g2", priority=2, min_paid_fen=0,
                                                        buy_skus=["TEE"], min_quantity=3, gift_skus=["CAP"],
                                                        quantity=2, ends_at=(T0 + timedelta(days=1)).isoformat())]})
    assert plan(facts(paid_fen=9900), rules).gifts[0].sku_code == "SOCKS"
    assert plan(facts(paid_fen=9899), rules).gifts == ()
    bought = plan(facts(skus={"TEE": 3}), rules).gifts
    assert [(g.sku_code, g.quantity) for g in bought] == [("CAP", 2)]
    assert plan(facts(skus={"TEE": 3}, at=T0 + timedelta(days=2)), rules).gifts == ()
