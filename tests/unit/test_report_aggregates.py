"""The report fold (domain/report_aggregates.py, services/report_fold.py) over fakes: what an order
contributes, and that folding replaces an order's previous contribution, never adds it twice."""
from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.after_sales import AfterSale, AfterSaleLine
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.platform import Platform
from chalicelib.domain.report_aggregates import (
    at_risk,
    contribution,
    day_key,
    delta,
    figures,
    summed,
)
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.report_fold import fold_notes
from chalicelib.services.report_ports import WriterState
from tests.factories import make_order
from tests.report_fakes import Crash
from tests.report_kit import fold_deps, note, recomputed, stored

PAID = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)
DAY = "2026-11-20"


def _case(order_id: str, status: AfterSaleStatus, fen: int = 1000) -> AfterSale:
    at = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    return AfterSale(case_id=f"{order_id}-c1", shop_id="shopA", platform=Platform.TAOBAO, platform_case_id="c1",
                     order_id=order_id, order_no="1", type=AfterSaleType.REFUND_ONLY, status=status,
                     platform_status="x", refund_fen=fen, reason="", created_at=at, modified_at=at,
                     lines=(AfterSaleLine("l1", "sku1", 1, fen),))


def test_given_a_paid_order_when_contributing_then_it_counts_on_its_day_for_total_shop_platform_and_sku() -> None:
    order = make_order(1, paid_at=PAID)
    got = contribution(order)
    assert got[day_key(DAY, "t")] == {"o": 1, "u": 2, "g": 3580}
    assert got[day_key(DAY, "s", "shopA")] == got[day_key(DAY, "p", "taobao")] == got[day_key(DAY, "t")]
    assert got[day_key(DAY, "k", "MC-1")] == {"o": 1, "u": 2, "g": 3580}
    assert got[("due", "2026-11-22")] == {"h16": 1}     # paid 16:05 Shanghai + 48 h


def test_given_ship_by_hours_when_counting_at_risk_then_overdue_and_the_next_24_hours_count() -> None:
    now = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)                   # 12:30 Shanghai
    due = {"2026-12-01": {"h09": 2}, "2026-12-07": {"h00": 1, "h23": 1}, "2026-12-08": {"h12": 3, "h13": 5},
           "2026-12-09": {"h00": 7}}
    assert at_risk(due, now) == 2 + 2 + 3


def test_given_a_late_shipment_when_contributing_then_shipped_late_and_time_to_ship_count() -> None:
    order = make_order(1, paid_at=PAID, status=OrderStatus.SHIPPED, shipped_at=PAID + timedelta(hours=50))
    got = contribution(order)[day_key(DAY, "t")]
    assert (got["s"], got["l"], got["ts"], got["tc"]) == (1, 1, 50 * 3600, 1)
    assert not [key for key in contribution(order) if key[0] == "due"]     # no longer waiting to ship
    assert figures(got)["avg_ship_seconds"] == 50 * 3600


def test_given_a_refunded_case_when_contributing_then_refunds_count_for_the_order_and_its_sku() -> None:
    order = make_order(1, paid_at=PAID, refund_state=RefundState.REFUNDED)
    got = contribution(order, [_case(order.order_id, AfterSaleStatus.REFUNDED), _case("x", AfterSaleStatus.CLOSED)])
    assert (got[day_key(DAY, "t")]["r"], got[day_key(DAY, "t")]["rf"]) == (1, 1000)
    assert (got[day_key(DAY, "k", "MC-1")]["r"], got[day_key(DAY, "k", "MC-1")]["rf"]) == (1, 1000)


def test_given_an_unpaid_order_when_contributing_then_it_is_an_order_without_gmv() -> None:
    got = contribution(make_order(1, status=OrderStatus.PENDING_PAYMENT))
    assert got[day_key(DAY, "t")] == {"o": 1, "u": 2}


def test_given_two_versions_when_taking_the_delta_then_only_the_difference_remains() -> None:
    old = contribution(make_order(1, paid_at=PAID))
    new = contribution(make_order(1, paid_at=PAID, status=OrderStatus.SHIPPED, shipped_at=PAID + timedelta(hours=1)))
    change = delta(old, new)
    assert change[day_key(DAY, "t")] == {"s": 1, "ts": 3600, "tc": 1}


def test_given_repeated_and_reordered_notes_when_folded_then_the_aggregates_equal_a_recount() -> None:
    deps = fold_deps()
    orders, cases = deps.orders, deps.cases
    orders.add(make_order(1, paid_at=PAID))
    orders.add(make_order(2, paid_at=PAID, shop_id="shopB", order_id="shopB-2"))
    fold_notes(deps, [note("order", "shopA-1"), note("order", "shopA-1"), note("order", "shopB-2")])
    order = orders.get("shopA-1")
    orders.save(replace(order, status=OrderStatus.SHIPPED, shipped_at=PAID + timedelta(hours=3),
                        refund_state=RefundState.REFUNDED), order.revision)
    cases.add(_case("shopA-1", AfterSaleStatus.REFUNDED))
    fold_notes(deps, [note("after_sale", "shopA-1-c1")])
    fold_notes(deps, [note("order", "shopA-1"), note("order", "shopB-2"), note("after_sale", "shopA-1-c1")])
    assert stored(deps.store) == recomputed(orders, cases)
    assert summed([deps.store.items[day_key(DAY, "t")]])["o"] == 2


def test_given_a_change_that_moves_no_figure_when_folded_then_nothing_is_written() -> None:
    deps = fold_deps()
    deps.orders.add(make_order(1, paid_at=PAID))
    fold_notes(deps, [note("order", "shopA-1")])
    writes = deps.store.writes
    order = deps.orders.get("shopA-1")
    deps.orders.save(replace(order, seller_memo="call first"), order.revision)
    assert fold_notes(deps, [note("order", "shopA-1")]) == 0
    assert deps.store.writes == writes


@pytest.mark.parametrize("cut", range(1, 12))
def test_given_a_batch_cut_short_anywhere_when_the_next_batch_runs_then_nothing_is_lost_or_doubled(cut: int) -> None:
    deps = fold_deps()
    for n in range(1, 4):
        deps.orders.add(make_order(n, paid_at=PAID))
    fold_notes(deps, [note("order", "shopA-1")])
    deps.store.fail_after = deps.store.writes + cut
    with contextlib.suppress(Crash):
        fold_notes(deps, [note("order", f"shopA-{n}") for n in range(1, 4)])
    fold_notes(deps, [note("order", f"shopA-{n}") for n in range(1, 4)])     # the batch comes back
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)


def test_given_another_writer_holds_the_lease_when_folding_then_the_batch_waits() -> None:
    deps = fold_deps()
    deps.orders.add(make_order(1, paid_at=PAID))
    deps.store.state = WriterState(seq=3, open=True, owner="rebuild", until=deps.clock.now() + timedelta(minutes=9))
    with pytest.raises(ConflictError):
        fold_notes(deps, [note("order", "shopA-1")])


def test_given_an_aggregate_fallen_to_zero_when_its_batch_is_replayed_after_a_cut_then_it_is_not_taken_twice(
        ) -> None:
    deps = fold_deps()
    deps.orders.add(make_order(1, paid_at=PAID))
    fold_notes(deps, [note("order", "shopA-1")])                      # open: 1
    order = deps.orders.get("shopA-1")
    deps.orders.save(replace(order, status=OrderStatus.SHIPPED, shipped_at=PAID), order.revision)
    finish, cut = deps.store.finish, [True]

    def cut_once(seq: int) -> None:
        if cut.pop() if cut else False:
            raise Crash("cut before the end")
        finish(seq)
    deps.store.finish = cut_once                                        # type: ignore[method-assign]
    with contextlib.suppress(Crash):
        fold_notes(deps, [note("order", "shopA-1")])                  # shipped, the batch left open
    fold_notes(deps, [note("order", "shopA-1")])                      # finishes the cut batch first
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)
