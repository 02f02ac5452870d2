"""The report aggregates (services/report_fold.py) against the in-memory store and DynamoDB (moto): random order
histories, each change's note delivered 1-3 times, out of order, in random batches, some batches cut short
between writes, batch reads of the orders returning any older version, give aggregates equal to a
recomputation from the final orders; a rebuild gives them too. The
workbench counters (domain/order_counters.py) are aggregates of the same fold: the equality covers them."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.after_sales import AfterSale, AfterSaleLine
from chalicelib.domain.order_counters import scope_of
from chalicelib.domain.orders import LineItem, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.report_aggregates import AggKey
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.report_fold import fold_notes
from chalicelib.services.report_notes import new_order_fold
from chalicelib.services.report_rebuild import rebuild
from tests import fakes
from tests.aws import aws
from tests.factories import make_order
from tests.report_fakes import Crash, InMemoryReportStore
from tests.report_kit import fold_deps, note, recomputed, stored, stored_dynamo

PAID = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)
ACTIONS = ("create", "pay", "ship", "ship_late", "complete", "cancel", "refund", "close_case", "memo", "relink")

histories = st.lists(st.tuples(st.integers(1, 4), st.sampled_from(ACTIONS)), min_size=1, max_size=20)


@pytest.fixture(scope="module", params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("reports",)):
        yield "dynamodb"


def _store(backend: str) -> Any:
    if backend == "fake":
        return InMemoryReportStore()
    import boto3

    from chalicelib import names
    from chalicelib.storage.reports import DynamoReportStore
    table = boto3.resource("dynamodb").Table(names.table_name("reports"))
    for item in table.scan()["Items"]:
        table.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
    return DynamoReportStore()


def _aggregates(store: Any) -> dict[AggKey, dict[str, int]]:
    return stored(store) if isinstance(store, InMemoryReportStore) else stored_dynamo()


class CuttingStore:
    """Wraps a store; raises Crash before the n-th write call (begin, folds, adds, finish), once."""

    def __init__(self, inner: Any, cut_at: int | None) -> None:
        self.inner, self.cut_at, self.calls = inner, cut_at, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in ("begin", "put_folds", "add", "finish"):
            return attr

        def call(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            if self.cut_at is not None and self.calls == self.cut_at:
                self.cut_at = None
                raise Crash("cut short")
            return attr(*args, **kw)
        return call


def _apply(orders: Any, cases: Any, n: int, action: str, clock: fakes.FixedClock) -> list[str]:
    """Changes order n as the action says; the notes its use case would send."""
    order_id = f"S1-{n}"
    order = orders.get(order_id)
    if order is None:
        orders.add(make_order(n, shop="S1", order_id=order_id, status=OrderStatus.PENDING_PAYMENT,
                              shop_id="S1" if n % 2 else "S2", platform=Platform.PDD if n > 2 else Platform.TAOBAO))
        created = orders.get(order_id)
        return [note("order", order_id, 1, new=True, fold=new_order_fold(created) if n % 2 else None)]
    changes: dict[str, Any] = {}
    at = order.created_at + timedelta(hours=n)
    if action == "pay" and order.status is OrderStatus.PENDING_PAYMENT:
        changes = {"status": OrderStatus.AWAITING_SHIPMENT, "paid_at": at}
    elif action in ("ship", "ship_late") and order.status is OrderStatus.AWAITING_SHIPMENT:
        changes = {"status": OrderStatus.SHIPPED, "shipped_at": at + timedelta(hours=60 if action == "ship_late" else 2)}
    elif action == "complete" and order.status is OrderStatus.SHIPPED:
        changes = {"status": OrderStatus.COMPLETED}
    elif action == "cancel" and order.status is not OrderStatus.CANCELLED:
        changes = {"status": OrderStatus.CANCELLED}
    elif action == "memo":
        changes = {"seller_memo": f"memo {clock.now().isoformat()}"}
    elif action == "relink":
        line = order.lines[0]
        code = "MC-2" if line.links and line.links[0].sku_code == "MC-1" else "MC-1"
        changes = {"lines": (replace(line, links=(SkuLink(code),)), LineItem("l2", "sku2", "p2", "MC-9", "袜子", "",
                                                                               1, 500, 500))}
    elif action in ("refund", "close_case"):
        return _case(orders, cases, order, AfterSaleStatus.REFUNDED if action == "refund" else AfterSaleStatus.CLOSED)
    if not changes:
        return []
    orders.save(replace(order, **changes), order.revision)
    return [note("order", order_id, order.revision + 1)]


def _case(orders: Any, cases: Any, order: Any, status: AfterSaleStatus) -> list[str]:
    case_id = f"{order.order_id}-c"
    case = cases.get(case_id)
    if case is None:
        cases.add(AfterSale(case_id=case_id, shop_id=order.shop_id, platform=order.platform, platform_case_id="c",
                            order_id=order.order_id, order_no=order.order_no, type=AfterSaleType.REFUND_ONLY,
                            status=status, platform_status="x", refund_fen=700, reason="", created_at=PAID,
                            modified_at=PAID, lines=(AfterSaleLine("l1", "sku1", 1, 700),)))
    else:
        cases.save(replace(case, status=status), case.revision)
    refund = RefundState.REFUNDED if status is AfterSaleStatus.REFUNDED else RefundState.NONE
    orders.save(replace(order, refund_state=refund), order.revision)
    return [note("after_sale", case_id), note("order", order.order_id, order.revision + 1)]


class LaggingOrders:
    """An order table whose batch reads (eventually consistent) may return any version stored before, as a
    DynamoDB replica that has not caught up can; consistent reads see the last write."""

    def __init__(self, inner: fakes.InMemoryOrderRepository, rng: random.Random) -> None:
        self.inner, self.rng = inner, rng
        self.versions: dict[str, list[Any]] = {}

    def add(self, order: Any) -> None:
        self.inner.add(order)
        self.versions.setdefault(order.order_id, []).append(self.inner.get(order.order_id))

    def save(self, order: Any, expected_revision: int) -> None:
        self.inner.save(order, expected_revision)
        self.versions[order.order_id].append(self.inner.get(order.order_id))

    def get_many(self, order_ids: Any) -> dict[str, Any]:
        return {oid: self.rng.choice(self.versions[oid]) for oid in order_ids if oid in self.versions}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _run(backend: str, history: list[tuple[int, str]], seed: int, cut: Callable[[], int | None]) -> Any:
    rng = random.Random(seed)
    inner = _store(backend)
    store = CuttingStore(inner, None)
    deps = fold_deps(store=store, orders=LaggingOrders(fakes.InMemoryOrderRepository(), rng))
    clock = fakes.FixedClock()
    pool: list[str] = []

    def deliver(batch: list[str]) -> None:
        store.cut_at = cut()
        store.calls = 0
        try:
            fold_notes(deps, batch)
        except Crash:
            pool.extend(batch)          # the batch failed: every message comes back

    for n, action in history:
        for body in _apply(deps.orders, deps.cases, n, action, clock):
            pool.extend([body] * rng.randint(1, 3))
        clock.advance(minutes=1)
        if pool and rng.random() < 0.5:
            rng.shuffle(pool)
            size = rng.randint(1, len(pool))
            batch, pool[:] = pool[:size], pool[size:]
            deliver(batch)
    while pool:
        rng.shuffle(pool)
        batch, pool[:] = pool[:], []
        deliver(batch)
    store.cut_at = None
    fold_notes(deps, [])        # a cut last batch with nothing left to redeliver is finished by the next
    return deps, inner


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, seed=st.integers(0, 10**6), cuts=st.lists(st.integers(0, 5), min_size=1, max_size=8))
def test_given_histories_delivered_1_to_3_times_out_of_order_then_the_aggregates_equal_a_recomputation(
        backend: str, history: list[tuple[int, str]], seed: int, cuts: list[int]) -> None:
    pending = iter(cuts)

    def cut() -> int | None:
        n = next(pending, 0)
        return n or None
    deps, inner = _run(backend, history, seed, cut)
    expected = recomputed(deps.orders, deps.cases)
    assert _aggregates(inner) == expected
    assert any(scope_of(key) for key in expected) == bool(deps.orders.rows), "the counters are among them"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories, seed=st.integers(0, 10**6))
def test_given_folded_histories_when_rebuilt_then_the_numbers_are_the_same(
        backend: str, history: list[tuple[int, str]], seed: int) -> None:
    deps, inner = _run(backend, history, seed, lambda: None)
    before = _aggregates(inner)
    rebuild(replace(deps, owner="rebuild"), ["S1", "S2"], date(2026, 11, 19), date(2026, 11, 22))
    assert _aggregates(inner) == before == recomputed(deps.orders, deps.cases)
