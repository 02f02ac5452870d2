"""Which parcels (fulfilments) have left, from the shipments recorded for their orders, however they were
recorded: through the parcel's waybill, or posted by the ERP (or by hand) per order with its own tracking
number. Pure: the caller reads the parcels, the member orders and their shipments.

A merged parcel has left when every member order's lines have; the parts of a split order take the order's
shipped units in the order the split made them (the first part first), so two parts holding units of one
line are told apart. Gift lines are ours: whether the ERP lists them decides nothing (as for the order)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from chalicelib.domain.fulfilments import Fulfilment, FulfilmentKind, FulfilmentState
from chalicelib.domain.orders import Order
from chalicelib.domain.status import RefundState

LIVE = (FulfilmentState.OPEN, FulfilmentState.WAYBILL)
Units = Mapping[str, Mapping[str, int]]     # order id -> line id -> units


def shipped_parcels(parcels: Sequence[Fulfilment], orders: Mapping[str, Order], shipped: Units) -> list[str]:
    """parcels: those of the orders in `orders`, as the orders list them (a split's parts in split order);
    shipped: the units each order's active shipments carry. The ids of the live parcels that have left."""
    left = {order_id: dict(units) for order_id, units in shipped.items()}
    out = []
    for parcel in parcels:
        if parcel.state is FulfilmentState.DISSOLVED:
            continue
        whole = parcel.kind is not FulfilmentKind.SPLIT
        needs = [(part.order_id, line_id, units) for part in parcel.parts if part.order_id in orders
                 for line_id, units in _needed(orders[part.order_id], part.lines)]
        covered = len({p.order_id for p in parcel.parts} - orders.keys()) == 0 and all(
            left.get(order_id, {}).get(line_id, 0) >= units for order_id, line_id, units in needs)
        if not whole:              # a part's units are taken whether it left through us or not
            for order_id, line_id, units in needs:
                taken = left.setdefault(order_id, {})
                taken[line_id] = max(0, taken.get(line_id, 0) - units)
        if covered and parcel.state in LIVE:
            out.append(parcel.fulfilment_id)
    return out


def _needed(order: Order, lines: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
    ours = {line.line_id for line in order.lines if line.gift}
    if lines:
        return [(line_id, units) for line_id, units in lines if line_id not in ours]
    return [(line.line_id, line.quantity) for line in order.lines
            if not line.gift and line.refund_state is not RefundState.REFUNDED]
