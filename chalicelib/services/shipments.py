"""Shipments: recorded from the ERP (or by hand), written back to the platform through the
platform-actions queue, and only then shipped on the order. A shipment's id is deterministic (order,
carrier, tracking no.): re-posting finds the same record and never ships twice."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.orders import LineItem, Order, OrderChange, handoff_for, next_status
from chalicelib.domain.partial_shipping import plan_ship_back
from chalicelib.domain.shipping import ShipBack, Shipment, ShipmentLine, shipment_id_for
from chalicelib.domain.status import OrderStatus, RefundState, ShipmentStatus
from chalicelib.services.actions import Action, enqueue
from chalicelib.services.erp_ports import CARRIER_CODES, ShipmentRepository
from chalicelib.services.fulfilment_ports import FulfilmentRepository
from chalicelib.services.fulfilment_shipped import close_shipped
from chalicelib.services.ports import Clock, OrderRepository, Publisher
from chalicelib.services.queue_messages import order_group
from chalicelib.services.stock import RouteOf, settle_order
from chalicelib.services.stock_ports import StockLedger

TRACKING = re.compile(r"^[A-Za-z0-9-]{4,40}$")
ACTIVE = (ShipmentStatus.PENDING, ShipmentStatus.WAYBILL_ISSUED, ShipmentStatus.PRINTED, ShipmentStatus.CONFIRMED)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class ShipmentDeps:
    orders: OrderRepository
    shipments: ShipmentRepository
    publisher: Publisher
    clock: Clock
    stock: StockLedger | None = None     # None: this caller's shipments move no stock (reissues)
    route: RouteOf | None = None         # the warehouses serving a shop (None: the default warehouse)
    fulfilments: FulfilmentRepository | None = None   # the parcels a shipment closes (None: not looked at)


def record_shipment(deps: ShipmentDeps, *, order_id: str, carrier_code: str, tracking_no: str,
                    lines: Sequence[tuple[str, int]], source: str) -> tuple[Shipment, bool]:
    """Returns (shipment, created). The same shipment posted again is returned as it is, and its
    ship-back queued again while it is not confirmed (a crash may have lost the first queueing)."""
    _check_codes(carrier_code, tracking_no)
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    recorded = _record(deps, order, carrier_code, tracking_no, lines, source)
    if deps.fulfilments is not None and order.fulfilment_ids:   # a parcel it carries away is shipped
        close_shipped(deps.fulfilments, deps.orders, deps.shipments, deps.clock, order)
    return recorded


def _record(deps: ShipmentDeps, order: Order, carrier_code: str, tracking_no: str,
            lines: Sequence[tuple[str, int]], source: str) -> tuple[Shipment, bool]:
    order_id = order.order_id
    shipment_id = shipment_id_for(order_id, carrier_code, tracking_no)
    existing = deps.shipments.get(shipment_id)
    if existing is None:
        shipment = _new_shipment(deps, order, shipment_id, carrier_code, tracking_no, lines, source)
        try:
            deps.shipments.add(shipment)
            _queue_ship_back(deps, replace(shipment, revision=1))
            return shipment, True
        except ConflictError:
            existing = deps.shipments.get(shipment_id)    # posted twice at once: the first one stands
    assert existing is not None
    if lines and _merged(lines) != sorted((x.line_id, x.quantity) for x in existing.lines):
        raise ConflictError(f"tracking no. {tracking_no} was already posted for other lines of {order_id}")
    if existing.status is ShipmentStatus.FAILED:
        existing = _requeue_failed(deps, existing)
    elif existing.status is ShipmentStatus.PENDING:
        _queue_ship_back(deps, existing)
    return existing, False


def _check_codes(carrier_code: str, tracking_no: str) -> None:
    if carrier_code not in CARRIER_CODES:
        raise ValidationError(f"carrier_code must be one of {', '.join(CARRIER_CODES)}", field="carrier_code")
    if not TRACKING.match(tracking_no):
        raise ValidationError("tracking_no must be 4-40 letters, digits or '-'", field="tracking_no")


def _new_shipment(deps: ShipmentDeps, order: Order, shipment_id: str, carrier_code: str, tracking_no: str,
                  lines: Sequence[tuple[str, int]], source: str) -> Shipment:
    if order.status in (OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT):
        raise InvalidTransitionError(f"order {order.order_id} is {order.status.value}: it cannot ship")
    before = [s for s in deps.shipments.for_order(order.order_id) if s.status in ACTIVE]
    remaining = _senders_lines(order, _remaining(order, before), source)
    if not lines:     # every line not shipped yet, named: the answer says what this parcel carries
        if not any(remaining.values()):
            raise InvalidTransitionError(f"every line of order {order.order_id} has shipped already")
        chosen = tuple(ShipmentLine(i, q) for i, q in remaining.items() if q)
    else:
        chosen = tuple(_line(order, remaining, line_id, qty) for line_id, qty in _merged(lines))
    shipment = Shipment(shipment_id=shipment_id, order_id=order.order_id, shop_id=order.shop_id,
                        carrier_code=carrier_code, tracking_no=tracking_no, lines=chosen,
                        status=ShipmentStatus.PENDING, created_at=deps.clock.now(), source=source)
    return _previewed(order, [s for s in before if not s.after_sale_id], shipment)


def _previewed(order: Order, before: list[Shipment], shipment: Shipment) -> Shipment:
    """What the ship-back will do, as far as it can be told now (the ship-back action decides for good,
    over the shipments confirmed by then): a deferred parcel is said so in the POST's answer."""
    plan = plan_ship_back(order.platform.value, live_lines(order), before, shipment)
    if plan.send:
        return replace(shipment, ship_back_note=plan.note)
    return replace(shipment, ship_back=ShipBack.DEFERRED, ship_back_note=plan.note)


def live_lines(order: Order) -> list[tuple[str, int]]:
    """The platform's lines still to ship: a gift line (赠品) is ours, the platform never hears of it."""
    return [(x.line_id, x.quantity) for x in order.lines if x.refund_state is not RefundState.REFUNDED and not x.gift]


def _senders_lines(order: Order, remaining: dict[str, int], source: str) -> dict[str, int]:
    """Of an order whose lines are partly drop-shipped, the supplier ships only its lines and everyone else
    (the ERP, an operator, a waybill) only the seller's: each parcel leaves from one place."""
    if not order.supplier_lines:
        return remaining
    theirs = order.supplier_line_ids
    mine = source == f"supplier:{order.supplier_id}"
    return {line_id: qty for line_id, qty in remaining.items() if (line_id in theirs) == mine}


def _merged(lines: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for line_id, qty in lines:
        totals[line_id] = totals.get(line_id, 0) + qty
    return sorted(totals.items())


def _line(order: Order, remaining: dict[str, int], line_id: str, qty: int) -> ShipmentLine:
    if line_id in order.supplier_line_ids and line_id not in remaining and order.supplier_lines:
        raise ValidationError(f"line {line_id} of order {order.order_id} is drop-shipped by supplier "
                              f"{order.supplier_id}", field="lines", reason="dropship.supplier_line")
    if line_id not in remaining:
        raise ValidationError(f"order {order.order_id} has no line {line_id}", field="lines")
    if not 1 <= qty <= remaining[line_id]:
        raise ValidationError(f"line {line_id}: quantity must be 1..{remaining[line_id]}", field="lines")
    return ShipmentLine(line_id, qty)


def _remaining(order: Order, shipments: list[Shipment]) -> dict[str, int]:
    shipped = _shipped_quantities(order, [s for s in shipments if s.status in ACTIVE])
    return {line.line_id: max(0, line.quantity - shipped[line.line_id]) for line in order.lines
            if line.refund_state is not RefundState.REFUNDED}


def _shipped_quantities(order: Order, shipments: list[Shipment]) -> dict[str, int]:
    shipped = {line.line_id: 0 for line in order.lines}
    for shipment in shipments:
        parts = shipment.lines or tuple(ShipmentLine(line.line_id, line.quantity) for line in order.lines)
        for part in parts:
            if part.line_id in shipped:
                shipped[part.line_id] += part.quantity
    return shipped


def _queue_ship_back(deps: ShipmentDeps, shipment: Shipment) -> None:
    """The action id names the stored revision: a re-post of an untouched shipment is the same message
    (FIFO deduplication), and the handler skips a shipment already confirmed anyway."""
    enqueue(deps.publisher, Action("ship", shipment.shop_id, f"ship:{shipment.shipment_id}:{shipment.revision}",
                                   {"shipment_id": shipment.shipment_id}))


def _requeue_failed(deps: ShipmentDeps, shipment: Shipment) -> Shipment:
    retried = replace(shipment, status=ShipmentStatus.PENDING, platform_error="")
    try:
        deps.shipments.save(retried, shipment.revision)
    except ConflictError:
        current = deps.shipments.get(shipment.shipment_id)
        assert current is not None
        return current
    retried = replace(retried, revision=shipment.revision + 1)
    _queue_ship_back(deps, retried)
    return retried


def get_shipment(shipments: ShipmentRepository, shipment_id: str) -> Shipment:
    shipment = shipments.get(shipment_id)
    if shipment is None:
        raise NotFoundError(f"no shipment {shipment_id}")
    return shipment


def confirm(deps: ShipmentDeps, shipment: Shipment, actor: str, ship_back: ShipBack | None = None,
            note: str = "", sent: tuple[str, ...] = ()) -> Shipment:
    """The platform accepted it, or it waits for a later parcel (deferred), or an admin says it shipped:
    the shipment is confirmed, then the order's shipped quantities and status are recomputed from every
    confirmed shipment and its units leave the stock (so a redelivery that finds the shipment already
    confirmed repairs a crash between the writes)."""
    if shipment.status is not ShipmentStatus.CONFIRMED:
        confirmed = replace(shipment, status=ShipmentStatus.CONFIRMED, platform_error="")
        if ship_back is not None:
            confirmed = replace(confirmed, ship_back=ship_back, ship_back_note=note or shipment.ship_back_note,
                                sent_tracking_nos=sent)
        deps.shipments.save(confirmed, shipment.revision)
        shipment = replace(confirmed, revision=shipment.revision + 1)
    order = _apply_to_order(deps, shipment, actor)
    _settle_stock(deps, order, shipment)
    _tell_erp(deps, order, shipment)
    return shipment


def _settle_stock(deps: ShipmentDeps, order: Order, shipment: Shipment) -> None:
    """The goods left: the shipment deducts its units now, whatever the platform reports and whenever."""
    if deps.stock is None or shipment.after_sale_id:
        return

    def shipments_of(order_id: str) -> list[Shipment]:
        known = {s.shipment_id: s for s in deps.shipments.for_order(order_id)}
        known[shipment.shipment_id] = shipment            # an index read may trail the write just made
        return list(known.values())
    settle_order(deps.stock, deps.orders, deps.clock, order.order_id, written=order, shipments=shipments_of,
                 route=deps.route)


def record_failure(deps: ShipmentDeps, shipment: Shipment, error: str, *, final: bool) -> Shipment:
    """final: the platform refused (FAILED, shown to the operator); else the error of a try to repeat."""
    status = ShipmentStatus.FAILED if final else shipment.status
    failed = replace(shipment, status=status, platform_error=error[:500])
    deps.shipments.save(failed, shipment.revision)
    return replace(failed, revision=shipment.revision + 1)


def _apply_to_order(deps: ShipmentDeps, shipment: Shipment, actor: str) -> Order:
    for _ in range(MAX_ATTEMPTS):
        order = deps.orders.get(shipment.order_id)
        if order is None:
            raise NotFoundError(f"no order {shipment.order_id}")
        confirmed = [s for s in deps.shipments.for_order(order.order_id) if s.status is ShipmentStatus.CONFIRMED]
        if shipment.shipment_id not in {s.shipment_id for s in confirmed}:
            confirmed.append(shipment)       # an index read may trail the write just made
        updated = _shipped(order, confirmed, shipment, actor, deps.clock)
        if updated == order:
            return order
        try:
            deps.orders.save(updated, order.revision)
            return replace(updated, revision=order.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"order {shipment.order_id} kept changing while it shipped")


def _shipped(order: Order, confirmed: list[Shipment], latest: Shipment, actor: str, clock: Any) -> Order:
    shipped = _shipped_quantities(order, confirmed)
    lines = tuple(replace(line, shipped_quantity=min(line.quantity, shipped[line.line_id])) for line in order.lines)
    target = OrderStatus.SHIPPED if all(_done(line) for line in lines) else OrderStatus.PARTIALLY_SHIPPED
    status = next_status(order.status, target)
    if lines == order.lines and status is order.status and order.tracking_no:
        return order
    now = clock.now()
    change = OrderChange(now, actor, f"shipped {latest.carrier_code} {latest.tracking_no}: status "
                                    f"{order.status.value} -> {status.value}")
    updated = replace(order, lines=lines, status=status, carrier_code=latest.carrier_code,
                      tracking_no=latest.tracking_no, shipped_at=order.shipped_at or now, updated_at=now,
                      history=(*order.history, change)[-50:])
    return replace(updated, erp_handoff=handoff_for(updated))


def _done(line: LineItem) -> bool:
    """A gift line never keeps the order from shipped: the platform's lines decide."""
    return line.shipped_quantity >= line.quantity or line.refund_state is RefundState.REFUNDED or line.gift


def _tell_erp(deps: ShipmentDeps, order: Order, shipment: Shipment) -> None:
    group = order_group(order.shop_id, order.order_no)
    notes = [(json.dumps({"kind": "order", "id": order.order_id, "shop_id": order.shop_id, "version": order.version}),
              group, f"order:{order.order_id}:r{order.revision}"),
             (json.dumps({"kind": "shipment", "id": shipment.shipment_id, "shop_id": order.shop_id, "version": 0}),
              group, f"shipment:{shipment.shipment_id}:confirmed")]
    deps.publisher.publish("erp_events", notes)


def mark_shipped_by_hand(deps: ShipmentDeps, shipment_id: str, actor: str) -> Shipment:
    """For a shipment the platform already knows (shipped in its own back office) or never will."""
    shipment = get_shipment(deps.shipments, shipment_id)
    if shipment.status is ShipmentStatus.CANCELLED:
        raise InvalidTransitionError(f"shipment {shipment_id} is cancelled")
    return confirm(deps, shipment, actor, ShipBack.NOT_SENT, f"marked shipped by {actor}: the OMS told no platform")
