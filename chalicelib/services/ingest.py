"""Applies a platform's order snapshot to the unified order: only a newer platform version changes
anything, status only moves forward, holds and the ERP hand-off are recomputed, and the write is
conditional on the revision read (a lost race reloads and re-applies)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import (
    LineItem,
    Order,
    OrderChange,
    Receiver,
    SkuLink,
    can_transition,
    handoff_for,
    next_status,
    order_id_for,
)
from chalicelib.domain.status import HoldReason, RefundState
from chalicelib.platforms.base import CanonicalLine, CanonicalOrder, CanonicalReceiver
from chalicelib.services.ports import Clock, OrderRepository

MAX_ATTEMPTS = 5
HISTORY_LIMIT = 20   # the latest changes; older ones stay in the raw payloads and the logs

Links = Mapping[str, tuple[SkuLink, ...]]   # platform SKU id -> ERP SKUs it stands for


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def apply_snapshot(orders: OrderRepository, clock: Clock, shop_id: str, incoming: CanonicalOrder,
                   links: Links, raw_ref: str = "") -> Outcome:
    return apply_and_keep(orders, clock, shop_id, incoming, links, raw_ref)[0]


def apply_and_keep(orders: OrderRepository, clock: Clock, shop_id: str, incoming: CanonicalOrder,
                   links: Links, raw_ref: str = "", first_read: Callable[[], Order | None] | None = None,
                   gate: Callable[[Order], Order] = lambda order: order,   # the review gate (services/review.py)
                   ) -> tuple[Outcome, Order | None]:
    """Also returns the order as stored (as last read, when unchanged), so the caller reads it no more.
    The first read may be stale (eventually consistent, half the read units; or `first_read`, what the
    caller read for its whole batch at once): stale can only mean older or absent, and then the
    revision-conditional write fails and the retry reads strongly."""
    order_id = order_id_for(shop_id, incoming.order_no)
    for attempt in range(MAX_ATTEMPTS):
        if attempt == 0 and first_read is not None:
            existing = first_read()
        else:
            existing = orders.get(order_id, consistent=attempt > 0)
        if existing is not None and not _newer(incoming, existing):
            return Outcome.UNCHANGED, existing   # a duplicate or a late, older delivery
        try:
            if existing is None:
                order = gate(_new_order(shop_id, incoming, links, clock, raw_ref))
                orders.add(order)
                return Outcome.NEW, replace(order, revision=1)
            order = gate(_merge(existing, incoming, links, clock, raw_ref))
            orders.save(order, existing.revision)
            return Outcome.UPDATED, replace(order, revision=existing.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"order {order_id} kept changing during {MAX_ATTEMPTS} attempts")


# What the platform owns on an order. Platform versions are modified times, most in whole seconds: two
# changes in one second carry one version. At an equal version a snapshot is taken when it moves the order
# forward, or, at the same status, when its content sorts after what is stored: both arrival orders end the
# same, equal content changes nothing, and a stale same-second redelivery cannot roll the order back.
PLATFORM_OWNED = ("platform_status", "refund_state", "paid_fen", "total_fen", "tracking_no", "carrier_code",
                  "seller_memo", "seller_flag", "buyer_memo", "paid_at", "shipped_at")


def _newer(incoming: CanonicalOrder, existing: Order) -> bool:
    if incoming.version != existing.version:
        return incoming.version > existing.version
    if incoming.status != existing.status:
        return can_transition(existing.status, incoming.status)
    if incoming.refund_state != existing.refund_state:
        # platforms with second-precision times (JD) report a refund request and the shipment of the same
        # second at one version: the later stage is the likelier latest (a withdrawal that fast is rare)
        return _REFUND_STAGES.index(incoming.refund_state) > _REFUND_STAGES.index(existing.refund_state)
    return _content_key(incoming) > _content_key(existing)


_REFUND_STAGES = (RefundState.NONE, RefundState.IN_PROGRESS, RefundState.REFUNDING, RefundState.REFUNDED)


def _content_key(order: CanonicalOrder | Order) -> str:
    import hashlib
    lines = tuple((line.line_id, line.quantity, line.refund_state.value) for line in order.lines)
    text = repr((tuple(str(getattr(order, name)) for name in PLATFORM_OWNED), lines))
    return hashlib.sha256(text.encode()).hexdigest()


def _new_order(shop_id: str, c: CanonicalOrder, links: Links, clock: Clock, raw_ref: str) -> Order:
    now = clock.now()
    order = Order(
        order_id=order_id_for(shop_id, c.order_no), shop_id=shop_id, platform=c.platform, order_no=c.order_no,
        status=c.status, platform_status=c.platform_status, lines=_lines(c.lines, links),
        created_at=c.created_at, modified_at=c.modified_at, updated_at=now,
        history=(OrderChange(now, f"platform:{c.platform.value}", f"created as {c.status.value}"),),
        **_common(c, raw_ref),
    )
    return _recompute(order)


def _merge(existing: Order, c: CanonicalOrder, links: Links, clock: Clock, raw_ref: str) -> Order:
    now = clock.now()
    status = next_status(existing.status, c.status)
    summary = f"{c.platform_status}: status {existing.status.value} -> {status.value}"
    merged = replace(
        existing, status=status, platform_status=c.platform_status, modified_at=c.modified_at, updated_at=now,
        lines=_lines(c.lines, links, previous=existing.lines),
        history=(*existing.history, OrderChange(now, f"platform:{c.platform.value}", summary))[-HISTORY_LIMIT:],
        **_common(c, raw_ref or existing.raw_ref),
    )
    return _recompute(merged)


def _common(c: CanonicalOrder, raw_ref: str) -> dict[str, Any]:
    return {"total_fen": c.total_fen, "paid_fen": c.paid_fen, "freight_fen": c.freight_fen,
            "seller_discount_fen": c.seller_discount_fen, "platform_discount_fen": c.platform_discount_fen,
            "receiver": _receiver(c.receiver), "refund_state": c.refund_state, "buyer_memo": c.buyer_memo,
            "seller_memo": c.seller_memo, "seller_flag": c.seller_flag, "paid_at": c.paid_at,
            "shipped_at": c.shipped_at, "carrier_code": c.carrier_code, "tracking_no": c.tracking_no,
            "version": c.version, "raw_ref": raw_ref, "buyer_id": c.buyer_id, "order_type": c.order_type,
            "ship_by_at": c.ship_by_at}


def _lines(lines: tuple[CanonicalLine, ...], links: Links, previous: tuple[LineItem, ...] = ()) -> tuple[LineItem, ...]:
    # a manual per-line fix (links set by an operator) and the shipped quantities our shipments recorded
    # survive platform updates of the same line
    kept = {line.line_id: line.links for line in previous if line.links}
    shipped = {line.line_id: line.shipped_quantity for line in previous}
    return tuple(
        LineItem(line_id=x.line_id, platform_sku_id=x.platform_sku_id, platform_product_id=x.platform_product_id,
                 merchant_code=x.merchant_code, title=x.title, sku_name=x.sku_name, quantity=x.quantity,
                 unit_price_fen=x.unit_price_fen, paid_fen=x.paid_fen, discount_fen=x.discount_fen,
                 image_url=x.image_url, refund_state=x.refund_state,
                 links=links.get(x.platform_sku_id) or kept.get(x.line_id, ()),
                 shipped_quantity=shipped.get(x.line_id, 0))
        for x in lines
    )


def _receiver(r: CanonicalReceiver | None) -> Receiver | None:
    if r is None:
        return None
    return Receiver(name_masked=r.name_masked, phone_masked=r.phone_masked, province=r.province, city=r.city,
                    district=r.district, address_masked=r.address_masked, town=r.town,
                    platform_ciphertext=tuple(sorted(r.ciphertext.items())))


def _recompute(order: Order) -> Order:
    holds = set(order.holds)
    if order.unlinked_lines:
        holds.add(HoldReason.UNLINKED_SKU)
    else:
        holds.discard(HoldReason.UNLINKED_SKU)
    held = replace(order, holds=frozenset(holds))
    return replace(held, erp_handoff=handoff_for(held))
