"""Waybills for fulfilments: one waybill per merged parcel (every member order on it) or per split part (its
lines only). Shipping such a waybill records one shipment per member order with the part's lines, so the
ship-back goes out per order through the platform-actions queue and each platform sees partial shipments as
its rules allow (domain/partial_shipping.py)."""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain import fulfilments as ff
from chalicelib.domain.errors import ConflictError, DomainError, InvalidTransitionError, NotFoundError
from chalicelib.domain.fulfilment_splits import open_units
from chalicelib.domain.fulfilments import Fulfilment, FulfilmentKind, FulfilmentState
from chalicelib.domain.orders import Order
from chalicelib.domain.waybills import Waybill, check_shippable
from chalicelib.services.platform_errors import PlatformError
from chalicelib.services.waybill_ports import Outcome, WaybillDeps

Items = tuple[tuple[str, int], ...]
# parcel, items, account id, fulfilment id, the platform's parcel key
Take = Callable[[tuple[Order, ...], Items, str, str, str], Waybill]


def fulfilment_of(deps: WaybillDeps, fulfilment_id: str) -> Fulfilment:
    fulfilment = deps.fulfilments.get(fulfilment_id) if deps.fulfilments else None
    if fulfilment is None:
        raise NotFoundError(f"no parcel {fulfilment_id}", reason="fulfilment.not_found")
    return fulfilment


def issue_for(deps: WaybillDeps, fulfilment_id: str, account_id: str, take: Take) -> Outcome:
    """`take` asks the platform and stores the waybill (services/waybills.py)."""
    try:
        fulfilment = fulfilment_of(deps, fulfilment_id)
        if fulfilment.state in (FulfilmentState.WAYBILL, FulfilmentState.SHIPPED) and fulfilment.waybill_id:
            existing = deps.waybills.get(fulfilment.waybill_id)
            if existing is not None and existing.active:
                return Outcome(fulfilment_id, existing)
        if fulfilment.state is not FulfilmentState.OPEN:
            raise InvalidTransitionError(f"parcel {fulfilment_id} is {fulfilment.state.value}: no new waybill",
                                         reason="fulfilment.not_open")
        orders = tuple(_shippable(deps, order_id) for order_id in fulfilment.order_ids)
        # a split part is one of several parcels of its order: its own key, or the platform hands back the
        # first part's number for the second (same object id, same waybill)
        key = fulfilment_id if fulfilment.kind is FulfilmentKind.SPLIT else ""
        waybill = take(orders, _items(fulfilment, orders), account_id, fulfilment_id, key)
        _mark(deps, fulfilment, lambda f: ff.with_waybill(f, waybill.waybill_id, deps.clock.now()))
        return Outcome(fulfilment_id, waybill)
    except (DomainError, PlatformError) as exc:
        return Outcome(fulfilment_id, error=exc)


def _shippable(deps: WaybillDeps, order_id: str) -> Order:
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    check_shippable(order)
    return order


def _items(fulfilment: Fulfilment, orders: tuple[Order, ...]) -> Items:
    """What the waybill lists: each member's part (its open units when the part names no lines)."""
    titles = {(o.order_id, line.line_id): line.title for o in orders for line in o.lines}
    items: list[tuple[str, int]] = []
    by_id = {o.order_id: o for o in orders}
    for part in fulfilment.parts:
        lines = part.lines or tuple(open_units(by_id[part.order_id]).items())
        items.extend((titles.get((part.order_id, line_id), line_id), units) for line_id, units in lines)
    return tuple(items)


def lines_to_ship(deps: WaybillDeps, waybill: Waybill) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    """(order id, lines) per shipment the waybill's shipping records: a part's lines, or () for a whole order."""
    if not waybill.fulfilment_id:
        return [(order_id, ()) for order_id in waybill.order_ids]
    return [(part.order_id, part.lines) for part in fulfilment_of(deps, waybill.fulfilment_id).parts]


def after_ship(deps: WaybillDeps, waybill: Waybill) -> None:
    if waybill.fulfilment_id:
        _mark(deps, fulfilment_of(deps, waybill.fulfilment_id), lambda f: ff.shipped(f, deps.clock.now()))


def after_cancel(deps: WaybillDeps, waybill: Waybill) -> None:
    """The parcel may change again (unmerge, a refund splitting a member out) and take a new waybill."""
    if waybill.fulfilment_id:
        _mark(deps, fulfilment_of(deps, waybill.fulfilment_id), lambda f: ff.waybill_cancelled(f, deps.clock.now()))


def _mark(deps: WaybillDeps, fulfilment: Fulfilment, change: Callable[[Fulfilment], Fulfilment]) -> None:
    assert deps.fulfilments is not None
    for _ in range(5):
        changed = change(fulfilment)
        if changed == fulfilment:
            return
        try:
            deps.fulfilments.save(changed, fulfilment.revision)
            return
        except ConflictError:
            fulfilment = fulfilment_of(deps, fulfilment.fulfilment_id)
    raise ConflictError(f"parcel {fulfilment.fulfilment_id} kept changing", reason="fulfilment.changed")
