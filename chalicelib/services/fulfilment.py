"""Fulfilment strategies as use cases: the rules and the warehouses cached per process (checked once per
consumer batch, as the review rules are), and the planner the orders consumer runs on each order it writes
after the review gate. The plan is recomputed only while the order is not handed over; every change of it is
in the order's history. Editing the rules lives in services/fulfil_admin.py."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from chalicelib.domain.fulfil_plan import GiftPick, ParcelFacts, Plan, plan
from chalicelib.domain.fulfil_rules import FulfilRules, rules_from
from chalicelib.domain.orders import LineItem, Order, OrderChange, SkuLink
from chalicelib.domain.review_eval import HANDED_OVER, blacklist_keys
from chalicelib.domain.status import OrderStatus, RefundState
from chalicelib.domain.warehouses import Warehouse, serving
from chalicelib.services.ports import Clock
from chalicelib.services.stock_shipped import Routing

ACTOR = "system:fulfilment"
HISTORY_LIMIT = 50
GIFT_PREFIX = "gift-"
WEIGHTS_MAX_AGE_S = 600.0       # a goods weight edited shows in plans within this long
PLANNABLE = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT})


class FulfilStore(Protocol):
    def version(self) -> int: ...
    def load(self) -> dict[str, Any]: ...
    def publish(self, doc: dict[str, Any], expected_version: int) -> int: ...


class WarehouseList(Protocol):
    def list(self) -> list[Warehouse]: ...


class GiftCounters(Protocol):
    def claim(self, pick: GiftPick, order_id: str, buyer_key: str) -> bool:
        """Counts one gift of `pick`'s rule for the order (once per order: a replay answers True again) and the
        buyer, conditionally on its limits; False: a limit is reached, nothing counted."""
    def give_back(self, rule_id: str, order_id: str) -> bool:
        """Takes the order's count off the rule's total and its buyer's count, once (the claim goes with it);
        False: nothing was counted or it was given back already."""


class FulfilCache:
    """One per process. `refresh` reads the version pointer and the warehouses (one small query) once per
    consumer batch; the rules are parsed only when the version moved. SKU weights are kept as they are
    first needed, for WEIGHTS_MAX_AGE_S, so planning a batch reads no weight twice."""

    def __init__(self) -> None:
        self.rules = FulfilRules()
        self.warehouses: tuple[Warehouse, ...] = ()
        self.weights: dict[str, int] = {}
        self.goods: dict[str, str] = {}
        self.loads = 0
        self._weights_at = 0.0
        self._goods_at = 0.0
        self._refreshed_at = 0.0
        self._source: WarehouseList | None = None

    def refresh(self, store: FulfilStore, warehouses: WarehouseList) -> FulfilRules:
        if store.version() != self.rules.version:
            self.rules = rules_from(store.load())
            self.loads += 1
        self._load_warehouses(warehouses)
        return self.rules

    def fresh(self, warehouses: WarehouseList, max_age_s: float = 30.0) -> FulfilCache:
        """The warehouses for callers outside the consumer (API, other workers): reloaded when older than
        max_age_s (or read from another repository); the rules stay as the consumer last refreshed them."""
        stale = not self._refreshed_at or time.monotonic() - self._refreshed_at > max_age_s
        if stale or warehouses is not self._source:
            self._load_warehouses(warehouses)
        return self

    def _load_warehouses(self, warehouses: WarehouseList) -> None:
        self.warehouses, self._source = tuple(warehouses.list()), warehouses
        self._refreshed_at = time.monotonic()

    def invalidate(self) -> None:
        self._refreshed_at = 0.0

    def routing(self, shop_id: str) -> Routing:
        listed = self.warehouses
        chosen = serving(listed, shop_id)
        negative = frozenset(w.warehouse_id for w in listed if w.allow_negative and w.warehouse_id in chosen)
        return Routing(tuple(chosen), negative)

    def weights_of(self, codes: Iterable[str], load: Callable[[set[str]], dict[str, int]]) -> dict[str, int]:
        if time.monotonic() - self._weights_at > WEIGHTS_MAX_AGE_S:
            self.weights, self._weights_at = {}, time.monotonic()
        wanted = set(codes)
        missing = wanted - self.weights.keys()
        if missing:
            found = load(missing)
            self.weights.update({code: found.get(code, 0) for code in missing})
        return {code: self.weights[code] for code in wanted}

    def goods_of(self, codes: Iterable[str], load: Callable[[set[str]], dict[str, str]]) -> dict[str, str]:
        """SKU code -> its library goods id, kept as the weights are (a SKU moved to other goods shows in
        plans within WEIGHTS_MAX_AGE_S)."""
        if time.monotonic() - self._goods_at > WEIGHTS_MAX_AGE_S:
            self.goods, self._goods_at = {}, time.monotonic()
        wanted = set(codes)
        missing = wanted - self.goods.keys()
        if missing:
            found = load(missing)
            self.goods.update({code: found.get(code, "") for code in missing})
        return {code: self.goods[code] for code in wanted}


def plannable(order: Order) -> bool:
    return (order.status in PLANNABLE and order.erp_handoff not in HANDED_OVER and not order.tracking_no)


def facts_for(order: Order, cache: FulfilCache, weights: Callable[[set[str]], dict[str, int]] | None = None,
              goods: Callable[[set[str]], dict[str, str]] | None = None) -> ParcelFacts:
    units: dict[str, int] = {}
    for line in order.lines:
        if line.gift:
            continue
        for link in line.links:
            units[link.sku_code] = units.get(link.sku_code, 0) + line.quantity * link.quantity
    weight = 0
    if cache.rules.needs_weight and weights is not None and units:
        known = cache.weights_of(units, weights)
        weight = sum(known[code] * qty for code, qty in units.items())
    goods_of = cache.goods_of(units, goods) if cache.rules.needs_goods and goods is not None and units else {}
    r = order.receiver
    listed = cache.warehouses
    return ParcelFacts(shop_id=order.shop_id, province=r.province if r else "", city=r.city if r else "",
                       weight_g=weight, paid_fen=order.paid_fen, skus=units, cod=order.order_type == "cod",
                       at=order.paid_at or order.created_at, serving=tuple(serving(listed, order.shop_id)),
                       active=frozenset(w.warehouse_id for w in listed if w.active),
                       negative=frozenset(w.warehouse_id for w in listed if w.allow_negative), goods_of=goods_of)


@dataclass
class Planner:
    """The gate after review: plans the order, adds the gift lines a rule grants (counted against its
    limits), and writes what changed into the order's history. No read of its own: the rules, warehouses
    and weights come from the cache."""
    cache: FulfilCache
    clock: Clock
    counters: GiftCounters | None = None
    weights: Callable[[set[str]], dict[str, int]] | None = None
    add_gifts: bool = True       # off for a re-plan outside the consumer: no stock settles after it there
    goods: Callable[[set[str]], dict[str, str]] | None = None    # SKU code -> library goods id (gifts by goods)

    def __call__(self, order: Order) -> Order:
        if not plannable(order):
            return order
        made = plan(facts_for(order, self.cache, self.weights, self.goods), self.cache.rules)
        if order.plan is not None:
            made = replace(made, override_account_id=order.plan.override_account_id,
                           skipped_gifts=order.plan.skipped_gifts)
        notes: list[str] = []
        lines = self._gifts(order, made, notes)
        summary = made.summary()
        if order.plan is None or order.plan.summary() != summary:
            notes.insert(0, f"plan: {summary} ({'; '.join(made.reasons)})")
        if not notes and lines == order.lines and order.plan == made:
            return order
        now = self.clock.now()
        history = (*order.history, *(OrderChange(now, ACTOR, note[:500]) for note in notes))
        return replace(order, plan=made, lines=lines, history=history[-HISTORY_LIMIT:])

    def _gifts(self, order: Order, made: Plan, notes: list[str]) -> tuple[LineItem, ...]:
        """Gift lines stay once granted (their count is taken); a new pick is added when its limits allow."""
        if not self.add_gifts or not made.gifts or order.status is not OrderStatus.AWAITING_SHIPMENT:
            return order.lines       # an unpaid order takes no gift yet: it may never be paid, its count wasted
        present = {line.line_id for line in order.lines}
        added: list[LineItem] = []
        buyer = ""
        for pick in made.gifts:
            line_id = gift_line_id(pick)
            if line_id in present or line_id in made.skipped_gifts:
                continue
            limited = self.counters is not None and (pick.per_buyer_limit or pick.total_limit)
            buyer = buyer or (buyer_key(order) if limited else "")
            if limited and not self.counters.claim(pick, order.order_id, buyer):  # type: ignore[union-attr]
                notes.append(f"gift {pick.sku_code} not added: rule {pick.rule_id}'s limit is reached")
                continue
            added.append(gift_line(pick))
            notes.append(f"gift {pick.sku_code} x{pick.quantity} added: rule {pick.rule_id}")
        return (*order.lines, *added)


def gift_line_id(pick: GiftPick) -> str:
    return f"{GIFT_PREFIX}{pick.rule_id}-{pick.sku_code}"


def gift_line(pick: GiftPick) -> LineItem:
    return LineItem(line_id=gift_line_id(pick), platform_sku_id="", platform_product_id="",
                    merchant_code=pick.sku_code, title=f"赠品 {pick.sku_code}", sku_name="", quantity=pick.quantity,
                    unit_price_fen=0, paid_fen=0, links=(SkuLink(pick.sku_code, 1),), gift=True)


def buyer_key(order: Order) -> str:
    """The buyer a per-buyer limit counts: the platform's buyer id, else the receiver (hashed)."""
    keys = sorted(blacklist_keys(order))
    return keys[0] if keys else f"order:{order.order_id}"


def gifts_to_give_back(order: Order) -> list[str]:
    """The limited gift rules whose count the order should not hold: every gift line of the rule was skipped
    for lack of stock, or the order is cancelled or fully refunded after its gift was granted. Pure: the
    claim's removal (GiftCounters.give_back) makes giving back happen once."""
    if order.plan is None:
        return []
    lines_of: dict[str, set[str]] = {}
    for pick in order.plan.gifts:
        if pick.per_buyer_limit or pick.total_limit:
            lines_of.setdefault(pick.rule_id, set()).add(gift_line_id(pick))
    if not lines_of:
        return []
    paid = [line for line in order.lines if not line.gift]
    over = order.status is OrderStatus.CANCELLED or (bool(paid) and all(
        line.refund_state is RefundState.REFUNDED for line in paid))
    present = {line.line_id for line in order.lines if line.gift}
    skipped = set(order.plan.skipped_gifts)
    return [rule for rule, ids in lines_of.items()
            if ids <= skipped or (over and ids & (present | skipped))]


def give_back_gifts(counters: GiftCounters, order: Order) -> list[str]:
    """Returns the rules whose count went back now (a redelivery finds none)."""
    return [rule for rule in gifts_to_give_back(order) if counters.give_back(rule, order.order_id)]


def skippable_gifts(order: Order) -> list[LineItem]:
    """The gift lines whose rule says "skip when out": the order ships without them when they lack stock."""
    skip = {gift_line_id(p) for p in (order.plan.gifts if order.plan else ()) if p.skip_when_out}
    return [line for line in order.lines if line.gift and line.line_id in skip and line.shipped_quantity == 0]


def routing_of(order: Order, fallback: Routing) -> Routing:
    """The plan's warehouses when it has some (the rules chose), else the shop's."""
    if order.plan is None or not order.plan.warehouse_rule or not order.plan.warehouses:
        return fallback
    return Routing(order.plan.warehouses, order.plan.negative)
