"""Supplier drop-shipping (分配供应商发货): which orders a supplier may be given, taken back from, and ship;
what the SKU rule picks; and the stock-up list (备货清单) of a set of orders. Pure: no I/O.

An order is drop-shipped as a whole (`Order.supplier_id`): a parcel leaves from one place, and the ERP
either has the whole order or none of it. A supplier ships it with its own goods, so the seller's
warehouses neither reserve nor deduct for it."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chalicelib.domain.errors import InvalidTransitionError, NotFoundError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import ErpHandoff, OrderStatus

OPEN = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT)
ERP_HAS_IT = (ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED)


def check_assignable(order: Order) -> None:
    """Only an order nothing has shipped from yet, and that the ERP has not taken (its warehouse may be
    packing it: the seller withdraws it there first)."""
    if order.status not in OPEN:
        raise InvalidTransitionError(f"order {order.order_id} is {order.status.value}: only an unshipped order is "
                                     "given to a supplier", reason="dropship.order_not_open")
    if order.erp_handoff in ERP_HAS_IT:
        raise InvalidTransitionError(f"the ERP has taken order {order.order_id}", reason="dropship.erp_taken")


def check_unassignable(order: Order) -> None:
    if order.status not in OPEN:
        raise InvalidTransitionError(f"order {order.order_id} is {order.status.value}: it stays with its supplier",
                                     reason="dropship.order_not_open")


def check_supplier_may_ship(order: Order | None, supplier_id: str, order_ref: str) -> Order:
    """Another supplier's order is answered exactly as an order that does not exist (404): a supplier
    learns nothing about the seller's other orders."""
    if order is None or not supplier_id or order.supplier_id != supplier_id:
        raise NotFoundError(f"no order {order_ref} assigned to you", reason="dropship.not_assigned")
    if order.status not in (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED):
        raise InvalidTransitionError(f"order {order_ref} is {order.status.value}: it cannot ship",
                                     reason="dropship.order_not_open")
    return order


def rule_supplier(order: Order, supplier_of_sku: Mapping[str, str]) -> str:
    """The supplier the SKU rule gives the order to: the one supplier of every linked line's ERP SKUs
    (the first supplier of the SKU's goods). "" when a line is unlinked, a SKU has no supplier, or the
    lines have different suppliers: the order stays with the seller (one parcel, one sender)."""
    codes = [link.sku_code for line in order.lines for link in line.links]
    if not codes or order.unlinked_lines:
        return ""
    suppliers = {supplier_of_sku.get(code, "") for code in codes}
    return suppliers.pop() if len(suppliers) == 1 else ""


def rule_applies(order: Order) -> bool:
    """The rule runs once an order would be ready for the ERP (paid, passed review, no hold), never on an
    order a person assigned, took back, or the ERP already took."""
    return (order.status is OrderStatus.AWAITING_SHIPMENT and not order.supplier_id and not order.holds
            and order.erp_handoff is ErpHandoff.READY
            and not any("drop-ship" in change.summary for change in order.history))


@dataclass(frozen=True)
class StockUpLine:
    sku_code: str              # the ERP SKU, or the platform's merchant code of an unlinked line
    title: str
    quantity: int
    orders: int


def stock_up(orders: Iterable[Order]) -> list[StockUpLine]:
    """What these orders still need, per SKU: linked lines by ERP SKU (a bundle's parts each), unlinked
    ones by merchant code; shipped units and refunded lines need nothing."""
    totals: dict[str, list[int]] = {}
    titles: dict[str, str] = {}
    for order in orders:
        seen: set[str] = set()
        for line in order.lines:
            left = 0 if line.refund_state.value == "refunded" else line.quantity - line.shipped_quantity
            if left <= 0:
                continue
            parts = [(link.sku_code, link.quantity) for link in line.links] or [(line.merchant_code or
                                                                                line.platform_sku_id, 1)]
            for code, per in parts:
                entry = totals.setdefault(code, [0, 0])
                entry[0] += left * per
                entry[1] += code not in seen
                seen.add(code)
                titles.setdefault(code, f"{line.title} {line.sku_name}".strip())
    return [StockUpLine(code, titles[code], qty, count) for code, (qty, count) in sorted(totals.items())]
