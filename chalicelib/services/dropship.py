"""Supplier drop-shipping (分配供应商发货): a seller gives orders to a supplier by hand or by the SKU rule, takes
them back, and the supplier ships them. Every change is one conditional write of the order (its sparse
by_supplier index follows it), in its history and, through the admin routes, in the audit log."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from chalicelib.domain.dropship import (
    check_assignable,
    check_supplier_may_ship,
    check_unassignable,
    chosen_lines,
    rule_applies,
    rule_lines,
)
from chalicelib.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from chalicelib.domain.orders import Order, OrderChange, handoff_for
from chalicelib.domain.shipping import Shipment, shipment_id_for
from chalicelib.domain.status import OrderStatus, ShipmentStatus
from chalicelib.domain.suppliers import Supplier
from chalicelib.services.ports import Clock, OrderRepository, Page
from chalicelib.services.shipments import ShipmentDeps, record_shipment

MAX_BATCH = 100
MAX_ATTEMPTS = 5
HISTORY_LIMIT = 50
RULE_ACTOR = "system:dropship"


class SupplierOrders(OrderRepository, Protocol):
    def by_supplier(self, supplier_id: str, limit: int = 50, cursor: str | None = None,
                    statuses: Collection[OrderStatus] = ()) -> Page[Order]: ...


class Suppliers(Protocol):
    def get(self, record_id: str) -> Supplier | None: ...


@dataclass(frozen=True)
class DropshipDeps:
    orders: SupplierOrders
    suppliers: Suppliers
    clock: Clock
    stock_settle: Callable[[Order], Any] = lambda order: None   # releases what a drop-shipped order reserved


def _supplier(deps: DropshipDeps, supplier_id: str) -> Supplier:
    supplier = deps.suppliers.get(supplier_id) if supplier_id else None
    if supplier is None:
        raise ValidationError(f"no supplier {supplier_id}", field="supplier_id", reason="dropship.unknown_supplier")
    if supplier.status != "active":
        raise ValidationError(f"supplier {supplier_id} is disabled", field="supplier_id",
                              reason="dropship.supplier_disabled")
    return supplier


def _with_change(order: Order, deps: DropshipDeps, actor: str, summary: str, supplier_id: str,
                 lines: tuple[str, ...] = ()) -> Order:
    now = deps.clock.now()
    changed = replace(order, supplier_id=supplier_id, supplier_lines=lines, updated_at=now,
                      history=(*order.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])
    return replace(changed, erp_handoff=handoff_for(changed))


def _write(deps: DropshipDeps, order_id: str, change: Callable[[Order], Order | None]) -> Order:
    """`change` returns the new order, or None when there is nothing to do; retried on a lost race."""
    for _ in range(MAX_ATTEMPTS):
        order = deps.orders.get(order_id)
        if order is None:
            raise NotFoundError(f"no order {order_id}", reason="dropship.no_order")
        changed = change(order)
        if changed is None:
            return order
        try:
            deps.orders.save(changed, order.revision)
        except ConflictError:
            continue
        saved = replace(changed, revision=order.revision + 1)
        deps.stock_settle(saved)
        return saved
    raise ConflictError(f"order {order_id} kept changing")


def assign(deps: DropshipDeps, order_id: str, supplier_id: str, actor: str) -> Order:
    supplier = _supplier(deps, supplier_id)

    def change(order: Order) -> Order | None:
        if order.supplier_id == supplier_id and not order.supplier_lines:
            return None                       # a repeat: already this supplier's
        check_assignable(order)
        return _with_change(order, deps, actor, f"drop-ship: assigned to supplier {supplier.name} "
                                                f"({supplier_id})", supplier_id)
    return _write(deps, order_id, change)


def unassign(deps: DropshipDeps, order_id: str, actor: str) -> Order:
    def change(order: Order) -> Order | None:
        if not order.supplier_id:
            return None
        check_unassignable(order)
        if order.supplier_lines:
            check_assignable(order)           # the ERP took the rest: it cannot be given more lines behind its back
        return _with_change(order, deps, actor, f"drop-ship: taken back from supplier {order.supplier_id}", "")
    return _write(deps, order_id, change)


def assign_lines(deps: DropshipDeps, order_id: str, supplier_id: str, line_ids: Sequence[str],
                 actor: str) -> Order:
    """Gives exactly these lines of the order to the supplier (every line: the whole order); the others are
    the seller's. No lines, or supplier "": the order is taken back whole."""
    if not supplier_id or not line_ids:
        return unassign(deps, order_id, actor)
    supplier = _supplier(deps, supplier_id)

    def change(order: Order) -> Order | None:
        lines = chosen_lines(order, line_ids)
        if order.supplier_id == supplier_id and order.supplier_lines == lines:
            return None
        check_assignable(order)
        which = f"lines {', '.join(lines)}" if lines else "every line"
        return _with_change(order, deps, actor, f"drop-ship: {which} assigned to supplier {supplier.name} "
                                                f"({supplier_id})", supplier_id, lines)
    return _write(deps, order_id, change)


def assign_many(deps: DropshipDeps, order_ids: Sequence[str], supplier_id: str, actor: str) -> list[dict[str, Any]]:
    """Each order answers for itself; an unknown supplier refuses the whole batch before any write."""
    if not 1 <= len(order_ids) <= MAX_BATCH:
        raise ValidationError(f"1..{MAX_BATCH} orders", field="order_ids")
    if supplier_id:
        _supplier(deps, supplier_id)
    results = []
    for order_id in dict.fromkeys(order_ids):
        try:
            order = assign(deps, order_id, supplier_id, actor) if supplier_id else unassign(deps, order_id, actor)
            results.append({"order_id": order_id, "ok": True, "supplier_id": order.supplier_id})
        except DomainError as exc:
            results.append({"order_id": order_id, "ok": False, "reason": exc.reason, "message": str(exc)})
    return results


def assign_by_rule_many(deps: DropshipDeps, order_ids: Sequence[str],
                        supplier_of_sku: Callable[[Iterable[str]], dict[str, str]], actor: str) -> list[dict[str, Any]]:
    """An operator runs the SKU rule on chosen orders (whatever the shop's switch): each order's lines go to
    their SKUs' supplier, all of them or only those, each order answering for itself."""
    if not 1 <= len(order_ids) <= MAX_BATCH:
        raise ValidationError(f"1..{MAX_BATCH} orders", field="order_ids")
    results = []
    for order_id in dict.fromkeys(order_ids):
        try:
            order = deps.orders.get(order_id)
            if order is None:
                raise NotFoundError(f"no order {order_id}", reason="dropship.no_order")
            codes = {link.sku_code for line in order.lines for link in line.links}
            chosen, lines = rule_lines(order, supplier_of_sku(codes))
            if not chosen:
                raise ValidationError(f"order {order_id}: its SKUs name no single supplier", field="order_ids",
                                      reason="dropship.no_rule_supplier")
            every = lines or tuple(line.line_id for line in order.lines)
            done = assign_lines(deps, order_id, chosen, every, actor)
            results.append({"order_id": order_id, "ok": True, "supplier_id": done.supplier_id,
                            "supplier_lines": list(done.supplier_lines)})
        except DomainError as exc:
            results.append({"order_id": order_id, "ok": False, "reason": exc.reason, "message": str(exc)})
    return results


def apply_rule(order: Order, supplier_of_sku: Callable[[Iterable[str]], dict[str, str]], now: Any) -> Order:
    """The SKU rule, inside the review gate (the order's own write carries it): an order about to become
    ready for the ERP whose SKUs all come from one supplier goes to that supplier instead; when it mixes that
    supplier's SKUs with own-stock ones, only the supplier's lines go (the ERP still gets the rest)."""
    if not rule_applies(order):
        return order
    codes = {link.sku_code for line in order.lines for link in line.links}
    chosen, lines = rule_lines(order, supplier_of_sku(codes))
    if not chosen:
        return order
    which = f"lines {', '.join(lines)}" if lines else "assigned"
    summary = f"drop-ship: {which} to supplier {chosen} by the SKU rule"
    changed = replace(order, supplier_id=chosen, supplier_lines=lines,
                      history=(*order.history, OrderChange(now, RULE_ACTOR, summary))[-HISTORY_LIMIT:])
    return replace(changed, erp_handoff=handoff_for(changed))


# ------------------------------------------------------------------ the supplier's side
def supplier_order(deps: DropshipDeps, supplier_id: str, order_ref: str) -> Order:
    order = deps.orders.get(order_ref) if order_ref else None
    if order is None and order_ref:
        mine = [o for o in deps.orders.by_order_no(order_ref) if o.supplier_id == supplier_id]
        order = mine[0] if len(mine) == 1 else None
    if order is None or order.supplier_id != supplier_id:
        raise NotFoundError(f"no order {order_ref} assigned to you", reason="dropship.not_assigned")
    return order


def supplier_ship(deps: DropshipDeps, shipping: ShipmentDeps, supplier_id: str, order_ref: str, carrier_code: str,
                  tracking_no: str) -> tuple[Shipment, bool]:
    """The same path as an admin's ship-back (services/shipments.py): the shipment's id is its order, carrier
    and number, so a second submission finds it and ships nothing twice."""
    order = supplier_order(deps, supplier_id, order_ref)
    carrier_code, tracking_no = carrier_code.strip().upper(), tracking_no.strip()
    existing = shipping.shipments.get(shipment_id_for(order.order_id, carrier_code, tracking_no))
    if existing is not None and existing.status is ShipmentStatus.CONFIRMED:
        return existing, False            # a repeat after the platform took it: the same answer, nothing sent
    check_supplier_may_ship(order, supplier_id, order_ref)
    # lines=[]: every unshipped line of the supplier's (shipments.py keeps each sender to its own lines)
    return record_shipment(shipping, order_id=order.order_id, carrier_code=carrier_code, tracking_no=tracking_no,
                           lines=[], source=f"supplier:{supplier_id}")


OPEN_TO_SHIP = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED)
MAX_STOCK_UP_ORDERS = 5000


def open_orders(deps: DropshipDeps, supplier_id: str) -> list[Order]:
    """Every order the supplier still has to ship (up to MAX_STOCK_UP_ORDERS, newest first)."""
    found: list[Order] = []
    cursor: str | None = None
    while len(found) < MAX_STOCK_UP_ORDERS:
        page = deps.orders.by_supplier(supplier_id, limit=200, cursor=cursor, statuses=OPEN_TO_SHIP)
        found.extend(o for o in page.items if o.supplier_id == supplier_id and o.status in OPEN_TO_SHIP)
        cursor = page.cursor
        if cursor is None:
            break
    return found[:MAX_STOCK_UP_ORDERS]


class RuleGate:
    """Wraps the review gate: an order it lets through to the ERP goes to its SKUs' supplier instead, in
    the shops whose switch is on (read lazily, once per gate: a gate serves one batch)."""

    def __init__(self, inner: Callable[[Order], Order], auto_shops: Callable[[], set[str]],
                 supplier_of_sku: Callable[[Iterable[str]], dict[str, str]], clock: Clock) -> None:
        self._inner, self._auto_shops, self._supplier_of_sku, self._clock = inner, auto_shops, supplier_of_sku, clock
        self._shops: set[str] | None = None

    def __call__(self, order: Order) -> Order:
        reviewed = self._inner(order)
        if not rule_applies(reviewed):
            return reviewed
        if self._shops is None:
            self._shops = self._auto_shops()
        if reviewed.shop_id not in self._shops:
            return reviewed
        return apply_rule(reviewed, self._supplier_of_sku, self._clock.now())
