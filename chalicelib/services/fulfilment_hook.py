"""What the orders and after-sales consumers do about parcels after an order was written: a merged member
with a refund (or a stop, or cancelled) leaves its merge; an order of a shop that merges automatically joins
its buyer's other reviewed orders; an order of a shop that splits automatically (by stock or by weight) is
split. Each step is idempotent: a redelivered message finds the parcels made the first time."""
from __future__ import annotations

import logging

from chalicelib.domain import fulfilment_splits as fs
from chalicelib.domain import fulfilments as ff
from chalicelib.domain.errors import ConflictError, InvalidTransitionError
from chalicelib.domain.fulfilments import MergeMode
from chalicelib.domain.orders import Order
from chalicelib.domain.status import REVIEWED, HoldReason
from chalicelib.services.fulfilment_splits import reserve_split, split_auto
from chalicelib.services.fulfilments import (
    SETTINGS_CACHE,
    FulfilDeps,
    SettingsCache,
    join,
    merge,
    siblings,
    split_out,
)

log = logging.getLogger("oms.fulfilments")
ACTOR = "system:fulfilment"


def on_order_applied(deps: FulfilDeps, order: Order, cache: SettingsCache = SETTINGS_CACHE) -> str:
    """Returns what happened: split_out | merged | split | unchanged."""
    if order.fulfilment_ids:
        if ff.splits_out(order):
            return _split_out(deps, order)
        if HoldReason.OUT_OF_STOCK in order.holds:     # a split by stock whose parts did not reserve yet
            reserve_split(deps, order)
        return "unchanged"
    settings = cache.get(deps.settings, order.shop_id)
    if settings.merge_mode is MergeMode.AUTO and not ff.merge_problem(order)[1] and _merged(deps, order):
        return "merged"
    if settings.auto_split and _splittable(order):
        return _split(deps, order, settings.auto_split, settings.weight_limit_g)
    return "unchanged"


def _split_out(deps: FulfilDeps, order: Order) -> str:
    try:
        left = split_out(deps, order.order_id, ACTOR, "refund or stop on the order")
    except InvalidTransitionError as exc:          # its parcel has a waybill: the order's hold stops the waybill
        log.info("member not split out", extra={"order_id": order.order_id, "error": str(exc)})
        return "unchanged"
    return "split_out" if left is not None else "unchanged"


def _merged(deps: FulfilDeps, order: Order) -> bool:
    others = siblings(deps, order)
    group = next((g for g in ff.proposals([order, *others]) if order in g), None)
    joinable = [o for o in others if o.fulfilment_ids and ff.merge_key(o) == ff.merge_key(order)]
    if group is None and not joinable:
        return False
    try:
        if group is None:          # its buyer's earlier orders are merged already: it joins them
            join(deps, joinable[0].fulfilment_ids[0], order.order_id, ACTOR, "auto: same buyer and address")
        else:
            merge(deps, [o.order_id for o in group], ACTOR, "auto: same buyer and address")
    except (ConflictError, InvalidTransitionError) as exc:    # a member moved on meanwhile: its next change retries
        log.info("auto merge skipped", extra={"order_id": order.order_id, "error": str(exc)})
        return False
    return True


def _splittable(order: Order) -> bool:
    """Reviewed, awaiting shipment, not with the ERP and not stopped: what a seller would split by hand."""
    return (not fs.split_problem(order)[1] and order.review in REVIEWED and not ff.splits_out(order)
            and not any(line.shipped_quantity for line in order.lines))


def _split(deps: FulfilDeps, order: Order, by: str, weight_limit_g: int) -> str:
    if by == "weight" and weight_limit_g <= 0:
        return "unchanged"
    try:
        parts = split_auto(deps, order.order_id, by, ACTOR, weight_limit_g if by == "weight" else None)
    except (ConflictError, InvalidTransitionError) as exc:
        log.info("auto split skipped", extra={"order_id": order.order_id, "error": str(exc)})
        return "unchanged"
    return "split" if parts else "unchanged"
