"""Applies a platform's order snapshot to the unified order: the snapshot becomes an order, the domain's
rules (domain/snapshots.py) say whether it is newer and how it merges, and the write is conditional on the
revision read (a lost race reloads and re-applies)."""
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
    order_id_for,
)
from chalicelib.domain.presale import with_presale_hold
from chalicelib.domain.snapshots import merge_order, order_is_newer, recompute, refund_went_down, with_case_refund
from chalicelib.domain.status import RefundState
from chalicelib.services.platform_types import CanonicalLine, CanonicalOrder, CanonicalReceiver
from chalicelib.services.ports import Clock, OrderRepository

MAX_ATTEMPTS = 5

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
                   case_refund: Callable[[str], RefundState] | None = None,  # the order's cases say (one query)
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
        fresh = _new_order(shop_id, incoming, links, clock, raw_ref)
        if existing is not None and not order_is_newer(fresh, existing):
            return Outcome.UNCHANGED, existing   # a duplicate or a late, older delivery
        try:
            if existing is None:
                order = gate(fresh)
                orders.add(order)
                return Outcome.NEW, replace(order, revision=1)
            merged = merge_order(existing, fresh, clock.now())
            if case_refund is not None and refund_went_down(merged, existing):   # rare: read the cases only then
                merged = with_case_refund(merged, case_refund(order_id))
            order = gate(merged)
            orders.save(order, existing.revision)
            return Outcome.UPDATED, replace(order, revision=existing.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"order {order_id} kept changing during {MAX_ATTEMPTS} attempts")


def _new_order(shop_id: str, c: CanonicalOrder, links: Links, clock: Clock, raw_ref: str) -> Order:
    """The platform's snapshot as a new order; also what order_is_newer and merge_order compare and take."""
    now = clock.now()
    order = Order(
        order_id=order_id_for(shop_id, c.order_no), shop_id=shop_id, platform=c.platform, order_no=c.order_no,
        status=c.status, platform_status=c.platform_status, lines=_lines(c.lines, links),
        created_at=c.created_at, modified_at=c.modified_at, updated_at=now,
        history=(OrderChange(now, f"platform:{c.platform.value}", f"created as {c.status.value}"),),
        **_common(c, raw_ref),
    )
    return recompute(with_presale_hold(order, now))


def _common(c: CanonicalOrder, raw_ref: str) -> dict[str, Any]:
    return {"total_fen": c.total_fen, "paid_fen": c.paid_fen, "freight_fen": c.freight_fen,
            "seller_discount_fen": c.seller_discount_fen, "platform_discount_fen": c.platform_discount_fen,
            "receiver": _receiver(c.receiver), "refund_state": c.refund_state, "buyer_memo": c.buyer_memo,
            "seller_memo": c.seller_memo, "seller_flag": c.seller_flag, "paid_at": c.paid_at,
            "shipped_at": c.shipped_at, "carrier_code": c.carrier_code, "tracking_no": c.tracking_no,
            "version": c.version, "raw_ref": raw_ref, "buyer_id": c.buyer_id, "order_type": c.order_type,
            "ship_by_at": c.ship_by_at}


def _lines(lines: tuple[CanonicalLine, ...], links: Links) -> tuple[LineItem, ...]:
    return tuple(
        LineItem(line_id=x.line_id, platform_sku_id=x.platform_sku_id, platform_product_id=x.platform_product_id,
                 merchant_code=x.merchant_code, title=x.title, sku_name=x.sku_name, quantity=x.quantity,
                 unit_price_fen=x.unit_price_fen, paid_fen=x.paid_fen, discount_fen=x.discount_fen,
                 image_url=x.image_url, refund_state=x.refund_state,
                 links=links.get(x.platform_sku_id, ()))
        for x in lines
    )


def _receiver(r: CanonicalReceiver | None) -> Receiver | None:
    if r is None:
        return None
    return Receiver(name_masked=r.name_masked, phone_masked=r.phone_masked, province=r.province, city=r.city,
                    district=r.district, address_masked=r.address_masked, town=r.town,
                    platform_ciphertext=tuple(sorted(r.ciphertext.items())))
