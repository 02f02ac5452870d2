"""After-sale snapshots: newest wins, and a refund request holds an unshipped order at once."""
from __future__ import annotations

import pytest

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import AfterSaleStatus, ErpHandoff, HoldReason, OrderStatus, RefundState
from chalicelib.services.after_sales_ingest import apply_case
from chalicelib.services.ingest import Outcome, apply_snapshot
from tests.factories import canonical_case, canonical_order
from tests.fakes import FixedClock, InMemoryAfterSaleRepository, InMemoryOrderRepository

LINKED = {"sku-1": (SkuLink("MC-1"),)}


@pytest.fixture
def repos():  # type: ignore[no-untyped-def]
    orders, cases = InMemoryOrderRepository(), InMemoryAfterSaleRepository()
    apply_snapshot(orders, FixedClock(), "s", canonical_order("100"), LINKED)
    return orders, cases


def never(order_no: str) -> None:
    raise AssertionError("the order exists: nothing to fetch")


def test_given_a_refund_request_on_an_unshipped_order_then_it_is_held_and_not_ready_for_the_erp(repos) -> None:
    orders, cases = repos
    assert orders.get("s-100").erp_handoff is ErpHandoff.READY
    assert apply_case(cases, orders, FixedClock(), "s", canonical_case("R1", "100"), never) is Outcome.NEW
    order = orders.get("s-100")
    assert HoldReason.REFUND_REQUESTED in order.holds
    assert order.refund_state is RefundState.IN_PROGRESS and order.erp_handoff is ErpHandoff.NOT_READY


def test_given_the_case_is_rejected_later_then_the_hold_is_released(repos) -> None:
    orders, cases = repos
    apply_case(cases, orders, FixedClock(), "s", canonical_case("R1", "100", minutes=1), never)
    apply_case(cases, orders, FixedClock(), "s",
               canonical_case("R1", "100", minutes=2, status=AfterSaleStatus.REJECTED), never)
    order = orders.get("s-100")
    assert order.holds == frozenset() and order.erp_handoff is ErpHandoff.READY


def test_given_an_older_case_snapshot_after_a_newer_one_then_nothing_changes(repos) -> None:
    orders, cases = repos
    apply_case(cases, orders, FixedClock(), "s", canonical_case("R1", "100", minutes=5,
                                                                status=AfterSaleStatus.REFUNDED), never)
    late = canonical_case("R1", "100", minutes=1)
    assert apply_case(cases, orders, FixedClock(), "s", late, never) is Outcome.UNCHANGED
    assert cases.get("s-R1").status is AfterSaleStatus.REFUNDED
    assert orders.get("s-100").refund_state is RefundState.REFUNDED


def test_given_a_shipped_order_then_a_refund_request_does_not_hold_it(repos) -> None:
    orders, cases = repos
    apply_snapshot(orders, FixedClock(), "s", canonical_order("100", minutes=3, status=OrderStatus.SHIPPED), LINKED)
    apply_case(cases, orders, FixedClock(), "s", canonical_case("R2", "100", minutes=4), never)
    assert HoldReason.REFUND_REQUESTED not in orders.get("s-100").holds


def test_given_a_case_before_its_order_then_the_order_is_fetched_first(repos) -> None:
    orders, cases = repos
    fetched = []

    def fetch(order_no: str) -> None:
        fetched.append(order_no)
        apply_snapshot(orders, FixedClock(), "s", canonical_order(order_no), LINKED)

    apply_case(cases, orders, FixedClock(), "s", canonical_case("R9", "900"), fetch)
    assert fetched == ["900"] and HoldReason.REFUND_REQUESTED in orders.get("s-900").holds


def test_given_a_change_within_the_same_second_then_the_later_snapshot_is_taken(repos) -> None:
    orders, cases = repos
    apply_case(cases, orders, FixedClock(), "s", canonical_case("R1", "100", minutes=1), never)
    same_second = canonical_case("R1", "100", minutes=1, status=AfterSaleStatus.AWAITING_BUYER_RETURN)
    assert apply_case(cases, orders, FixedClock(), "s", same_second, never) is Outcome.UPDATED
    assert cases.get("s-R1").status is AfterSaleStatus.AWAITING_BUYER_RETURN


def test_given_a_stale_snapshot_of_the_same_second_redelivered_then_the_case_does_not_roll_back(repos) -> None:
    orders, cases = repos
    first = canonical_case("R1", "100", minutes=1)
    apply_case(cases, orders, FixedClock(), "s", first, never)
    apply_case(cases, orders, FixedClock(), "s",
               canonical_case("R1", "100", minutes=1, status=AfterSaleStatus.REFUNDED), never)
    assert apply_case(cases, orders, FixedClock(), "s", first, never) is Outcome.UNCHANGED
    assert cases.get("s-R1").status is AfterSaleStatus.REFUNDED


def test_given_two_same_second_snapshots_of_one_stage_then_either_order_of_arrival_ends_the_same(repos) -> None:
    orders, cases = repos
    a = canonical_case("R1", "100", minutes=1, buyer_note="颜色不对")
    b = canonical_case("R1", "100", minutes=1, buyer_note="颜色不对，附图", evidence_urls=("https://img/1.jpg",))
    apply_case(cases, orders, FixedClock(), "s", a, never)
    apply_case(cases, orders, FixedClock(), "s", b, never)
    one_way = cases.get("s-R1").buyer_note
    other = InMemoryAfterSaleRepository()
    apply_case(other, orders, FixedClock(), "s", b, never)
    apply_case(other, orders, FixedClock(), "s", a, never)
    assert other.get("s-R1").buyer_note == one_way
    assert apply_case(cases, orders, FixedClock(), "s", a, never) is Outcome.UNCHANGED or \
        cases.get("s-R1").buyer_note == one_way
