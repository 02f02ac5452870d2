"""Evaluating a rule set on one order, and applying the verdict to it. Pure: whatever lies outside the order
(the clock, other open orders, list prices) comes in `Facts`, gathered by the caller only when the rule set
needs it (RuleSet.needs). The blacklist travels with the rule set, so checking it costs nothing."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from chalicelib.domain.orders import Order, handoff_for
from chalicelib.domain.review_rules import Condition, Rule, RuleSet
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus, ReviewState

HANDED_OVER = frozenset({ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED, ErpHandoff.WITHDRAWN})
BLACKLIST_NOTE = "blacklisted buyer or receiver"


@dataclass(frozen=True)
class Facts:
    now: datetime | None = None
    open_sibling: bool = False                       # another open order of the same buyer and address
    list_prices: Mapping[str, int] = field(default_factory=dict)   # ERP SKU code -> list price in fen


@dataclass(frozen=True)
class Verdict:
    holds: tuple[tuple[HoldReason, str], ...] = ()
    needs_person: bool = False
    memo: str | None = None
    flag: int | None = None
    matched: tuple[str, ...] = ()                    # the rule ids that matched, in order

    @property
    def review(self) -> ReviewState:
        return ReviewState.PENDING if self.holds or self.needs_person else ReviewState.PASSED


def blacklist_keys(order: Order) -> frozenset[str]:
    """What a blacklist entry can match: the platform buyer id, and the receiver as the platform shows it
    (masked name + address, hashed: the entry keeps no buyer text)."""
    keys = set()
    if order.buyer_id:
        keys.add(f"buyer:{order.platform.value}:{order.buyer_id}")
    r = order.receiver
    if r is not None and (r.name_masked or r.address_masked):
        keys.add(receiver_key(r.name_masked, r.province, r.city, r.district, r.address_masked))
    return frozenset(keys)


def receiver_key(name: str, province: str, city: str, district: str, address: str) -> str:
    text = "|".join(part.strip().replace(" ", "") for part in (name, province, city, district, address))
    return "receiver:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def reviewable(order: Order) -> bool:
    """Rules look at an order until a person confirmed it or the ERP took it; never after."""
    return (order.review is not ReviewState.CONFIRMED and order.erp_handoff not in HANDED_OVER
            and order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT))


def evaluate(order: Order, rules: RuleSet, facts: Facts) -> Verdict:
    holds: dict[HoldReason, str] = {}
    needs_person = not rules.auto_review(order.shop_id)
    memo: str | None = None
    flag: int | None = None
    matched: list[str] = []
    if rules.blacklist and blacklist_keys(order) & rules.blacklist:
        holds[HoldReason.BLACKLISTED] = BLACKLIST_NOTE
    for rule in rules.rules:
        if not rule.applies_to(order.shop_id) or not _matches(rule, order, rules, facts):
            continue
        matched.append(rule.rule_id)
        kinds = {a.type for a in rule.actions}
        for action in rule.actions:
            if action.type == "hold":
                holds.setdefault(HoldReason(action.reason), action.note or rule.name)
            elif action.type == "set_memo" and memo is None:
                memo = action.note
            elif action.type == "set_flag" and flag is None:
                flag = action.flag
        needs_person = needs_person or "require_person" in kinds
        if "pass" in kinds:
            break                     # a pass rule lets the order through: later rules are not asked
    return Verdict(tuple(sorted(holds.items())), needs_person, memo, flag, tuple(matched))


def apply_verdict(order: Order, verdict: Verdict) -> Order:
    """The order with the rule-made holds redone (the other holds untouched), its review state, the rule's
    memo and flag, and the ERP hand-off that follows."""
    kept = order.holds - order.rule_holds
    placed = frozenset(reason for reason, _ in verdict.holds) - kept
    memo = order.seller_memo
    if verdict.memo and verdict.memo not in memo:
        memo = f"{memo} {verdict.memo}".strip()
    changed = replace(order, holds=kept | placed, rule_holds=placed, review=verdict.review,
                      hold_notes=tuple((r.value, note) for r, note in verdict.holds if r in placed),
                      seller_memo=memo, seller_flag=order.seller_flag if verdict.flag is None else verdict.flag)
    return replace(changed, erp_handoff=handoff_for(changed))


def confirm(order: Order) -> Order:
    """A person's confirmation: the rule-made holds go with it, the system's holds stay (they lift when
    their cause is gone)."""
    changed = replace(order, review=ReviewState.CONFIRMED, holds=order.holds - order.rule_holds,
                      rule_holds=frozenset(), hold_notes=())
    return replace(changed, erp_handoff=handoff_for(changed))


# ------------------------------------------------------------------ conditions
def _matches(rule: Rule, order: Order, rules: RuleSet, facts: Facts) -> bool:
    results = (_holds(c, order, rules, facts) for c in rule.conditions)
    return all(results) if rule.match == "all" else any(results)


def _holds(c: Condition, order: Order, rules: RuleSet, facts: Facts) -> bool:
    return _CHECKS[c.field](c, order, rules, facts)


def _compare(op: str, actual: int, expected: int) -> bool:
    return {"gt": actual > expected, "gte": actual >= expected, "lt": actual < expected,
            "lte": actual <= expected, "eq": actual == expected}[op]


def _listed(op: str, actual: str, values: tuple[str, ...]) -> bool:
    return (actual in values) if op == "in" else (actual not in values)


def _text(op: str, text: str, words: tuple[str, ...] | None) -> bool:
    if op == "present":
        return bool(text.strip())
    if op == "absent":
        return not text.strip()
    lowered = text.lower()
    return any(word in lowered for word in words or ())


def _skus(order: Order) -> set[str]:
    """What the buyer bought: our gift lines (赠品) are not part of it."""
    codes = {link.sku_code for line in order.lines if not line.gift for link in line.links}
    return codes | {line.merchant_code for line in order.lines if line.merchant_code}


def _receiver_incomplete(order: Order) -> bool:
    r = order.receiver
    return r is None or not all((r.name_masked, r.phone_masked, r.province, r.city, r.address_masked))


def _below_list(order: Order, facts: Facts) -> int:
    """The largest discount, in whole %, of a linked line's unit price under its SKU's list price."""
    worst = 0
    for line in order.lines:
        if len(line.links) != 1 or line.links[0].quantity != 1:
            continue                                  # bundles have no one list price to compare with
        listed = facts.list_prices.get(line.links[0].sku_code, 0)
        if listed > 0 and line.quantity > 0:
            unit = line.paid_fen // line.quantity if line.paid_fen else line.unit_price_fen
            worst = max(worst, (listed - unit) * 100 // listed)
    return worst


def _ship_by_hours(order: Order, facts: Facts) -> int | None:
    if order.ship_by_at is None or facts.now is None:
        return None
    return int((order.ship_by_at - facts.now).total_seconds() // 3600)


def _ship_by(c: Condition, o: Order, _: RuleSet, f: Facts) -> bool:
    hours = _ship_by_hours(o, f)
    return hours is not None and _compare(c.op, hours, c.value)


_CHECKS = {
    "shop": lambda c, o, r, f: _listed(c.op, o.shop_id, c.value),
    "platform": lambda c, o, r, f: _listed(c.op, o.platform.value, c.value),
    "province": lambda c, o, r, f: _listed(c.op, o.receiver.province if o.receiver else "", c.value),
    "city": lambda c, o, r, f: _listed(c.op, o.receiver.city if o.receiver else "", c.value),
    "order_type": lambda c, o, r, f: _listed(c.op, o.order_type, c.value),
    "paid_fen": lambda c, o, r, f: _compare(c.op, o.paid_fen, c.value),
    "quantity": lambda c, o, r, f: _compare(c.op, sum(line.quantity for line in o.lines if not line.gift), c.value),
    "sku": lambda c, o, r, f: bool(_skus(o) & set(c.value)) == (c.op == "any_in"),
    "buyer_memo": lambda c, o, r, f: _text(c.op, o.buyer_memo, c.value),
    "seller_memo": lambda c, o, r, f: _text(c.op, o.seller_memo, c.value),
    "seller_flag": lambda c, o, r, f: o.seller_flag in c.value,
    "ship_by_hours": _ship_by,
    "receiver_incomplete": lambda c, o, r, f: _receiver_incomplete(o) == c.value,
    "blacklisted": lambda c, o, r, f: bool(blacklist_keys(o) & r.blacklist) == c.value,
    "merge_candidate": lambda c, o, r, f: f.open_sibling == c.value,
    "below_list_price_pct": lambda c, o, r, f: _below_list(o, f) >= c.value,
}
