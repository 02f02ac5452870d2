"""Supplier drop-shipping (分配供应商发货): which orders a supplier may be given, taken back from, and ship;
what the SKU rule picks; and the stock-up list (备货清单) of a set of orders. Pure: no I/O.

An order is drop-shipped as a whole (`Order.supplier_id`), or only some of its lines are
(`Order.supplier_lines`): then the supplier sends those in its own parcel and the seller's ERP the rest, each
a partial shipment of the order. One supplier per order (its sparse index names one): lines of two
suppliers in one order stay with the seller. A supplier ships from its own goods, so the seller's
warehouses neither reserve nor deduct for its lines."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chalicelib.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.orders import LineItem, Order
from chalicelib.domain.status import ErpHandoff, OrderStatus, RefundState

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


def chosen_lines(order: Order, line_ids: Iterable[str]) -> tuple[str, ...]:
    """The lines to give a supplier, checked: each is the order's, not refunded, nothing of it shipped.
    Every line of the order: () (the whole order)."""
    wanted = sorted(set(line_ids))
    lines = {line.line_id: line for line in order.lines}
    for line_id in wanted:
        line = lines.get(line_id)
        if line is None:
            raise ValidationError(f"order {order.order_id} has no line {line_id}", field="line_ids",
                                  reason="dropship.unknown_line")
        if line.shipped_quantity or line.refund_state is RefundState.REFUNDED:
            raise InvalidTransitionError(f"line {line_id} has shipped or was refunded: it stays where it is",
                                         reason="dropship.line_not_open")
    return () if set(wanted) == set(lines) else tuple(wanted)


def _line_supplier(line: LineItem, supplier_of_sku: Mapping[str, str]) -> str:
    suppliers = {supplier_of_sku.get(link.sku_code, "") for link in line.links}
    return suppliers.pop() if len(suppliers) == 1 else ""


def supplier_has_shipped(order: Order) -> bool:
    """Every unrefunded line of the supplier's is out (a partly drop-shipped order may wait for the seller's)."""
    theirs = order.supplier_line_ids
    return all(line.shipped_quantity >= line.quantity for line in order.lines
               if line.line_id in theirs and line.refund_state is not RefundState.REFUNDED)


def rule_lines(order: Order, supplier_of_sku: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """The SKU rule, line by line: (supplier, its lines; () for all of them). A line goes to the supplier of
    all its ERP SKUs; lines whose SKUs have no supplier stay the seller's (own stock). ("", ()) when a line is
    unlinked, or the lines name two suppliers (one supplier per order)."""
    if not order.lines or order.unlinked_lines:
        return "", ()
    by_line = {line.line_id: _line_supplier(line, supplier_of_sku) for line in order.lines}
    suppliers = set(by_line.values()) - {""}
    if len(suppliers) != 1 or any(not by_line[line.line_id] and _has_supplier_sku(line, supplier_of_sku)
                                  for line in order.lines):
        return "", ()
    supplier = suppliers.pop()
    mine = [line_id for line_id, chosen in by_line.items() if chosen == supplier]
    return supplier, () if len(mine) == len(by_line) else tuple(sorted(mine))


def _has_supplier_sku(line: LineItem, supplier_of_sku: Mapping[str, str]) -> bool:
    """A bundle mixing a supplier's SKU with others: nobody can send it whole, so the order stays the seller's."""
    return any(supplier_of_sku.get(link.sku_code) for link in line.links)


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
        theirs = order.supplier_line_ids if order.supplier_lines else None
        for line in order.lines:
            if theirs is not None and line.line_id not in theirs:
                continue                     # the seller's own lines of a partly drop-shipped order
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
