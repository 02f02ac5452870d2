"""The domain's snapshot rules (domain/snapshots.py) on plain orders: no repository, no clock."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.snapshots import merge_order, order_is_newer
from chalicelib.domain.status import HoldReason, OrderStatus, RefundState
from tests.factories import STORED_T0, make_order


def test_GIVEN_two_snapshots_of_one_second_THEN_either_arrival_order_keeps_the_same_one() -> None:
    kept = make_order(1)
    a, b = replace(kept, seller_memo="A"), replace(kept, seller_memo="B")
    first = merge_order(kept, a, STORED_T0) if order_is_newer(a, kept) else kept
    final_ab = merge_order(first, b, STORED_T0) if order_is_newer(b, first) else first
    first = merge_order(kept, b, STORED_T0) if order_is_newer(b, kept) else kept
    final_ba = merge_order(first, a, STORED_T0) if order_is_newer(a, first) else first
    assert final_ab.seller_memo == final_ba.seller_memo


def test_GIVEN_a_same_second_refund_and_shipment_THEN_the_later_refund_stage_wins() -> None:
    kept = replace(make_order(1), refund_state=RefundState.IN_PROGRESS)
    assert order_is_newer(replace(kept, refund_state=RefundState.REFUNDED), kept)
    assert not order_is_newer(replace(kept, refund_state=RefundState.NONE), kept)


def test_GIVEN_an_older_status_in_a_newer_snapshot_THEN_the_status_does_not_move_back() -> None:
    kept = replace(make_order(1), status=OrderStatus.SHIPPED)
    merged = merge_order(kept, replace(make_order(2), status=OrderStatus.AWAITING_SHIPMENT), STORED_T0)
    assert merged.status is OrderStatus.SHIPPED and merged.version == 2


def test_GIVEN_an_operators_link_and_shipped_units_THEN_a_snapshot_without_links_keeps_them_and_no_hold() -> None:
    line = replace(make_order(1).lines[0], links=(SkuLink("MC-9", 2),), shipped_quantity=1)
    kept = replace(make_order(1), lines=(line,))
    unlinked = replace(make_order(2), lines=(replace(line, links=(), shipped_quantity=0),))
    merged = merge_order(kept, unlinked, STORED_T0)
    assert (merged.lines[0].links, merged.lines[0].shipped_quantity) == ((SkuLink("MC-9", 2),), 1)
    assert HoldReason.UNLINKED_SKU not in merged.holds


def test_GIVEN_a_confirmed_order_WHEN_the_platform_changes_its_receiver_THEN_it_is_noted_and_a_person_looks_again() -> None:
    from chalicelib.domain.orders import Receiver
    from chalicelib.domain.snapshots import RECEIVER_CHANGED
    from chalicelib.domain.status import ErpHandoff, ReviewState
    kept = replace(make_order(1), review=ReviewState.CONFIRMED, erp_handoff=ErpHandoff.NOT_READY)
    moved = replace(make_order(2), receiver=Receiver("张*", "138****0000", "浙江省", "宁波市", "鄞州区", "天童路****"))
    merged = merge_order(kept, moved, STORED_T0)
    assert merged.review is ReviewState.PENDING
    assert merged.history[-1].summary == f"{RECEIVER_CHANGED}: 浙江省 宁波市 鄞州区 天童路****"


def test_GIVEN_the_same_receiver_re_encrypted_WHEN_merged_THEN_no_address_change_is_noted() -> None:
    from chalicelib.domain.status import ReviewState
    kept = replace(make_order(1), review=ReviewState.CONFIRMED)
    again = replace(make_order(2), receiver=replace(make_order(2).receiver, encrypted="another-ciphertext"))
    merged = merge_order(kept, again, STORED_T0)
    assert merged.review is ReviewState.CONFIRMED and len(merged.history) == len(kept.history) + 1
