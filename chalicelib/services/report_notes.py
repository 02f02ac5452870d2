"""The notes the reports consumer folds (services/report_fold.py): the orders and after-sale cases that
changed, and, for an order the orders consumer has just created, the revision it stored and what that
version adds to the aggregates, so that folding a new order reads nothing (#22: read units per new order).

A note's `revision` is the order's revision as its writer stored it (at least what a read must show);
`new` says no version of the order was noted before this one; `fold` is the created order's contribution
(left out when the order shows an after-sale: its cases are read). Notes are triggers: anything missing or
malformed only means the consumer reads the order as stored."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.orders import Order
from chalicelib.domain.report_aggregates import AggKey, contribution, decoded, encoded, sku_names
from chalicelib.domain.status import RefundState

log = logging.getLogger("oms.services.report_notes")


@dataclass(frozen=True)
class Carried:
    revision: int
    contribution: dict[AggKey, dict[str, int]]
    names: dict[str, str]


@dataclass(frozen=True)
class Triggers:
    orders: frozenset[str]
    cases: frozenset[str]
    revisions: dict[str, int] = field(default_factory=dict)   # every note of the order named one: the highest
    new: frozenset[str] = frozenset()
    carried: dict[str, Carried] = field(default_factory=dict)


def new_order_fold(order: Order) -> dict[str, Any] | None:
    """What the note of a just-created order carries, from the order as stored."""
    if order.refund_state is not RefundState.NONE:
        return None
    return {"c": encoded(contribution(order)), "n": sku_names(order)}


def parse_notes(bodies: Iterable[str]) -> Triggers:
    """The orders and cases the notes name. A shipment note is left out: a shipment that changes what the
    reports count (shipped) stores the order too, which sends its own note. Anything else is skipped."""
    orders: set[str] = set()
    cases: set[str] = set()
    revisions: dict[str, int] = {}
    unrevised: set[str] = set()
    new: set[str] = set()
    carried: dict[str, Carried] = {}
    for body in bodies:
        data = _json(body)
        if data is None or not isinstance(data.get("id"), str):
            continue
        if data.get("kind") == "after_sale":
            cases.add(data["id"])
        if data.get("kind") != "order":
            continue
        order_id, revision = data["id"], data.get("revision")
        orders.add(order_id)
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            unrevised.add(order_id)
            continue
        revisions[order_id] = max(revision, revisions.get(order_id, 0))
        if data.get("new") is True:
            new.add(order_id)
            if (fold := _carried(revision, data.get("fold"))) is not None:
                carried[order_id] = fold
    known = {oid: r for oid, r in revisions.items() if oid not in unrevised}
    # a carried fold is the order's latest only if no other note of this batch names a later revision
    latest = {oid: c for oid, c in carried.items() if known.get(oid) == c.revision}
    return Triggers(frozenset(orders), frozenset(cases), known, frozenset(new), latest)


def _json(body: str) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        log.warning("not a note: skipped")
        return None
    return data if isinstance(data, dict) else None


def _carried(revision: int, fold: Any) -> Carried | None:
    if not isinstance(fold, dict) or not isinstance(fold.get("c"), dict):
        return None
    names = fold["n"] if isinstance(fold.get("n"), dict) else {}
    try:
        figures = decoded(fold["c"])
    except (ValueError, TypeError, AttributeError):
        log.warning("a note's fold is malformed: the order is read instead")
        return None
    return Carried(revision, figures, {str(k): str(v) for k, v in names.items()})
