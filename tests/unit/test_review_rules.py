"""The review rule language: parsing refuses what it does not know, naming the field; evaluation is pure."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.review_eval import Facts, apply_verdict, blacklist_keys, confirm, evaluate, reviewable
from chalicelib.domain.review_rules import RuleSet, facts_needed, parse_rules, referenced, rule_doc
from chalicelib.domain.status import ErpHandoff, HoldReason, ReviewState
from tests.factories import STORED_T0, make_order

MEMO_RULE = {"name": "buyer memo", "conditions": [{"field": "buyer_memo", "op": "present"}],
             "actions": [{"type": "hold", "reason": "buyer_message", "note": "buyer message"}]}


def rules(*docs: dict, **kw: object) -> RuleSet:
    parsed = parse_rules(list(docs))
    return RuleSet(version=1, rules=parsed, needs=facts_needed(parsed), **kw)  # type: ignore[arg-type]


def test_given_a_memo_rule_when_an_order_has_a_buyer_memo_then_it_is_held_with_the_rules_note() -> None:
    order = make_order(1, buyer_memo="请发顺丰")
    verdict = evaluate(order, rules(MEMO_RULE), Facts())
    held = apply_verdict(order, verdict)
    assert held.holds == {HoldReason.BUYER_MESSAGE} and held.rule_holds == {HoldReason.BUYER_MESSAGE}
    assert held.hold_notes == (("buyer_message", "buyer message"),)
    assert held.review is ReviewState.PENDING and held.erp_handoff is ErpHandoff.NOT_READY


def test_given_no_matching_rule_when_evaluated_then_the_order_passes_and_is_ready() -> None:
    order = make_order(1, review=ReviewState.PENDING, erp_handoff=ErpHandoff.NOT_READY)
    passed = apply_verdict(order, evaluate(order, rules(MEMO_RULE), Facts()))
    assert passed.review is ReviewState.PASSED and passed.erp_handoff is ErpHandoff.READY


def test_given_a_held_order_when_the_rule_goes_then_re_evaluation_lifts_only_the_rule_hold() -> None:
    order = make_order(1, buyer_memo="x", holds=frozenset({HoldReason.UNLINKED_SKU}))
    held = apply_verdict(order, evaluate(order, rules(MEMO_RULE), Facts()))
    assert held.holds == {HoldReason.UNLINKED_SKU, HoldReason.BUYER_MESSAGE}
    again = apply_verdict(held, evaluate(held, rules(), Facts()))
    assert again.holds == {HoldReason.UNLINKED_SKU} and again.review is ReviewState.PASSED


def test_given_a_pass_rule_first_when_a_hold_rule_follows_then_the_order_passes() -> None:
    vip = {"name": "vip shop", "conditions": [{"field": "shop", "op": "in", "value": ["shopA"]}],
           "actions": [{"type": "pass"}]}
    order = make_order(1, buyer_memo="x")
    assert evaluate(order, rules(vip, MEMO_RULE), Facts()).review is ReviewState.PASSED
    assert evaluate(order, rules(MEMO_RULE, vip), Facts()).holds


def test_given_auto_review_off_for_a_shop_when_evaluated_then_a_person_must_confirm() -> None:
    order = make_order(1)
    verdict = evaluate(order, rules(manual_shops=frozenset({"shopA"})), Facts())
    pending = apply_verdict(order, verdict)
    assert pending.review is ReviewState.PENDING and pending.erp_handoff is ErpHandoff.NOT_READY
    confirmed = confirm(pending)
    assert confirmed.review is ReviewState.CONFIRMED and confirmed.erp_handoff is ErpHandoff.READY
    assert not reviewable(confirmed)


def test_given_a_blacklisted_receiver_when_evaluated_then_the_order_is_held_blacklisted() -> None:
    order = make_order(1)
    verdict = evaluate(order, rules(blacklist=blacklist_keys(order)), Facts())
    assert dict(verdict.holds) == {HoldReason.BLACKLISTED: "blacklisted buyer or receiver"}
    assert not evaluate(make_order(2, receiver=None), rules(blacklist=blacklist_keys(order)), Facts()).holds


@pytest.mark.parametrize(("condition", "order_kw", "facts", "expected"), [
    ({"field": "paid_fen", "op": "gte", "value": 3000}, {}, Facts(), True),
    ({"field": "paid_fen", "op": "lt", "value": 3000}, {}, Facts(), False),
    ({"field": "quantity", "op": "gt", "value": 1}, {}, Facts(), True),
    ({"field": "platform", "op": "in", "value": ["jd"]}, {}, Facts(), False),
    ({"field": "province", "op": "in", "value": ["浙江省"]}, {}, Facts(), True),
    ({"field": "city", "op": "not_in", "value": ["杭州市"]}, {}, Facts(), False),
    ({"field": "sku", "op": "any_in", "value": ["MC-1"]}, {}, Facts(), True),
    ({"field": "sku", "op": "none_in", "value": ["MC-1"]}, {}, Facts(), False),
    ({"field": "buyer_memo", "op": "contains_any", "value": ["顺丰", "SF"]}, {"buyer_memo": "请发sf"}, Facts(), True),
    ({"field": "seller_memo", "op": "absent"}, {}, Facts(), True),
    ({"field": "seller_flag", "op": "in", "value": [1, 2]}, {"seller_flag": 2}, Facts(), True),
    ({"field": "order_type", "op": "in", "value": ["presale"]}, {"order_type": "presale"}, Facts(), True),
    ({"field": "receiver_incomplete", "op": "is", "value": True}, {"receiver": None}, Facts(), True),
    ({"field": "merge_candidate", "op": "is", "value": True}, {}, Facts(open_sibling=True), True),
    ({"field": "below_list_price_pct", "op": "gte", "value": 50}, {}, Facts(list_prices={"MC-1": 4000}), True),
    ({"field": "below_list_price_pct", "op": "gte", "value": 50}, {}, Facts(list_prices={"MC-1": 1990}), False),
    ({"field": "ship_by_hours", "op": "lt", "value": 6}, {"ship_by_at": STORED_T0 + timedelta(hours=3)},
     Facts(now=STORED_T0), True),
    ({"field": "ship_by_hours", "op": "lt", "value": 6}, {}, Facts(now=STORED_T0), False),
])
def test_given_a_condition_when_evaluated_then_it_matches_as_the_language_says(
        condition: dict, order_kw: dict, facts: Facts, expected: bool) -> None:
    rule = {"name": "t", "conditions": [condition], "actions": [{"type": "require_person"}]}
    order = make_order(1, **order_kw)
    order = replace(order, lines=tuple(replace(line, links=(SkuLink("MC-1", 1),)) for line in order.lines))
    assert evaluate(order, rules(rule), facts).needs_person is expected


def test_given_match_any_when_one_condition_holds_then_the_rule_matches() -> None:
    rule = {"name": "t", "match": "any", "conditions": [{"field": "paid_fen", "op": "gt", "value": 10**9},
                                                        {"field": "buyer_memo", "op": "present"}],
            "actions": [{"type": "set_flag", "flag": 3}, {"type": "set_memo", "note": "checked"}]}
    order = apply_verdict(make_order(1, buyer_memo="x"), evaluate(make_order(1, buyer_memo="x"), rules(rule), Facts()))
    assert order.seller_flag == 3 and order.seller_memo == "checked" and order.review is ReviewState.PASSED


@pytest.mark.parametrize(("doc", "field"), [
    ({**MEMO_RULE, "colour": "red"}, "rules[0].colour"),
    ({**MEMO_RULE, "conditions": [{"field": "buyer_mood", "op": "present"}]}, "rules[0].conditions[0].field"),
    ({**MEMO_RULE, "conditions": [{"field": "paid_fen", "op": "matches", "value": 1}]}, "rules[0].conditions[0].op"),
    ({**MEMO_RULE, "conditions": [{"field": "paid_fen", "op": "gt", "value": "10"}]}, "rules[0].conditions[0].value"),
    ({**MEMO_RULE, "conditions": [{"field": "buyer_memo", "op": "contains_any", "value": ["(a+)+$" * 20]}]},
     "rules[0].conditions[0].value[0]"),
    ({**MEMO_RULE, "conditions": [{"field": "platform", "op": "in", "value": ["ebay"]}]},
     "rules[0].conditions[0].value[0]"),
    ({**MEMO_RULE, "actions": [{"type": "hold", "reason": "unlinked_sku"}]}, "rules[0].actions[0].reason"),
    ({**MEMO_RULE, "actions": [{"type": "explode"}]}, "rules[0].actions[0].type"),
    ({**MEMO_RULE, "actions": [{"type": "pass"}, {"type": "require_person"}]}, "rules[0].actions"),
    ({**MEMO_RULE, "name": ""}, "rules[0].name"),
    ({**MEMO_RULE, "conditions": []}, "rules[0].conditions"),
])
def test_given_a_broken_rule_when_parsed_then_it_is_refused_naming_the_field(doc: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_rules([doc])
    assert caught.value.field == field and caught.value.reason == "review.rule_invalid"


def test_given_parsed_rules_when_shown_then_they_parse_back_the_same() -> None:
    parsed = parse_rules([MEMO_RULE, {"name": "x", "shops": ["s1"], "conditions": [
        {"field": "sku", "op": "any_in", "value": ["A"]}], "actions": [{"type": "set_flag", "flag": 1}]}])
    assert parse_rules([rule_doc(r) for r in parsed]) == parsed
    assert referenced(parsed, "sku") == {"A"} and referenced(parsed, "shop") == {"s1"}
