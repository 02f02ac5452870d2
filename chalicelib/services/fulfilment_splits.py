"""Splitting an order into parcels (拆单): by hand (lines or units), by warehouse stock, by a parcel weight limit;
and folding the parts back while none has a waybill. Each part is a fulfilment with its own waybill; the
platform hears of each parcel as its partial-shipment rules allow (domain/partial_shipping.py).

The parts are written first (their ids come from the order and its revision: a retry finds them), then
the order's link to them, conditional on the revision they were planned on."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chalicelib.domain import fulfilment_splits as fs
from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.fulfilments import Fulfilment, FulfilmentKind
from chalicelib.domain.orders import Order
from chalicelib.services.fulfilments import (
    SETTINGS_CACHE,
    FulfilDeps,
    check_not_handed_over,
    get,
    noted,
    save_fulfilment,
)

BY = ("stock", "weight")


def split_by_hand(deps: FulfilDeps, order_id: str, parts: Sequence[Sequence[tuple[str, int]]], actor: str
                  ) -> list[Fulfilment]:
    order = _unsplit_order(deps, order_id)
    planned = [fs.PlannedPart(tuple((str(i), int(q)) for i, q in part)) for part in parts]
    return _store(deps, order, planned, "manual", actor)


def split_auto(deps: FulfilDeps, order_id: str, by: str, actor: str, weight_limit_g: int | None = None
               ) -> list[Fulfilment]:
    """Nothing to split (everything in one warehouse, or under the limit): no parts, the order ships whole."""
    order = _unsplit_order(deps, order_id)
    reason, problem = fs.split_problem(order)
    if problem:
        raise InvalidTransitionError(problem, reason=reason)
    if by == "stock":
        planned = _by_stock(deps, order)
    elif by == "weight":
        limit = weight_limit_g if weight_limit_g is not None else \
            SETTINGS_CACHE.get(deps.settings, order.shop_id).weight_limit_g
        planned = fs.by_weight(order, _unit_weights(deps, order), limit)
    else:
        raise ValidationError(f"by must be one of {', '.join(BY)}", field="by", reason="fulfilment.split_by")
    if len(planned) < 2:
        return []
    stored = _store(deps, order, planned, f"auto by {by}", actor)
    if by == "stock":
        reserve_split(deps, deps.orders.get(order_id) or order, stored)
    return stored


def reserve_split(deps: FulfilDeps, order: Order, parts: Sequence[Fulfilment] | None = None) -> None:
    """Each part of a split by stock reserves its lines in its warehouse. Idempotent: the orders consumer
    calls it again for a split order still held out of stock (a crash between the split and this)."""
    if deps.reserve_parts is None or not order.fulfilment_ids:
        return
    if parts is None:
        parts = list(deps.fulfilments.get_many(order.fulfilment_ids).values())
    placed = [(p.warehouse_id, tuple(line for line, _ in p.parts[0].lines)) for p in parts
              if p.kind is FulfilmentKind.SPLIT and p.warehouse_id and p.fulfilment_id in order.fulfilment_ids]
    if placed:
        deps.reserve_parts(order, placed)


def unsplit(deps: FulfilDeps, order_id: str, actor: str) -> list[Fulfilment]:
    order = _order(deps, order_id)
    parts = [f for f in deps.fulfilments.get_many(order.fulfilment_ids).values() if f.kind is FulfilmentKind.SPLIT]
    if not parts:
        raise InvalidTransitionError(f"order {order_id} is not split", reason="fulfilment.not_split")
    check_not_handed_over(deps, [order_id])
    folded = [save_fulfilment(deps, current, changed)
              for current, changed in zip(parts, fs.folded(parts, deps.clock.now()), strict=True)]
    changed = noted(replace(order, fulfilment_ids=()), deps, actor, "split undone: ships as one parcel")
    _save_order(deps, order, changed)
    return folded


def _store(deps: FulfilDeps, order: Order, planned: list[fs.PlannedPart], reason: str, actor: str
           ) -> list[Fulfilment]:
    parts = fs.split(order, planned, reason, actor, deps.clock.now(), order.revision)
    stored = [_add(deps, part) for part in parts]
    summary = f"split into {len(parts)} parcels ({reason}): " + "; ".join(
        ", ".join(f"{i} x{q}" for i, q in p.parts[0].lines) for p in parts)
    _save_order(deps, order, noted(replace(order, fulfilment_ids=tuple(p.fulfilment_id for p in parts)),
                                   deps, actor, summary))
    return stored


def _add(deps: FulfilDeps, part: Fulfilment) -> Fulfilment:
    try:
        deps.fulfilments.add(part)
        return replace(part, revision=1)
    except ConflictError:
        existing = deps.fulfilments.get(part.fulfilment_id)
        if existing is None or existing.parts != part.parts:
            raise ConflictError(f"parcel {part.fulfilment_id} exists with other lines",
                                reason="fulfilment.changed") from None
        return existing


def _save_order(deps: FulfilDeps, order: Order, changed: Order) -> None:
    try:
        deps.orders.save(changed, order.revision)
    except ConflictError:
        raise ConflictError(f"order {order.order_id} changed while splitting: look again",
                            reason="fulfilment.changed") from None


def _by_stock(deps: FulfilDeps, order: Order) -> list[fs.PlannedPart]:
    warehouses = list(deps.warehouses_of(order.shop_id)) if deps.warehouses_of else []
    if deps.stock is None or not warehouses:
        raise InvalidTransitionError("no warehouse stock to split by", reason="fulfilment.no_stock_view")
    codes = {link.sku_code for line in order.lines for link in line.links}
    return fs.by_stock(order, deps.stock.available(codes, warehouses), warehouses, deps.stock.reserved(order))


def _unit_weights(deps: FulfilDeps, order: Order) -> dict[str, int]:
    codes = {link.sku_code for line in order.lines for link in line.links}
    grams = deps.weights.weights(codes) if deps.weights else {}
    return {line.line_id: sum(grams.get(link.sku_code, 0) * link.quantity for link in line.links)
            for line in order.lines}


def _order(deps: FulfilDeps, order_id: str) -> Order:
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    return order


def _unsplit_order(deps: FulfilDeps, order_id: str) -> Order:
    order = _order(deps, order_id)
    if order.fulfilment_ids:
        kind = get(deps, order.fulfilment_ids[0]).kind.value
        raise InvalidTransitionError(f"order {order_id} is {kind} already: undo that first",
                                     reason="fulfilment.already_member")
    return order

