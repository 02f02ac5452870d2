"""Keeps the report aggregates (domain/report_aggregates.py) as orders and after-sale cases change, the
workbench counters (domain/order_counters.py) among them: one fold, one set of numbers for both.

Fed by the notes the ERP hears of every applied change ("order X / case Y changed"): the publisher that
sends them to the erp-events queue sends a copy to the reports queue (bootstrap.publisher), so every use
case that already tells the ERP tells the reports too, with no second call to forget and no DynamoDB
stream (the tables have none, and moto's local copy keeps no stream records). A note is only a trigger:
the order (and, where it has any, its cases) is read as stored now and its whole contribution computed
from that, so duplicates and any delivery order give the same result. The one exception is an order never
folded before, whose note says what it adds (services/report_notes.py; `Fresh` below says why it is exact).

Exactness without a transaction per order: one writer at a time (the writer item is a lease; the Lambda
has a reserved concurrency of 1 and a batch of up to 10,000 notes, or 6 MB), and a batch in four steps: (1) begin:
the writer item names the batch's sequence number and the orders it re-folds; (2) each re-folded order's
record keeps its new and its previous contribution, tagged with the batch; (3) the batch's deltas, merged
per aggregate, are ADDed once per aggregate, each aggregate remembering the last batch it took; (4)
finish. A batch cut short anywhere is finished by the next one from the fold records alone: an aggregate
that took it refuses it again, the others take it. An order whose contribution did not move (a memo, a
tracking number, an address) writes nothing."""
from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order
from chalicelib.domain.report_aggregates import (
    REFUNDS,
    AggKey,
    contribution,
    delta,
    merge,
    sku_names,
)
from chalicelib.domain.status import RefundState
from chalicelib.services.ports import AfterSaleRepository, Clock, OrderRepository
from chalicelib.services.report_notes import Carried, parse_notes
from chalicelib.services.report_ports import Fold, FoldExists, ReportStore, WriterState

log = logging.getLogger("oms.services.report_fold")

LEASE = timedelta(minutes=5)        # longer than the consumer's Lambda timeout: a lease never outlives it


@dataclass(frozen=True)
class FoldDeps:
    store: ReportStore
    orders: OrderRepository
    cases: AfterSaleRepository
    clock: Clock
    owner: str = "consumer"


def fold_notes(deps: FoldDeps, bodies: Iterable[str]) -> int:
    """How many orders' contributions moved."""
    triggers = parse_notes(bodies)
    with_cases: set[str] = set()
    for case_id in sorted(triggers.cases):
        case = deps.cases.get(case_id)
        if case is not None:
            with_cases.add(case.order_id)
    # Only an order never folded may be taken from its note or read eventually consistent: with no fold, no
    # batch has seen any of its versions (every order adds to the day's count, so a fold is written the
    # first time), and a version at least as new as this batch's notes is as new as any the aggregates
    # took. A fold already there sends the batch back to reading every fold and order consistently.
    new = triggers.new - with_cases
    fresh = Fresh(new, {oid: r for oid, r in triggers.revisions.items() if oid in new},
                  {oid: c for oid, c in triggers.carried.items() if oid in new})
    return fold_orders(deps, {*triggers.orders, *with_cases}, with_cases, fresh)


@dataclass(frozen=True)
class Fresh:
    """Orders whose notes say they were just created: their folds are not read, only written if absent.
    `revisions`: a batch read, eventually consistent, serves one that shows at least that revision;
    `carried`: the created version's contribution, as its note carries it (nothing read at all)."""
    new: frozenset[str] = frozenset()
    revisions: Mapping[str, int] = field(default_factory=dict)
    carried: Mapping[str, Carried] = field(default_factory=dict)


def fold_orders(deps: FoldDeps, order_ids: Collection[str], with_cases: Collection[str] = (),
                fresh: Fresh | None = None) -> int:
    """Every order not `fresh` and its fold are read consistently."""
    try:
        return _fold(deps, order_ids, with_cases, fresh or Fresh())
    except FoldExists as exc:
        log.info("folded again, reading every fold consistently: %s", exc)
        return _fold(deps, order_ids, with_cases, Fresh())


def _fold(deps: FoldDeps, order_ids: Collection[str], with_cases: Collection[str], fresh: Fresh) -> int:
    state = claimable(deps)
    if not order_ids:
        return 0
    folds = deps.store.folds([oid for oid in order_ids if oid not in fresh.new])
    latest = _latest(deps, order_ids, with_cases, folds, fresh)
    seq = state.seq + 1
    changed: list[Fold] = []
    names: dict[AggKey, str] = {}
    for order_id, (now, labels) in sorted(latest.items()):
        before = folds.get(order_id)
        previous = before.contribution if before else {}
        if delta(previous, now):
            changed.append(Fold(order_id, seq, now, previous))
            names.update({key: labels[key[1]] for key in now if key[0].endswith("#k") and key[1] in labels})
    if not changed:
        return 0
    deps.store.begin(_begun(deps, seq, tuple(f.order_id for f in changed)), state.seq)
    deps.store.put_folds(changed, fresh.new & {f.order_id for f in changed})
    deps.store.add(seq, _merged(changed), names)
    deps.store.finish(seq)
    return len(changed)


def claimable(deps: FoldDeps) -> WriterState:
    """The writer's state, once any batch cut short is finished. ConflictError while another writer holds
    the lease (the caller's batch comes back later)."""
    state = deps.store.writer()
    if not state.open:
        return state
    if state.owner != deps.owner and state.until is not None and state.until > deps.clock.now():
        raise ConflictError(f"report writer busy ({state.owner} until {state.until.isoformat()})")
    folds = deps.store.folds(state.folded)
    deps.store.add(state.seq, _merged([f for f in folds.values() if f.seq == state.seq]), {})
    deps.store.finish(state.seq)
    log.info("report batch %d finished after a cut", state.seq)
    return replace(state, open=False, folded=())


def _begun(deps: FoldDeps, seq: int, folded: tuple[str, ...], lease: timedelta = LEASE) -> WriterState:
    return WriterState(seq=seq, open=True, folded=folded, owner=deps.owner, until=deps.clock.now() + lease)


def begin_exclusive(deps: FoldDeps, lease: timedelta) -> int:
    """Takes the writer for a long job (a rebuild): the consumer's batches wait until `finish`."""
    state = claimable(deps)
    seq = state.seq + 1
    deps.store.begin(_begun(deps, seq, (), lease), state.seq)
    return seq


def _merged(folds: Iterable[Fold]) -> dict[AggKey, dict[str, int]]:
    out: dict[AggKey, dict[str, int]] = {}
    for fold in folds:
        merge(out, delta(fold.previous, fold.contribution))
    return {key: figures for key, figures in out.items() if figures}


def _latest(deps: FoldDeps, order_ids: Collection[str], with_cases: Collection[str], folds: Mapping[str, Fold],
            fresh: Fresh) -> dict[str, tuple[dict[AggKey, dict[str, int]], dict[str, str]]]:
    """Each order's contribution now, and its SKUs' names."""
    out: dict[str, tuple[dict[AggKey, dict[str, int]], dict[str, str]]] = {
        oid: (c.contribution, c.names) for oid, c in fresh.carried.items() if oid in order_ids}
    orders = _current(deps, [oid for oid in order_ids if oid not in out], fresh.revisions)
    for order_id, order in orders.items():
        before = folds.get(order_id)
        refunded_before = before is not None and _had_refunds(before.contribution)
        cases = _cases(deps, order, order_id in with_cases or refunded_before)
        out[order_id] = contribution(order, cases), sku_names(order)
    return out


def _current(deps: FoldDeps, order_ids: Collection[str], revisions: Mapping[str, int]) -> dict[str, Order]:
    """The orders as stored now. A note is sent after its write and names the revision it stored: one batch
    read, eventually consistent (half the units), serves every order that shows at least that revision;
    the rest are read consistently, which sees every write before."""
    known = [oid for oid in order_ids if oid in revisions]
    batch = deps.orders.get_many(known) if known else {}
    out: dict[str, Order] = {}
    for oid in order_ids:
        order = batch.get(oid)
        if order is None or order.revision < revisions.get(oid, order.revision + 1):
            order = deps.orders.get(oid, consistent=True)
        if order is not None:
            out[oid] = order
    return out


def _cases(deps: FoldDeps, order: Order, asked: bool) -> list[AfterSale]:
    """An order's cases count only once refunded: read them when a case note asked, when the order shows
    an after-sale, or when its last contribution had refunds (they may have gone)."""
    if asked or order.refund_state is not RefundState.NONE:
        return deps.cases.for_order(order.order_id)
    return []


def _had_refunds(previous: dict[AggKey, dict[str, int]]) -> bool:
    return any(REFUNDS in figures for figures in previous.values())
