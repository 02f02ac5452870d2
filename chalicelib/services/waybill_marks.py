"""Each order records the waybill it took (number, carrier, account, when), so the workbench can list the orders
still to print (待打单) and those printed and not shipped (已打单未发货) from the order alone; a cancelled
waybill clears it. A conditional write on the order's revision, reloaded and redone when the order changed
meanwhile (the orders consumer may be applying a platform update)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order, WaybillMark
from chalicelib.domain.waybills import Waybill
from chalicelib.services.ports import OrderRepository

ATTEMPTS = 5


def taken(orders: OrderRepository, waybill: Waybill) -> None:
    """Every order of the parcel now has this waybill."""
    mark = WaybillMark(waybill.waybill_id, waybill.waybill_no, waybill.carrier_code, waybill.account_id,
                       waybill.issued_at)
    for order_id in waybill.order_ids:
        _change(orders, order_id, lambda order: replace(order, waybill=mark))


def cancelled(orders: OrderRepository, waybill: Waybill) -> None:
    """Orders whose recorded waybill this was have none again (another part's waybill stays recorded)."""
    for order_id in waybill.order_ids:
        _change(orders, order_id, lambda order: replace(order, waybill=None)
                if order.waybill is not None and order.waybill.waybill_id == waybill.waybill_id else order)


def _change(orders: OrderRepository, order_id: str, change: Callable[[Order], Order]) -> None:
    for _ in range(ATTEMPTS):
        order = orders.get(order_id)
        if order is None:
            return
        changed = change(order)
        if changed == order:
            return
        try:
            orders.save(changed, order.revision)
            return
        except ConflictError:
            continue
    # the waybill itself is stored: asking again answers it and records it then (services/waybills.py)
    raise ConflictError(f"order {order_id} kept changing: its waybill was not recorded",
                        reason="waybill.order_changed")
