"""Splitting one order into parcels (拆单): by hand (lines or units), by warehouse stock (what is on a shelf ships
now, from the warehouse that has it; the rest waits) and by a parcel weight limit. Pure: the caller reads the
stock and the SKU weights once and passes them in.

Each plan is a list of parts, each part (line id, units) pairs; together the parts hold every open unit of
the order exactly once (check_parts refuses anything else)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.fulfilments import (
    HANDED_OVER,
    Fulfilment,
    FulfilmentKind,
    FulfilmentState,
    Part,
    split_id,
)
from chalicelib.domain.orders import Order
from chalicelib.domain.status import OrderStatus, RefundState

MAX_PARTS = 20
Lines = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class PlannedPart:
    lines: Lines
    warehouse_id: str = ""
    weight_g: int = 0
    note: str = ""


def open_units(order: Order) -> dict[str, int]:
    """Units still to ship per line (a refunded line ships nothing)."""
    return {line.line_id: line.quantity - line.shipped_quantity for line in order.lines
            if line.quantity > line.shipped_quantity and line.refund_state is not RefundState.REFUNDED}


def split_problem(order: Order) -> tuple[str, str]:
    if order.status not in (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED):
        return "fulfilment.not_awaiting", f"order {order.order_id} is {order.status.value}: nothing to split"
    if order.erp_handoff in HANDED_OVER:
        return "fulfilment.handed_over", f"order {order.order_id} is with the ERP already ({order.erp_handoff.value})"
    if order.supplier_id:      # already one parcel per sender: a split part could mix the supplier's and ours
        return "dropship.no_split", f"order {order.order_id} is drop-shipped by a supplier: it is not split"
    return "", ""


def check_parts(order: Order, parts: Sequence[Lines]) -> None:
    """Every part names lines of the order with positive units; together they hold each open unit once."""
    reason, problem = split_problem(order)
    if problem:
        raise InvalidTransitionError(problem, reason=reason)
    if not 2 <= len(parts) <= MAX_PARTS:
        raise ValidationError(f"a split makes 2..{MAX_PARTS} parts", field="parts", reason="fulfilment.part_count")
    wanted = open_units(order)
    given: dict[str, int] = {}
    for index, part in enumerate(parts):
        if not part:
            raise ValidationError(f"part {index + 1} is empty", field=f"parts[{index}]", reason="fulfilment.empty_part")
        for line_id, units in part:
            if line_id not in wanted:
                raise ValidationError(f"line {line_id} is not an open line of {order.order_id}",
                                      field=f"parts[{index}].line_id", reason="fulfilment.unknown_line")
            if units <= 0:
                raise ValidationError("units must be at least 1", field=f"parts[{index}].quantity",
                                      reason="fulfilment.bad_quantity")
            given[line_id] = given.get(line_id, 0) + units
    if given != wanted:
        missing = ", ".join(f"{i} x{q} (given {given.get(i, 0)})" for i, q in wanted.items() if given.get(i) != q)
        raise ValidationError(f"the parts must hold every open unit once: {missing}", field="parts",
                              reason="fulfilment.units_mismatch")


def by_stock(order: Order, available: Mapping[str, Mapping[str, int]], warehouses: Sequence[str],
             reserved: Mapping[str, str] | None = None) -> list[PlannedPart]:
    """available: warehouse -> SKU code -> units free. Each line goes whole to the first warehouse (in the
    given priority) that holds all of it, and lines one warehouse holds travel together; a line no warehouse
    holds waits in a last part ("later"). One part: no split needed. reserved: line id -> the warehouse the
    order's own reservation of it is in: such a line ships from there (its units are not free anywhere)."""
    left = {w: dict(available.get(w, {})) for w in warehouses}
    placed: dict[str, list[tuple[str, int]]] = {}
    later: list[tuple[str, int]] = []
    for line in order.lines:
        units = open_units(order).get(line.line_id, 0)
        if not units:
            continue
        if line.line_id in (reserved or {}):
            placed.setdefault((reserved or {})[line.line_id], []).append((line.line_id, units))
            continue
        need = {link.sku_code: link.quantity * units for link in line.links}
        home = next((w for w in warehouses if need and all(left[w].get(s, 0) >= n for s, n in need.items())), None)
        if home is None:
            later.append((line.line_id, units))
            continue
        for sku, n in need.items():
            left[home][sku] -= n
        placed.setdefault(home, []).append((line.line_id, units))
    parts = [PlannedPart(tuple(lines), w, note=f"in stock at {w}") for w, lines in placed.items()]
    if later:
        parts.append(PlannedPart(tuple(later), "", note="waits for stock"))
    return parts


def by_weight(order: Order, unit_weights: Mapping[str, int], limit_g: int) -> list[PlannedPart]:
    """unit_weights: line id -> grams per unit (from the library SKUs' weight_g). First fit, heaviest units
    first; a unit heavier than the limit travels alone (a carrier takes it, or the operator splits by hand)."""
    if limit_g <= 0:
        raise ValidationError("the weight limit must be above 0 g", field="weight_limit_g",
                              reason="fulfilment.weight_limit")
    units = sorted(((line_id, unit_weights.get(line_id, 0)) for line_id, n in open_units(order).items()
                    for _ in range(n)), key=lambda u: -u[1])
    boxes: list[tuple[int, dict[str, int]]] = []
    for line_id, grams in units:
        index = next((i for i, (load, _) in enumerate(boxes) if load + grams <= limit_g), None)
        if index is None:
            boxes.append((grams, {line_id: 1}))
            continue
        load, content = boxes[index]
        content[line_id] = content.get(line_id, 0) + 1
        boxes[index] = (load + grams, content)
    return [PlannedPart(tuple(content.items()), weight_g=load, note=f"{load} g of at most {limit_g} g")
            for load, content in boxes]


def split(order: Order, parts: Sequence[PlannedPart], reason: str, actor: str, now: datetime,
          generation: int) -> list[Fulfilment]:
    """The parts as fulfilments of the order. `generation` makes a new split's ids differ from an earlier,
    folded-back one's, and a retry of the same split find the same ids."""
    check_parts(order, [p.lines for p in parts])
    return [Fulfilment(split_id(order.order_id, index, generation), order.platform.value, FulfilmentKind.SPLIT,
                       (Part(order.order_id, order.shop_id, order.order_no, part.lines),), FulfilmentState.OPEN,
                       f"{reason}: {part.note}" if part.note else reason, now, now, warehouse_id=part.warehouse_id,
                       weight_g=part.weight_g, actor=actor)
            for index, part in enumerate(parts, start=1)]


def folded(parts: Sequence[Fulfilment], now: datetime) -> list[Fulfilment]:
    """Undoing a split: every part must still be open (none has a waybill)."""
    for part in parts:
        if part.state is not FulfilmentState.OPEN:
            raise InvalidTransitionError(f"part {part.fulfilment_id} is {part.state.value}: the split stays",
                                         reason="fulfilment.has_waybill")
    return [replace(p, state=FulfilmentState.DISSOLVED, updated_at=now) for p in parts]
