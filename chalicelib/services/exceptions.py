"""The exception center (异常订单): held orders, whatever held them (the system, a person or a review rule),
released or cancelled in bulk. Each order answers for itself (released, kept, refused...), each change is
one revision-conditional write recorded in the order's history, and the request in the audit log."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from chalicelib.domain.errors import ConflictError, DomainError, NotFoundError
from chalicelib.domain.order_counters import open_holds, shop_scope
from chalicelib.domain.orders import Order, OrderChange, handoff_for
from chalicelib.domain.status import HoldReason, ReviewState
from chalicelib.services.order_admin import MANUAL_HOLDS, cancel
from chalicelib.services.ports import Clock, OrderCounters, OrderRepository

# the system lifts these itself when their cause is gone (a link, the refund closed, stock arrived, the
# presale's date came)
SYSTEM_HOLDS = frozenset({HoldReason.UNLINKED_SKU, HoldReason.REFUND_REQUESTED, HoldReason.OUT_OF_STOCK,
                          HoldReason.PRESALE_WAITING})
HISTORY_LIMIT = 50
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Outcome:
    order_id: str
    outcome: str                 # released | kept | cancelled | refused | conflict | not_found
    kept: tuple[str, ...] = ()   # holds only the system lifts
    message: str = ""


def release_one(orders: OrderRepository, clock: Clock, order_id: str, actor: str) -> tuple[Outcome, Order | None]:
    for _ in range(MAX_ATTEMPTS):
        order = orders.get(order_id)
        if order is None:
            return Outcome(order_id, "not_found"), None
        releasable = order.holds & (MANUAL_HOLDS | order.rule_holds | {HoldReason.RULE_HOLD, HoldReason.BLACKLISTED,
                                                                       HoldReason.MERGE_CANDIDATE,
                                                                       HoldReason.PRICE_ANOMALY})
        kept = tuple(sorted(h.value for h in order.holds & SYSTEM_HOLDS))
        if not releasable:
            return Outcome(order_id, "kept", kept), order
        now = clock.now()
        # releasing what the rules held is a person's review: the rules no longer re-evaluate the order
        review = ReviewState.CONFIRMED if order.review is not ReviewState.PASSED else order.review
        summary = "released: " + " ".join(sorted(h.value for h in releasable))
        changed = replace(order, holds=order.holds - releasable, rule_holds=frozenset(), hold_notes=(),
                          review=review, updated_at=now,
                          history=(*order.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])
        changed = replace(changed, erp_handoff=handoff_for(changed))
        try:
            orders.save(changed, order.revision)
        except ConflictError:
            continue
        return Outcome(order_id, "released", kept), replace(changed, revision=order.revision + 1)
    return Outcome(order_id, "conflict", message="the order kept changing: look again"), None


def release_many(orders: OrderRepository, clock: Clock, order_ids: Iterable[str], actor: str
                 ) -> list[tuple[Outcome, Order | None]]:
    return [release_one(orders, clock, order_id, actor) for order_id in dict.fromkeys(order_ids)]


def cancel_many(orders: OrderRepository, clock: Clock, order_ids: Iterable[str], reason: str, actor: str
                ) -> list[tuple[Outcome, Order | None]]:
    """Only what we own is cancelled here (unpaid or offline orders); a paid platform order is refused with
    the reason (it is cancelled on the platform, as a refund)."""
    results: list[tuple[Outcome, Order | None]] = []
    for order_id in dict.fromkeys(order_ids):
        try:
            order = cancel(orders, clock, order_id, reason, actor)
            results.append((Outcome(order_id, "cancelled"), order))
        except NotFoundError:
            results.append((Outcome(order_id, "not_found"), None))
        except DomainError as exc:
            results.append((Outcome(order_id, "refused", message=str(exc)), None))
    return results


def held_counts(counters: OrderCounters) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, str], int]]:
    """Held orders per reason, per shop and per (reason, shop), from the counters the reports consumer folds: one
    counter item per shop, whatever the number of orders."""
    by_reason: dict[str, int] = {}
    by_shop: dict[str, int] = {}
    pairs: dict[tuple[str, str], int] = {}
    for shop_id in counters.shop_ids():
        held, reasons = open_holds(counters.totals([shop_scope(shop_id)]))
        if held:
            by_shop[shop_id] = held
        for reason, n in reasons.items():
            by_reason[reason] = by_reason.get(reason, 0) + n
            pairs[(reason, shop_id)] = n
    return by_reason, by_shop, pairs
