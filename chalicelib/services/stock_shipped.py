"""Goods that left: every shipment deducts its own lines' units (through the SKU links, bundles included)
once, keyed by the shipment; an order the platform reports shipped without an OMS shipment (shipped in the
platform's back office) deducts what no shipment deducted. On hand never goes below zero silently: the
units short are released from the reservation and recorded as a discrepancy, in the same transaction.

Keys (per ERP SKU): reserve:<order>:<line>:<sku> (the whole line), deduct:<shipment>:<line>:<sku> (one
shipment), deduct:<order>:<line>:<sku> (the rest, reported shipped by the platform),
release:<order>:<line>:<sku> (what no shipment took, on refund or cancellation). The rest and the release
exclude each other; each forbids the shipment keys it did not count, so a shipment deduction landing in
between makes it re-read instead of counting twice. Every deduction and release is in the warehouse the
line was reserved in (a line shipped unreserved: the shop's first warehouse); only a warehouse that allows
negative stock lets on hand go below zero."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Discrepancy, Movement, MovementKind
from chalicelib.domain.orders import LineItem, Order
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import ShipmentStatus
from chalicelib.services.stock_ports import Applied

if TYPE_CHECKING:
    from chalicelib.services.stock_ports import StockLedger

log = logging.getLogger("oms.stock")
MAX_ATTEMPTS = 5
ShipmentsOf = Callable[[str], Sequence[Shipment]]     # order id -> its shipments


@dataclass(frozen=True)
class Routing:
    """The warehouses serving an order's shop, first choice first, and those allowing negative stock."""
    warehouses: tuple[str, ...] = (DEFAULT_WAREHOUSE,)
    negative: frozenset[str] = frozenset()

    @property
    def home(self) -> str:
        return self.warehouses[0]


DEFAULT_ROUTING = Routing()


@dataclass(frozen=True)
class Need:
    line_id: str
    sku_code: str
    quantity: int                # SKU units per line unit
    units: int                   # line units


def needs(lines: Iterable[LineItem]) -> list[Need]:
    return [Need(line.line_id, link.sku_code, link.quantity, line.quantity)
            for line in lines for link in line.links if line.quantity * link.quantity > 0]


def order_key(kind: MovementKind, order: Order, need: Need) -> str:
    return f"{kind.value}:{order.order_id}:{need.line_id}:{need.sku_code}"


def shipment_key(shipment_id: str, need: Need) -> str:
    return f"deduct:{shipment_id}:{need.line_id}:{need.sku_code}"


def counted(shipments: Sequence[Shipment]) -> list[Shipment]:
    """The shipments whose goods left the OMS's stock: confirmed order shipments (a reissue has its case)."""
    return [s for s in shipments if s.status is ShipmentStatus.CONFIRMED and not s.after_sale_id]


def units_of(shipment: Shipment, order: Order) -> dict[str, int]:
    lines = shipment.lines or tuple(ShipmentLine(x.line_id, x.quantity) for x in order.lines)
    out: dict[str, int] = {}
    for line in lines:
        out[line.line_id] = out.get(line.line_id, 0) + line.quantity
    return out


# ------------------------------------------------------------------ one shipment
def deduct_shipment(ledger: StockLedger, order: Order, shipment: Shipment, now: datetime,
                    routing: Routing = DEFAULT_ROUTING) -> int:
    """Deducts one shipment's units; returns how many movements it wrote (0 on a replay)."""
    units = units_of(shipment, order)
    todo = needs(line for line in order.lines if line.line_id in units)
    done = ledger.existing((n.sku_code, shipment_key(shipment.shipment_id, n)) for n in todo)   # one read
    written = 0
    for need in todo:
        key = shipment_key(shipment.shipment_id, need)
        if key in done:
            continue
        warehouse = _reserve_if_missing(ledger, order, need, now, routing)
        result = _deduct(ledger, need.sku_code, units[need.line_id] * need.quantity, key,
                         f"shipment:{shipment.shipment_id}", order.order_id, shipment.shipment_id, now,
                         (warehouse, warehouse in routing.negative),
                         requires=[(need.sku_code, order_key(MovementKind.RESERVE, order, need))],
                         forbids=[(need.sku_code, order_key(k, order, need))
                                  for k in (MovementKind.DEDUCT, MovementKind.RELEASE)])
        if result is None:   # released (refund, cancellation) or the platform's rest took it already
            log.info("shipment deduction skipped", extra={"key": key})
        written += result or 0
    return written


def _reserve_if_missing(ledger: StockLedger, order: Order, need: Need, now: datetime, routing: Routing) -> str:
    """A line shipped without a reservation (held out of stock, linked late) is reserved unguarded first in
    the shop's first warehouse: the goods did leave, and the deduction consumes the reservation. Returns
    the warehouse the line is reserved in."""
    reserved = ledger.movement(need.sku_code, order_key(MovementKind.RESERVE, order, need))
    if reserved is not None:
        return reserved.warehouse_id
    keys = {order_key(k, order, need) for k in (MovementKind.RELEASE, MovementKind.DEDUCT)}
    if ledger.existing((need.sku_code, k) for k in keys):
        return routing.home
    ledger.apply([Movement(need.sku_code, MovementKind.RESERVE, need.units * need.quantity,
                           order_key(MovementKind.RESERVE, order, need), f"order:{order.order_id}", now,
                           warehouse_id=routing.home)], guard_available=False)
    landed = ledger.movement(need.sku_code, order_key(MovementKind.RESERVE, order, need))   # ours or a racer's
    return landed.warehouse_id if landed is not None else routing.home


# ------------------------------------------------------------------ what no shipment took
def settle_rest(ledger: StockLedger, order: Order, lines: Sequence[LineItem], shipments: Sequence[Shipment],
                kind: MovementKind, now: datetime, routing: Routing = DEFAULT_ROUTING) -> int:
    """kind DEDUCT: the platform says these lines shipped; RELEASE: they will not ship (refund, cancel).
    Either way only the units no counted shipment deducted, once per line and SKU."""
    done = counted(shipments)
    exclusive = MovementKind.RELEASE if kind is MovementKind.DEDUCT else MovementKind.DEDUCT
    written = 0
    for need in needs(lines):
        for _ in range(MAX_ATTEMPTS):
            result = _rest_once(ledger, order, need, done, kind, exclusive, now, routing)
            if result is not None:
                written += result
                break
        else:
            raise ConflictError(f"stock of order {order.order_id} kept changing")
    return written


def _rest_once(ledger: StockLedger, order: Order, need: Need, done: Sequence[Shipment], kind: MovementKind,
               exclusive: MovementKind, now: datetime, routing: Routing) -> int | None:
    reserve, own, other = (order_key(k, order, need) for k in (MovementKind.RESERVE, kind, exclusive))
    ship_keys = {shipment_key(s.shipment_id, need): units_of(s, order).get(need.line_id, 0) for s in done}
    present = ledger.existing((need.sku_code, k) for k in (reserve, own, other, *ship_keys))
    if reserve not in present and kind is MovementKind.RELEASE:
        return 0                             # nothing reserved: nothing to release
    if own in present or other in present:
        return 0
    warehouse = _reserve_if_missing(ledger, order, need, now, routing)
    taken = sum(units for key, units in ship_keys.items() if key in present)
    rest = (need.units - taken) * need.quantity
    if rest <= 0:
        return 0
    absent = [(need.sku_code, k) for k in ship_keys if k not in present]
    requires = [(need.sku_code, reserve)]
    forbids = [(need.sku_code, other), *absent]
    if kind is MovementKind.DEDUCT:
        return _deduct(ledger, need.sku_code, rest, own, f"order:{order.order_id}", order.order_id, "", now,
                       (warehouse, warehouse in routing.negative), requires=requires, forbids=forbids)
    result = ledger.apply([Movement(need.sku_code, kind, rest, own, f"order:{order.order_id}", now,
                                    warehouse_id=warehouse)],
                          guard_available=False, requires=requires, forbids=forbids)
    if result is Applied.APPLIED:
        return 1
    return 0 if result is Applied.REPLAYED else None


# ------------------------------------------------------------------ the guarded deduction
def _deduct(ledger: StockLedger, sku_code: str, quantity: int, key: str, source: str, order_id: str,
            shipment_id: str, now: datetime, place: tuple[str, bool], *, requires: Sequence[tuple[str, str]],
            forbids: Sequence[tuple[str, str]]) -> int | None:
    """on hand drops by what is there; the units short leave the reservation and become a discrepancy
    (place: the warehouse and whether it allows negative stock: then it all leaves on hand).
    Returns the movements written (0: a replay), None: a required movement is missing or a forbidding
    one exists."""
    for _ in range(MAX_ATTEMPTS):
        if ledger.existing([(sku_code, key)]):
            return 0
        warehouse, negative_ok = place
        on_hand = ledger.balance(sku_code, warehouse).on_hand
        take = quantity if negative_ok else min(quantity, max(on_hand, 0))
        short = quantity - take
        moves = [Movement(sku_code, MovementKind.DEDUCT, take, key, source, now, warehouse_id=warehouse)]
        discrepancy = None
        if short:
            reason = f"{short} short: on hand was {on_hand}"
            moves.append(Movement(sku_code, MovementKind.RELEASE, short, f"{key}:short", source, now, reason,
                                  warehouse))
            discrepancy = Discrepancy(discrepancy_id=discrepancy_id(key), sku_code=sku_code, order_id=order_id,
                                      shipment_id=shipment_id, quantity_short=short, at=now, movement_key=key,
                                      warehouse_id=warehouse)
        result = ledger.apply(moves, guard_available=False, guard_on_hand=not negative_ok, requires=requires,
                              forbids=forbids, discrepancy=discrepancy)
        if result is Applied.APPLIED:
            if short:
                log.warning("stock short on shipment", extra={"sku_code": sku_code, "order_id": order_id,
                                                              "short": short})
            return 1
        if result is Applied.REPLAYED:
            return 0
        if result is Applied.UNMET:
            return None
        # SHORT: on hand moved between the read and the write; read again
    raise ConflictError(f"stock of {sku_code} kept changing")


def discrepancy_id(movement_key: str) -> str:
    return hashlib.sha256(movement_key.encode()).hexdigest()[:20]
