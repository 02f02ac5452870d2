"""Gifts by goods (SPU): a gift rule may name library goods as well as ERP SKUs; any SKU of the goods counts
toward its quantity, each unit once; goods the library lacks are refused naming the field."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.fulfil_plan import ParcelFacts, plan
from chalicelib.domain.fulfil_rules import parse_gift, rule_doc, rules_from
from chalicelib.services.fulfil_admin import FulfilAdminDeps, save
from chalicelib.services.fulfilment import Planner
from tests import fakes
from tests.factories import T0, make_order
from tests.fulfil_kit import InMemoryFulfilStore, InMemoryGiftCounters, cache_with, gift_rule

BY_GOODS = gift_rule(min_paid_fen=0, buy_goods=["G-TEE"], min_quantity=3, gift_skus=["CAP"])


def facts(skus: dict[str, int], goods_of: dict[str, str]) -> ParcelFacts:
    return ParcelFacts(shop_id="S1", skus=skus, at=T0, goods_of=goods_of)


def test_given_a_goods_condition_then_every_sku_of_the_goods_counts_each_unit_once() -> None:
    rules = rules_from({"gift": [{**BY_GOODS, "buy_skus": ["TEE-M"]}]})
    assert rules.needs_goods
    goods_of = {"TEE-M": "G-TEE", "TEE-L": "G-TEE", "CUP": "G-CUP"}
    assert plan(facts({"TEE-M": 1, "TEE-L": 2}, goods_of), rules).gifts[0].sku_code == "CAP"
    assert plan(facts({"TEE-M": 2, "CUP": 5}, goods_of), rules).gifts == (), "named SKU and its goods: once"


def test_given_a_goods_rule_then_it_parses_back_from_its_doc_and_needs_no_sku() -> None:
    [rule] = parse_gift([BY_GOODS])
    assert rule.buy_goods == ("G-TEE",) and parse_gift([rule_doc(rule)]) == (rule,)
    with pytest.raises(ValidationError) as caught:
        parse_gift([gift_rule(min_paid_fen=0, buy_goods=[""])])
    assert caught.value.field == "rules[0].buy_goods[0]"


def test_given_a_goods_rule_when_planned_then_the_planner_maps_skus_to_goods_once_per_cache() -> None:
    cache, _, _ = cache_with({"gift": [BY_GOODS]})
    asked: list[set[str]] = []

    def goods(codes: set[str]) -> dict[str, str]:
        asked.append(set(codes))
        return {"MC-1": "G-TEE"}
    gate = Planner(cache, fakes.FixedClock(T0), InMemoryGiftCounters(), goods=goods)
    planned = gate(make_order(1, lines=(replace(make_order(1).lines[0], quantity=3),)))
    assert [g.merchant_code for g in planned.lines if g.gift] == ["CAP"]
    gate(make_order(2))
    assert asked == [{"MC-1"}], "the second order reads no goods again"


def deps(missing_goods: Any) -> FulfilAdminDeps:
    return FulfilAdminDeps(store=InMemoryFulfilStore(), clock=fakes.FixedClock(T0), missing_shops=lambda ids: set(),
                           missing_skus=lambda codes: set(), warehouse_ids=set, accounts=lambda shop: [],
                           shop_ids=list, start_replan=lambda: "job-1", missing_goods=missing_goods)


def test_given_goods_the_library_lacks_when_saved_then_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        save(deps(lambda ids: {"G-NONE"} & ids), "gift", [{**BY_GOODS, "buy_goods": ["G-TEE", "G-NONE"]}], 0, "root")
    assert (caught.value.field, caught.value.reason) == ("rules[0].buy_goods[1]", "fulfil.unknown_goods")
    view, _ = save(deps(lambda ids: set()), "gift", [BY_GOODS], 0, "root")
    assert view["gift"][0]["buy_goods"] == ["G-TEE"]
