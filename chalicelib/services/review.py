"""The review gate (审单) as use cases: the rule set cached per process and checked against its version
once per consumer batch (as the SKU links' generation is, storage/catalog.py), the gate the consumer runs
on each order it writes, and an operator's confirmation. Editing the configuration lives in
services/review_admin.py, re-evaluating waiting orders in services/review_jobs.py."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.platform import Platform
from chalicelib.domain.review_eval import Facts, apply_verdict, blacklist_keys, confirm, evaluate, reviewable
from chalicelib.domain.review_rules import RuleSet, facts_needed, parse_rules
from chalicelib.domain.status import OrderStatus, ReviewState
from chalicelib.services.actions import Action, enqueue
from chalicelib.services.ports import Clock, OrderQuery, OrderRepository, Publisher

HISTORY_LIMIT = 50


class ReviewStore(Protocol):
    def version(self) -> int: ...
    def load(self) -> dict[str, Any]:
        """The current configuration with its "version" ({} before the first)."""
    def publish(self, doc: dict[str, Any], expected_version: int) -> int:
        """Stores a new version; ConflictError(reason="review.changed") if the current one is not expected."""


def ruleset_from(doc: dict[str, Any]) -> RuleSet:
    rules = parse_rules(doc.get("rules", []))
    return RuleSet(version=int(doc.get("version", 0)), rules=rules,
                   manual_shops=frozenset(doc.get("manual_shops", [])),
                   blacklist=frozenset(str(e["key"]) for e in doc.get("blacklist", [])),
                   needs=facts_needed(rules))


class RuleCache:
    """One per process. `refresh` reads the version pointer (a few bytes) and the configuration only when
    the version moved; the consumer calls it once per batch, never per order."""

    def __init__(self) -> None:
        self.rules = RuleSet()
        self.loads = 0

    def refresh(self, store: ReviewStore) -> RuleSet:
        if store.version() != self.rules.version:
            self.rules = ruleset_from(store.load())
            self.loads += 1
        return self.rules


@dataclass
class Gate:
    """Runs review on each order a consumer is about to write. `orders` and `list_prices` are read only
    when the rule set has a condition that needs them (merge candidate, price under the list price)."""
    rules: RuleSet
    clock: Clock
    publisher: Publisher | None = None
    orders: OrderRepository | None = None
    list_prices: Callable[[Iterable[str]], dict[str, int]] | None = None

    def __call__(self, order: Order) -> Order:
        if not reviewable(order):
            return order
        verdict = evaluate(order, self.rules, self._facts(order))
        reviewed = apply_verdict(order, verdict)
        memo_changed = (reviewed.seller_memo, reviewed.seller_flag) != (order.seller_memo, order.seller_flag)
        if memo_changed and self.publisher is not None and order.platform is not Platform.OFFLINE:
            # written back to the platform as an operator's memo is; the dedup id makes a retried write one
            enqueue(self.publisher, Action("set_memo", order.shop_id,
                                           f"memo:{order.order_id}:review:{self.rules.version}",
                                           {"order_no": order.order_no, "memo": reviewed.seller_memo,
                                            "flag": reviewed.seller_flag}))
        return reviewed

    def _facts(self, order: Order) -> Facts:
        needs = self.rules.needs
        prices: dict[str, int] = {}
        if "list_prices" in needs and self.list_prices is not None:
            prices = self.list_prices({link.sku_code for line in order.lines for link in line.links})
        sibling = "open_orders" in needs and self.orders is not None and _open_sibling(self.orders, order)
        return Facts(now=self.clock.now(), open_sibling=sibling, list_prices=prices)


def _open_sibling(orders: OrderRepository, order: Order) -> bool:
    """Another order of the shop awaiting shipment, not yet with the ERP, same buyer or receiver."""
    if order.receiver is None:
        return False
    mine = blacklist_keys(order)
    page = orders.query(OrderQuery(shop_id=order.shop_id, status=OrderStatus.AWAITING_SHIPMENT,
                                   text=order.receiver.name_masked or None, limit=50))
    return any(other.order_id != order.order_id and reviewable(other) and blacklist_keys(other) & mine
               for other in page.items)


# ------------------------------------------------------------------ an operator's confirmation
@dataclass(frozen=True)
class Confirmed:
    order_id: str
    outcome: str            # confirmed | already | conflict | not_reviewable | not_found
    revision: int = 0


def confirm_order(orders: OrderRepository, clock: Clock, order_id: str, actor: str,
                  expected_revision: int | None = None) -> Order:
    """One conditional write: if a re-evaluation (or anyone) wrote the order since the operator read it,
    the confirmation loses with a conflict and the operator looks again."""
    order = orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    if expected_revision is not None and order.revision != expected_revision:
        raise ConflictError(f"order {order_id} changed since it was shown: look again", reason="review.changed")
    if order.review is ReviewState.CONFIRMED:
        return order
    if not reviewable(order):
        raise ConflictError(f"order {order_id} is past review (handed over or closed)",
                            reason="review.not_reviewable")
    now = clock.now()
    changed = replace(confirm(order), updated_at=now,
                      history=(*order.history, OrderChange(now, actor, "review confirmed"))[-HISTORY_LIMIT:])
    try:
        orders.save(changed, order.revision)
    except ConflictError:
        raise ConflictError(f"order {order_id} changed meanwhile: look again", reason="review.changed") from None
    return replace(changed, revision=order.revision + 1)


def confirm_many(orders: OrderRepository, clock: Clock, order_ids: Iterable[str], actor: str,
                 revisions: dict[str, int] | None = None) -> list[tuple[Confirmed, Order | None]]:
    results: list[tuple[Confirmed, Order | None]] = []
    for order_id in dict.fromkeys(order_ids):
        try:
            order = confirm_order(orders, clock, order_id, actor, (revisions or {}).get(order_id))
            results.append((Confirmed(order_id, "confirmed", order.revision), order))
        except NotFoundError:
            results.append((Confirmed(order_id, "not_found"), None))
        except ConflictError as exc:
            outcome = "not_reviewable" if exc.reason == "review.not_reviewable" else "conflict"
            results.append((Confirmed(order_id, outcome), None))
    return results
