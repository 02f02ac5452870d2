"""Applying platform snapshots: newest version wins, duplicates and late deliveries change nothing."""
from __future__ import annotations

import random
from dataclasses import replace

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus
from chalicelib.services.ingest import Outcome, apply_snapshot
from tests.factories import canonical_order
from tests.fakes import FixedClock, InMemoryOrderRepository


def test_given_a_new_order_when_applied_then_stored_with_history() -> None:
    repo = InMemoryOrderRepository()
    snapshot = canonical_order("1001")
    assert apply_snapshot(repo, FixedClock(), "shopA", snapshot, {}) is Outcome.NEW
    order = repo.get("shopA-1001")
    assert order.status is OrderStatus.AWAITING_SHIPMENT and order.paid_fen == 3580
    assert order.receiver.platform_ciphertext == (("oaid", "fake-oaid"),)
    assert len(order.history) == 1


def test_given_an_unlinked_line_then_held_and_not_ready_for_the_erp() -> None:
    repo = InMemoryOrderRepository()
    apply_snapshot(repo, FixedClock(), "shopA", canonical_order("1"), {})
    order = repo.get("shopA-1")
    assert order.holds == {HoldReason.UNLINKED_SKU} and order.erp_handoff is ErpHandoff.NOT_READY


def test_given_linked_lines_then_ready_for_the_erp() -> None:
    repo = InMemoryOrderRepository()
    apply_snapshot(repo, FixedClock(), "shopA", canonical_order("1"), {"sku-1": (SkuLink("MC-1"),)})
    order = repo.get("shopA-1")
    assert not order.holds and order.erp_handoff is ErpHandoff.READY


def test_given_versions_delivered_in_any_order_with_duplicates_then_the_newest_wins() -> None:
    versions = [canonical_order("7", minutes=0, status=OrderStatus.PENDING_PAYMENT),
                canonical_order("7", minutes=5, status=OrderStatus.AWAITING_SHIPMENT),
                canonical_order("7", minutes=9, status=OrderStatus.SHIPPED, tracking_no="YT1")]
    for seed in range(30):
        deliveries = versions * 2
        random.Random(seed).shuffle(deliveries)
        repo = InMemoryOrderRepository()
        for snapshot in deliveries:
            apply_snapshot(repo, FixedClock(), "shopA", snapshot, {})
        order = repo.get("shopA-7")
        assert (order.status, order.tracking_no, order.version) == (
            OrderStatus.SHIPPED, "YT1", versions[-1].version), f"seed {seed}"


def test_given_a_newer_snapshot_reporting_an_older_status_then_status_does_not_move_back() -> None:
    repo = InMemoryOrderRepository()
    apply_snapshot(repo, FixedClock(), "s", canonical_order("8", minutes=1, status=OrderStatus.SHIPPED), {})
    apply_snapshot(repo, FixedClock(), "s", canonical_order("8", minutes=2, status=OrderStatus.AWAITING_SHIPMENT), {})
    assert repo.get("s-8").status is OrderStatus.SHIPPED


def test_given_a_duplicate_when_applied_then_unchanged_and_no_write() -> None:
    repo = InMemoryOrderRepository()
    snapshot = canonical_order("9")
    apply_snapshot(repo, FixedClock(), "s", snapshot, {})
    assert apply_snapshot(repo, FixedClock(), "s", replace(snapshot), {}) is Outcome.UNCHANGED
    assert repo.get("s-9").revision == 1


def test_given_a_manual_line_link_then_a_platform_update_keeps_it() -> None:
    repo = InMemoryOrderRepository()
    apply_snapshot(repo, FixedClock(), "s", canonical_order("10", minutes=1), {})
    order = repo.get("s-10")
    fixed = replace(order, lines=(replace(order.lines[0], links=(SkuLink("MC-1"),)),))
    repo.save(fixed, order.revision)
    apply_snapshot(repo, FixedClock(), "s", canonical_order("10", minutes=3), {})
    assert repo.get("s-10").lines[0].links == (SkuLink("MC-1"),)


def test_given_two_changes_in_one_second_when_they_arrive_in_either_order_then_the_later_stage_is_kept() -> None:
    awaiting = canonical_order("20", minutes=1)
    shipped = replace(awaiting, status=OrderStatus.SHIPPED, platform_status="WAIT_BUYER_CONFIRM_GOODS",
                      tracking_no="ZTO20")   # the same modified second: the same version
    for first, second in ((awaiting, shipped), (shipped, awaiting)):
        repo = InMemoryOrderRepository()
        apply_snapshot(repo, FixedClock(), "s", first, {})
        apply_snapshot(repo, FixedClock(), "s", second, {})
        order = repo.get("s-20")
        assert (order.status, order.tracking_no) == (OrderStatus.SHIPPED, "ZTO20")


def test_given_a_same_second_change_at_one_status_when_delivered_in_either_order_then_both_end_the_same() -> None:
    base = canonical_order("21", minutes=1)
    memo = replace(base, seller_memo="加急")
    results = []
    for first, second in ((base, memo), (memo, base)):
        repo = InMemoryOrderRepository()
        apply_snapshot(repo, FixedClock(), "s", first, {})
        apply_snapshot(repo, FixedClock(), "s", second, {})
        assert apply_snapshot(repo, FixedClock(), "s", second, {}) is Outcome.UNCHANGED
        results.append(repo.get("s-21").seller_memo)
    assert results[0] == results[1]


def test_given_a_refund_request_of_the_same_second_when_delivered_in_either_order_then_the_request_stands() -> None:
    from chalicelib.domain.status import RefundState
    shipped = canonical_order("22", minutes=1, status=OrderStatus.SHIPPED)
    requested = replace(shipped, refund_state=RefundState.IN_PROGRESS)
    for first, second in ((shipped, requested), (requested, shipped)):
        repo = InMemoryOrderRepository()
        apply_snapshot(repo, FixedClock(), "s", first, {})
        apply_snapshot(repo, FixedClock(), "s", second, {})
        assert repo.get("s-22").refund_state is RefundState.IN_PROGRESS
