"""Closing the parcels an order's shipments carried away, whoever recorded them: the ERP's ship call and the
manual fallback post shipments per order, and a merged parcel or a split part they cover is shipped just as
when its own waybill ships (services/waybill_parcels.py). Reads only for an order that is in a parcel."""
from __future__ import annotations

from chalicelib.domain import fulfilments as ff
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfilment_shipped import shipped_parcels
from chalicelib.domain.orders import Order
from chalicelib.domain.shipping import ShipmentLine
from chalicelib.domain.status import ShipmentStatus
from chalicelib.services.erp_ports import ShipmentRepository
from chalicelib.services.fulfilment_ports import FulfilmentRepository
from chalicelib.services.ports import Clock, OrderRepository

ACTIVE = (ShipmentStatus.PENDING, ShipmentStatus.WAYBILL_ISSUED, ShipmentStatus.PRINTED, ShipmentStatus.CONFIRMED)
MAX_ATTEMPTS = 5


def close_shipped(fulfilments: FulfilmentRepository, orders: OrderRepository, shipments: ShipmentRepository,
                  clock: Clock, order: Order) -> list[str]:
    """Returns the parcels it marked shipped now (a repeat finds them shipped and marks nothing)."""
    if not order.fulfilment_ids:
        return []
    parcels = fulfilments.get_many(order.fulfilment_ids)
    listed = [parcels[f] for f in order.fulfilment_ids if f in parcels]
    if not any(p.state in (ff.FulfilmentState.OPEN, ff.FulfilmentState.WAYBILL) for p in listed):
        return []
    members = {order.order_id: order}
    for order_id in {o for p in listed for o in p.order_ids} - members.keys():
        member = orders.get(order_id)
        if member is not None:
            members[order_id] = member
    units = {order_id: _shipped_units(member, shipments) for order_id, member in members.items()}
    done = shipped_parcels(listed, members, units)
    for fulfilment_id in done:
        _mark_shipped(fulfilments, clock, parcels[fulfilment_id])
    return done


def _shipped_units(order: Order, shipments: ShipmentRepository) -> dict[str, int]:
    out: dict[str, int] = {}
    for shipment in shipments.for_order(order.order_id):
        if shipment.status not in ACTIVE or shipment.after_sale_id:
            continue
        for line in shipment.lines or tuple(ShipmentLine(x.line_id, x.quantity) for x in order.lines):
            out[line.line_id] = out.get(line.line_id, 0) + line.quantity
    return out


def _mark_shipped(fulfilments: FulfilmentRepository, clock: Clock, fulfilment: ff.Fulfilment) -> None:
    current: ff.Fulfilment | None = fulfilment
    for _ in range(MAX_ATTEMPTS):
        if current is None or current.state not in (ff.FulfilmentState.OPEN, ff.FulfilmentState.WAYBILL):
            return
        try:
            fulfilments.save(ff.shipped(current, clock.now()), current.revision)
            return
        except ConflictError:
            current = fulfilments.get(fulfilment.fulfilment_id)
    raise ConflictError(f"parcel {fulfilment.fulfilment_id} kept changing", reason="fulfilment.changed")
