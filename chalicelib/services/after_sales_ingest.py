"""Applies a platform's after-sale snapshot: only a newer version changes the case; then the order is
marked — a refund request on an order not yet shipped holds it (refund_requested) at once, and the hold
is released when no open case remains. Marking runs even for an unchanged case, so a crash between the
two writes is repaired by the redelivery."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain.after_sales import AfterSale, AfterSaleLine, case_id_for, refund_state_for
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order, OrderChange, handoff_for, order_id_for
from chalicelib.domain.snapshots import case_is_newer
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus
from chalicelib.services.ingest import Outcome
from chalicelib.services.platform_types import CanonicalAfterSale
from chalicelib.services.ports import AfterSaleRepository, Clock, OrderRepository

MAX_ATTEMPTS = 5
UNSHIPPED = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED)


def apply_case(cases: AfterSaleRepository, orders: OrderRepository, clock: Clock, shop_id: str,
               incoming: CanonicalAfterSale, fetch_order: Callable[[str], object]) -> Outcome:
    outcome = _store_case(cases, clock, shop_id, incoming)
    order_id = order_id_for(shop_id, incoming.order_no)
    if orders.get(order_id) is None:
        fetch_order(incoming.order_no)      # the case came before its order: bring the order in first
    _mark_order(cases, orders, clock, order_id)
    return outcome


def _store_case(cases: AfterSaleRepository, clock: Clock, shop_id: str, c: CanonicalAfterSale) -> Outcome:
    case_id = case_id_for(shop_id, c.case_id)
    for _ in range(MAX_ATTEMPTS):
        existing = cases.get(case_id)
        case = _case(shop_id, c, existing)
        if existing is not None and not case_is_newer(case, existing):
            return Outcome.UNCHANGED
        try:
            if existing is None:
                cases.add(case)
                return Outcome.NEW
            cases.save(case, existing.revision)
            return Outcome.UPDATED
        except ConflictError:
            continue
    raise ConflictError(f"case {case_id} kept changing")


def _case(shop_id: str, c: CanonicalAfterSale, existing: AfterSale | None) -> AfterSale:
    handoff = existing.erp_handoff if existing else ErpHandoff.READY
    if existing and existing.erp_handoff in (ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED):
        handoff = ErpHandoff.READY   # the ERP must see the change
    return AfterSale(
        case_id=case_id_for(shop_id, c.case_id), shop_id=shop_id, platform=c.platform, platform_case_id=c.case_id,
        order_id=order_id_for(shop_id, c.order_no), order_no=c.order_no, type=c.type, status=c.status,
        platform_status=c.platform_status, refund_fen=c.refund_fen, reason=c.reason, created_at=c.created_at,
        modified_at=c.modified_at, lines=tuple(AfterSaleLine(x.line_id, x.platform_sku_id, x.quantity, x.refund_fen)
                                                for x in c.lines),
        buyer_note=c.buyer_note, evidence_urls=c.evidence_urls, has_goods_return=c.has_goods_return,
        return_carrier_code=c.return_carrier_code, return_tracking_no=c.return_tracking_no,
        deadline_at=c.deadline_at, erp_handoff=handoff, version=c.version,
        revision=existing.revision if existing else 0, **_oms_owned(existing),
    )


def _oms_owned(existing: AfterSale | None) -> dict[str, Any]:
    """What the OMS keeps on a case (history, the action waiting for the platform): a newer platform
    snapshot must not wipe it."""
    if existing is None:
        return {}
    return {"history": existing.history, "pending_action": existing.pending_action,
            "action_error": existing.action_error, "reissue_shipment_ids": existing.reissue_shipment_ids,
            "pending_action_id": existing.pending_action_id, "pending_payload": existing.pending_payload}


def _mark_order(cases: AfterSaleRepository, orders: OrderRepository, clock: Clock, order_id: str) -> None:
    for _ in range(MAX_ATTEMPTS):
        order = orders.get(order_id)
        if order is None:
            return
        marked = _marked(order, cases.for_order(order_id), clock)
        if marked == order:
            return
        try:
            orders.save(marked, order.revision)
            return
        except ConflictError:
            continue
    raise ConflictError(f"order {order_id} kept changing while marking its after-sales")


def _marked(order: Order, order_cases: list[AfterSale], clock: Clock) -> Order:
    open_cases = [c for c in order_cases if c.open]
    holds = set(order.holds)
    if open_cases and order.status in UNSHIPPED:
        holds.add(HoldReason.REFUND_REQUESTED)
    elif not open_cases:
        holds.discard(HoldReason.REFUND_REQUESTED)
    refund_state = refund_state_for(order_cases)
    if frozenset(holds) == order.holds and refund_state is order.refund_state:
        return order
    now = clock.now()
    note = "held: refund requested" if HoldReason.REFUND_REQUESTED in holds - order.holds else \
        f"after-sale state {refund_state.value}"
    changed = replace(order, holds=frozenset(holds), refund_state=refund_state, updated_at=now,
                      history=(*order.history, OrderChange(now, "platform:after_sale", note))[-50:])
    return replace(changed, erp_handoff=handoff_for(changed))
