"""What operators do to an order by hand: memo (written back to the platform), hold and release,
cancel an unpaid or offline order. Every change is revision-conditional and recorded in its history."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.orders import Order, OrderChange, handoff_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.actions import Action, enqueue
from chalicelib.services.ports import Clock, OrderRepository, Publisher

MANUAL_HOLDS = frozenset({HoldReason.MANUAL_HOLD, HoldReason.ADDRESS_ISSUE, HoldReason.BUYER_MESSAGE})
HISTORY_LIMIT = 50


def _load(orders: OrderRepository, order_id: str) -> Order:
    order = orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    return order


def _changed(order: Order, clock: Clock, actor: str, summary: str, **fields: object) -> Order:
    now = clock.now()
    changed = replace(order, updated_at=now, **fields,  # type: ignore[arg-type]
                      history=(*order.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])
    return replace(changed, erp_handoff=handoff_for(changed))


def set_memo(orders: OrderRepository, publisher: Publisher, clock: Clock, order_id: str, memo: str, flag: int,
             actor: str) -> Order:
    order = _load(orders, order_id)
    changed = _changed(order, clock, actor, "seller memo edited", seller_memo=memo, seller_flag=flag)
    orders.save(changed, order.revision)
    enqueue(publisher, Action("set_memo", order.shop_id, f"memo:{order_id}:{order.revision + 1}",
                              {"order_no": order.order_no, "memo": memo, "flag": flag}))
    return changed


def hold(orders: OrderRepository, clock: Clock, order_id: str, reason: HoldReason, note: str, actor: str) -> Order:
    if reason not in MANUAL_HOLDS:
        raise ValidationError(f"{reason.value} is set by the system, not by hand", field="reason",
                              reason="hold.system_set")
    order = _load(orders, order_id)
    if reason in order.holds:
        return order
    changed = _changed(order, clock, actor, f"held: {reason.value} {note}".strip(), holds=order.holds | {reason})
    orders.save(changed, order.revision)
    return changed


def release(orders: OrderRepository, clock: Clock, order_id: str, reason: HoldReason, actor: str) -> Order:
    if reason not in MANUAL_HOLDS:
        raise ValidationError(f"{reason.value} is released by the system when its cause is gone", field="reason",
                              reason="hold.system_released")
    order = _load(orders, order_id)
    if reason not in order.holds:
        return order
    changed = _changed(order, clock, actor, f"released: {reason.value}", holds=order.holds - {reason})
    orders.save(changed, order.revision)
    return changed


def cancel(orders: OrderRepository, clock: Clock, order_id: str, reason: str, actor: str) -> Order:
    """Only what the platform does not own: an unpaid order, or an offline (manual) order not yet shipped.
    A paid platform order is cancelled on the platform (a refund), and reaches us from there."""
    order = _load(orders, order_id)
    if order.status is OrderStatus.CANCELLED:
        return order
    offline_open = order.platform is Platform.OFFLINE and order.status is OrderStatus.AWAITING_SHIPMENT
    if order.status is not OrderStatus.PENDING_PAYMENT and not offline_open:
        raise InvalidTransitionError(
            f"a {order.status.value} {order.platform.value} order is cancelled on the platform",
            reason="order.cancel_on_platform")
    changed = _changed(order, clock, actor, f"cancelled: {reason}", status=OrderStatus.CANCELLED)
    orders.save(changed, order.revision)
    return changed


def resolve_order_ref(orders: OrderRepository, ref: str) -> str:
    """The internal id of the order an operator names by its internal id or by its platform order number
    (面单 / 拣货单 / 手工发货 take either). A number two shops share must be named by id; a reference that
    names nothing is passed on as it is, for the use case to report with the rest of its batch."""
    ref = ref.strip()
    if orders.get(ref, consistent=False) is not None:
        return ref
    found = orders.by_order_no(ref)
    if len(found) == 1:
        return found[0].order_id
    if not found:
        return ref
    raise ValidationError(f"order number {ref} is in {len(found)} shops: choose the order by its id",
                          field="order_ids", reason="orders.number_ambiguous")


def resolve_order_refs(orders: OrderRepository, refs: list[str]) -> list[str]:
    return [resolve_order_ref(orders, ref) for ref in refs]
