"""Stock per ERP SKU and warehouse, moved only through ledger movements with idempotency keys: an order's
lines reserve when it awaits shipment (all in the first of its shop's warehouses that has them all, or it is
held out_of_stock), cancellation and refunds release, shipment deducts, a confirmed return adds back (admins'
adjustments and the ERP's counts: services/stock_adjust.py).

Every order use case is idempotent: the keys ("reserve:<order>:<line>:<sku>") make a replay a no-op,
and the repository applies all of one order's movements in one conditional transaction."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Movement, MovementKind
from chalicelib.domain.orders import LineItem, Order, OrderChange, handoff_for
from chalicelib.domain.shipping import Shipment
from chalicelib.domain.status import HoldReason, OrderStatus, RefundState
from chalicelib.services.fulfilment import ACTOR as PLANNER
from chalicelib.services.fulfilment import routing_of, skippable_gifts
from chalicelib.services.ports import Clock, OrderQuery, OrderRepository
from chalicelib.services.stock_ports import Applied, StockLedger
from chalicelib.services.stock_shipped import (
    DEFAULT_ROUTING,
    Routing,
    ShipmentsOf,
    counted,
    deduct_shipment,
    settle_rest,
)

MAX_ATTEMPTS = 5
ACTOR = "system:stock"
RouteOf = Callable[[str], Routing]     # shop id -> the warehouses serving it
GiftsBack = Callable[[Order], object]  # gives back the gift limits' counts the order no longer holds


class Outcome(StrEnum):
    NOTHING = "nothing"
    WAITING_FOR_LINKS = "waiting_for_links"
    RESERVED = "reserved"
    OUT_OF_STOCK = "out_of_stock"
    RELEASED = "released"
    DEDUCTED = "deducted"


@dataclass(frozen=True)
class _Need:
    line_id: str
    sku_code: str
    quantity: int


def _needs(order: Order, lines: Iterable[LineItem]) -> list[_Need]:
    return [_Need(line.line_id, link.sku_code, line.quantity * link.quantity)
            for line in lines for link in line.links if line.quantity * link.quantity > 0]


def _key(kind: MovementKind, order: Order, need: _Need) -> str:
    return f"{kind.value}:{order.order_id}:{need.line_id}:{need.sku_code}"


def _movement(kind: MovementKind, order: Order, need: _Need, now: datetime, warehouse: str) -> Movement:
    return Movement(need.sku_code, kind, need.quantity, _key(kind, order, need), f"order:{order.order_id}", now,
                    warehouse_id=warehouse)


def _state(ledger: StockLedger, order: Order, needs: list[_Need]) -> set[str]:
    kinds = (MovementKind.RESERVE, MovementKind.RELEASE, MovementKind.DEDUCT)
    return ledger.existing((n.sku_code, _key(k, order, n)) for n in needs for k in kinds)


# ------------------------------------------------------------------ order movements
def reserve_for_order(ledger: StockLedger, order: Order, now: datetime,
                      lines: Iterable[LineItem] | None = None, routing: Routing = DEFAULT_ROUTING) -> bool:
    """True when every line is reserved (now or before); False: not enough stock, nothing reserved. The
    lines still to reserve go together to the first warehouse that has them all (one parcel)."""
    needs = _needs(order, order.lines if lines is None else lines)
    for _ in range(MAX_ATTEMPTS):
        done = _state(ledger, order, needs)
        todo = [n for n in needs if not {_key(k, order, n) for k in MovementKind} & done]
        if not todo:
            return True
        result = Applied.SHORT
        for warehouse in routing.warehouses:
            try:
                result = ledger.apply([_movement(MovementKind.RESERVE, order, n, now, warehouse) for n in todo],
                                      guard_available=True)
            except ValidationError:   # more lines than one transaction holds: an operator settles it by hand
                return False
            if result is not Applied.SHORT:
                break
        if result is Applied.APPLIED:
            return True
        if result is Applied.SHORT:
            return False
    raise ConflictError(f"stock of order {order.order_id} kept changing")


def release_for_order(ledger: StockLedger, order: Order, now: datetime,
                      lines: Iterable[LineItem] | None = None, shipments: Sequence[Shipment] = (),
                      routing: Routing = DEFAULT_ROUTING) -> int:
    """Releases what these lines reserved and no shipment took; returns how many movements it wrote."""
    chosen = list(order.lines if lines is None else lines)
    return settle_rest(ledger, order, chosen, shipments, MovementKind.RELEASE, now, routing)


def deduct_for_order(ledger: StockLedger, order: Order, now: datetime,
                     lines: Iterable[LineItem] | None = None, shipments: Sequence[Shipment] = (),
                     routing: Routing = DEFAULT_ROUTING) -> int:
    """Every confirmed shipment deducts its own units; lines the platform reports shipped deduct the rest."""
    written = sum(deduct_shipment(ledger, order, s, now, routing) for s in counted(shipments))
    if lines is not None:
        written += settle_rest(ledger, order, list(lines), shipments, MovementKind.DEDUCT, now, routing)
    return written


def restock_return(ledger: StockLedger, case_id: str, items: Sequence[tuple[str, str, int]], now: datetime,
                   source: str = "", warehouse_id: str = DEFAULT_WAREHOUSE) -> Applied:
    """A confirmed return: (line id, ERP SKU code, quantity) back on hand, once per case and line."""
    movements = [Movement(code, MovementKind.RETURN, qty, f"return:{case_id}:{line_id}:{code}",
                          source or f"after_sale:{case_id}", now, warehouse_id=warehouse_id)
                 for line_id, code, qty in items if qty > 0]
    present = ledger.existing((m.sku_code, m.idempotency_key) for m in movements)
    todo = [m for m in movements if m.idempotency_key not in present]
    return ledger.apply(todo, guard_available=False) if todo else Applied.REPLAYED


# ------------------------------------------------------------------ the order hook
def settle_order(ledger: StockLedger, orders: OrderRepository, clock: Clock, order_id: str,
                 written: Order | None = None, shipments: ShipmentsOf | None = None,
                 route: RouteOf | None = None, gifts_back: GiftsBack | None = None) -> Outcome:
    """What the order consumer calls after every applied snapshot (and linking after re-resolution), and a
    shipment's confirmation: brings the order's stock movements and its out_of_stock hold in line with its
    status and its confirmed shipments. `written`: the order exactly as the caller's conditional write just
    stored it, which spares a read; `shipments`: the order's shipments (each deducts its own units); `route`:
    the warehouses serving a shop (none: the default warehouse); `gifts_back`: gives the gift limits' counts
    back for a gift skipped here, or for a cancelled or refunded order (services/fulfilment.py)."""
    order = written or orders.get(order_id)
    if order is None:
        return Outcome.NOTHING
    now = clock.now()
    routing = routing_of(order, route(order.shop_id) if route is not None else DEFAULT_ROUTING)
    if order.drop_shipped_whole:
        return _settle_drop_ship(ledger, orders, clock, order, routing)
    stored = order     # the writes below start from it: `order` may be the seller's lines alone
    order = _sellers_part(ledger, order, now, routing)
    refunded = [line for line in order.lines if line.refund_state is RefundState.REFUNDED]
    waiting = order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT) and not refunded
    # an order that has not shipped has no confirmed shipment to deduct (its confirmation settles it): no read
    sent = list(shipments(order_id)) if shipments is not None and not waiting else []
    live = [line for line in order.lines if line.refund_state is not RefundState.REFUNDED]
    if order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        deduct_for_order(ledger, order, now, live, sent, routing)
        if refunded:
            release_for_order(ledger, order, now, refunded, sent, routing)
        _mark_out_of_stock(orders, clock, stored, False)
        return Outcome.DEDUCTED
    deduct_for_order(ledger, order, now, None, sent, routing)      # goods that left, whatever the status says
    if order.status is OrderStatus.CANCELLED:
        release_for_order(ledger, order, now, None, sent, routing)
        _mark_out_of_stock(orders, clock, stored, False)
        _give_back(gifts_back, stored)
        return Outcome.RELEASED
    if refunded:
        release_for_order(ledger, order, now, refunded, sent, routing)
        _give_back(gifts_back, stored)
    if order.status is OrderStatus.PARTIALLY_SHIPPED:
        live = [line for line in live if line.shipped_quantity == 0]     # shipped lines were reserved
    elif order.status is not OrderStatus.AWAITING_SHIPMENT:
        return Outcome.NOTHING
    if order.unlinked_lines:
        return Outcome.WAITING_FOR_LINKS
    reserved = reserve_for_order(ledger, order, now, live, routing)
    skipped = [] if reserved else skippable_gifts(order)
    if skipped and reserve_for_order(ledger, order, now, [x for x in live if x not in skipped], routing):
        stored, reserved = drop_gifts(orders, clock, stored, skipped), True    # no gift from nothing
        _give_back(gifts_back, stored)
    _mark_out_of_stock(orders, clock, stored, not reserved)
    return Outcome.RESERVED if reserved else Outcome.OUT_OF_STOCK


def reserve_parts(ledger: StockLedger, orders: OrderRepository, clock: Clock, order: Order,
                  parts: Sequence[tuple[str, Collection[str]]]) -> bool:
    """A split by stock: each part's lines reserved in the part's warehouse, so its shipment deducts there
    (lines reserved already stay: the split put them with their warehouse). Guarded and keyed as any
    reservation: a replay writes nothing, a part whose stock went meanwhile waits as the later part does.
    True when every open line is reserved then: the out_of_stock hold goes."""
    now = clock.now()
    for warehouse, line_ids in parts:
        chosen = [line for line in order.lines if line.line_id in line_ids]
        reserve_for_order(ledger, order, now, chosen, Routing((warehouse,)))
    live = [line for line in order.lines if line.refund_state is not RefundState.REFUNDED
            and line.quantity > line.shipped_quantity]
    todo = _needs(order, live)
    reserved = {_key(MovementKind.RESERVE, order, n) for n in todo}
    if reserved - ledger.existing((n.sku_code, _key(MovementKind.RESERVE, order, n)) for n in todo):
        return False
    _mark_out_of_stock(orders, clock, order, False)
    return True


def _give_back(gifts_back: GiftsBack | None, order: Order) -> None:
    if gifts_back is not None and order.plan is not None and order.plan.gifts:
        gifts_back(order)


def drop_gifts(orders: OrderRepository, clock: Clock, known: Order, gifts: list[LineItem]) -> Order:
    """The order without the gift lines its rules skip when out of stock, and why, in its history."""
    gone = {line.line_id for line in gifts}
    order: Order | None = known
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            order = orders.get(known.order_id)
        if order is None or not gone & {line.line_id for line in order.lines}:
            return order or known
        notes = tuple(OrderChange(clock.now(), PLANNER, f"gift {line.merchant_code} skipped: out of stock")
                      for line in order.lines if line.line_id in gone)
        plan = order.plan and replace(order.plan, skipped_gifts=(*order.plan.skipped_gifts, *sorted(gone)))
        changed = replace(order, lines=tuple(x for x in order.lines if x.line_id not in gone), plan=plan,
                          history=(*order.history, *notes)[-50:], updated_at=clock.now())
        try:
            orders.save(changed, order.revision)
            return replace(changed, revision=order.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"order {known.order_id} kept changing")
def _settle_drop_ship(ledger: StockLedger, orders: OrderRepository, clock: Clock, order: Order,
                      routing: Routing) -> Outcome:
    """A supplier ships it from its own goods: nothing is reserved for it, no out_of_stock hold, nothing is
    ever deducted. A reservation made before it was assigned is kept while it is open (taking the order
    back then costs nothing: a released reservation cannot be made again under its key) and released once
    it has left or is cancelled."""
    _mark_out_of_stock(orders, clock, order, False)
    if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT):
        return Outcome.NOTHING
    release_for_order(ledger, order, clock.now(), None, (), routing)
    return Outcome.RELEASED


def _sellers_part(ledger: StockLedger, order: Order, now: datetime, routing: Routing) -> Order:
    """Of an order partly drop-shipped, the seller's lines alone: the supplier's are no stock of ours. As for
    a whole drop-shipped order, a reservation made before they were given keeps while the order is open, and
    goes once the order has left (in part) or is cancelled."""
    if not order.supplier_lines:
        return order
    if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT):
        theirs = order.supplier_line_ids
        release_for_order(ledger, order, now, [x for x in order.lines if x.line_id in theirs], (), routing)
    return replace(order, lines=order.own_lines)


def _mark_out_of_stock(orders: OrderRepository, clock: Clock, known: Order, held: bool) -> None:
    order: Order | None = known
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            order = orders.get(known.order_id)
        if order is None or (HoldReason.OUT_OF_STOCK in order.holds) == held:
            return
        changed = order.hold(HoldReason.OUT_OF_STOCK) if held else order.release(HoldReason.OUT_OF_STOCK)
        summary = "held: not enough stock to reserve" if held else "stock reserved: out_of_stock hold released"
        changed = replace(changed, history=(*order.history, OrderChange(clock.now(), ACTOR, summary))[-50:],
                          updated_at=clock.now())
        try:
            orders.save(replace(changed, erp_handoff=handoff_for(changed)), order.revision)
            return
        except ConflictError:
            continue
    raise ConflictError(f"order {known.order_id} kept changing")


def retry_out_of_stock(ledger: StockLedger, orders: OrderRepository, clock: Clock, limit: int = 200,
                       route: RouteOf | None = None, gifts_back: GiftsBack | None = None) -> int:
    """Scheduled: orders held out_of_stock try again (stock may have come in). Returns how many got it."""
    held: list[Order] = []
    cursor: str | None = None
    while len(held) < limit:
        page = orders.query(OrderQuery(hold=HoldReason.OUT_OF_STOCK, limit=50, cursor=cursor))
        held.extend(page.items)
        cursor = page.cursor
        if cursor is None:
            break
    held.sort(key=lambda o: o.paid_at or o.created_at)   # first paid, first served
    return sum(settle_order(ledger, orders, clock, o.order_id, route=route, gifts_back=gifts_back)
               is Outcome.RESERVED
               for o in held[:limit])
