"""The pure merge (合单) and split (拆单) rules: domain/fulfilments.py and domain/fulfilment_splits.py."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain import fulfilment_splits as fs
from chalicelib.domain import fulfilments as ff
from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.orders import LineItem, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus, RefundState, ReviewState
from tests.factories import make_order

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def pdd(n: int, shop: str = "pddA", **kw: object):
    return make_order(n, shop, platform=Platform.PDD, **kw)


def two_lines(n: int, **kw: object):
    lines = (LineItem("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, links=(SkuLink("SKU-A", 1),)),
             LineItem("b", "s2", "p2", "MC-B", "帽子", "黑", 3, 990, 2970, links=(SkuLink("SKU-B", 1),)))
    return pdd(n, lines=lines, **kw)


def test_given_two_reviewed_orders_of_one_buyer_when_proposed_then_they_form_one_group():
    a, b, other = pdd(1), pdd(2), pdd(3, receiver=replace(pdd(3).receiver, name_masked="李*"))
    assert ff.proposals([b, other, a]) == [(a, b)]


def test_given_one_order_is_with_the_erp_or_held_when_proposed_then_it_is_left_out():
    taken = pdd(2, erp_handoff=ErpHandoff.TAKEN)
    refunding = pdd(3, refund_state=RefundState.IN_PROGRESS)
    unreviewed = pdd(4, review=ReviewState.PENDING)
    assert ff.proposals([pdd(1), taken, refunding, unreviewed]) == []


def test_given_orders_of_two_shops_when_proposed_then_no_platform_merges_them():
    assert ff.proposals([pdd(1, "pddA"), pdd(2, "pddB")]) == []


def test_given_jd_orders_of_one_buyer_when_proposed_then_jd_takes_one_order_per_waybill():
    orders = [make_order(n, "jdA", platform=Platform.JD) for n in (1, 2)]
    assert ff.proposals(orders) == []
    with pytest.raises(InvalidTransitionError) as err:
        ff.merged(orders, "manual", "user:a", NOW)
    assert err.value.reason == "fulfilment.platform_no_merge"


def test_given_a_merge_when_made_twice_then_its_id_is_the_same_whatever_the_order():
    a, b = pdd(1), pdd(2)
    first, second = ff.merged([a, b], "manual", "user:a", NOW), ff.merged([b, a], "manual", "user:a", NOW)
    assert first.fulfilment_id == second.fulfilment_id
    assert first.order_ids == (a.order_id, b.order_id) and first.kind is ff.FulfilmentKind.MERGED


def test_given_different_receivers_when_merged_by_hand_then_refused_with_a_reason():
    b = pdd(2, receiver=replace(pdd(2).receiver, address_masked="别处****"))
    with pytest.raises(InvalidTransitionError) as err:
        ff.merged([pdd(1), b], "manual", "user:a", NOW)
    assert err.value.reason == "fulfilment.different_buyer"


def test_given_an_order_already_merged_when_merged_again_then_refused():
    with pytest.raises(InvalidTransitionError) as err:
        ff.merged([pdd(1, fulfilment_ids=("Mx",)), pdd(2)], "manual", "user:a", NOW)
    assert err.value.reason == "fulfilment.already_member"


def test_given_three_members_when_one_leaves_then_two_stay_and_when_another_leaves_it_dissolves():
    f = ff.merged([pdd(1), pdd(2), pdd(3)], "manual", "user:a", NOW)
    two = ff.without(f, "pddA-1", NOW)
    assert two.state is ff.FulfilmentState.OPEN and two.order_ids == ("pddA-2", "pddA-3")
    assert ff.without(two, "pddA-2", NOW).state is ff.FulfilmentState.DISSOLVED


def test_given_a_waybill_when_a_member_leaves_then_refused_until_the_waybill_is_cancelled():
    f = ff.with_waybill(ff.merged([pdd(1), pdd(2)], "manual", "user:a", NOW), "W1", NOW)
    with pytest.raises(InvalidTransitionError) as err:
        ff.without(f, "pddA-1", NOW)
    assert err.value.reason == "fulfilment.has_waybill"
    assert ff.without(ff.waybill_cancelled(f, NOW), "pddA-1", NOW).state is ff.FulfilmentState.DISSOLVED


def test_given_a_refund_or_a_cancel_then_the_member_splits_out():
    assert ff.splits_out(pdd(1, refund_state=RefundState.IN_PROGRESS))
    assert ff.splits_out(pdd(1, holds=frozenset({HoldReason.REFUND_REQUESTED})))
    assert ff.splits_out(pdd(1, status=OrderStatus.CANCELLED))
    assert not ff.splits_out(pdd(1))


def test_given_every_platform_then_the_merge_table_matches_the_waybill_grouping():
    assert set(ff.PLATFORM_MERGE) == {"taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs"}


# ---------------------------------------------------------------- split
def test_given_parts_by_units_when_split_then_each_part_is_a_fulfilment_of_the_order():
    order = two_lines(1)
    parts = fs.split(order, [fs.PlannedPart((("a", 1), ("b", 3))), fs.PlannedPart((("a", 1),))],
                     "manual", "user:a", NOW, 1)
    assert [p.parts[0].lines for p in parts] == [(("a", 1), ("b", 3)), (("a", 1),)]
    assert len({p.fulfilment_id for p in parts}) == 2 and all(p.kind is ff.FulfilmentKind.SPLIT for p in parts)


@pytest.mark.parametrize(("parts", "reason"), [
    ([(("a", 2),), (("b", 2),)], "fulfilment.units_mismatch"),
    ([(("a", 2), ("b", 3))], "fulfilment.part_count"),
    ([(("a", 2),), (("x", 3),)], "fulfilment.unknown_line"),
    ([(("a", 2), ("b", 3)), (("b", 0),)], "fulfilment.bad_quantity"),
    ([(("a", 2), ("b", 3)), ()], "fulfilment.empty_part"),
])
def test_given_bad_parts_when_split_then_refused_naming_the_field(parts, reason):
    with pytest.raises(ValidationError) as err:
        fs.check_parts(two_lines(1), parts)
    assert err.value.reason == reason and err.value.field.startswith("parts")


def test_given_an_order_with_the_erp_when_split_then_refused():
    with pytest.raises(InvalidTransitionError) as err:
        fs.check_parts(two_lines(1, erp_handoff=ErpHandoff.ACKNOWLEDGED), [(("a", 2),), (("b", 3),)])
    assert err.value.reason == "fulfilment.handed_over"


def test_given_stock_in_two_warehouses_when_split_by_stock_then_each_warehouse_ships_its_lines():
    stock = {"WH1": {"SKU-A": 5}, "WH2": {"SKU-B": 3}}
    parts = fs.by_stock(two_lines(1), stock, ["WH1", "WH2"])
    assert [(p.warehouse_id, p.lines) for p in parts] == [("WH1", (("a", 2),)), ("WH2", (("b", 3),))]


def test_given_a_line_out_of_stock_when_split_by_stock_then_it_waits_in_a_later_part():
    parts = fs.by_stock(two_lines(1), {"WH1": {"SKU-A": 2, "SKU-B": 1}}, ["WH1"])
    assert [(p.warehouse_id, p.lines) for p in parts] == [("WH1", (("a", 2),)), ("", (("b", 3),))]


def test_given_everything_in_one_warehouse_when_split_by_stock_then_one_part():
    assert len(fs.by_stock(two_lines(1), {"WH1": {"SKU-A": 9, "SKU-B": 9}}, ["WH1", "WH2"])) == 1


def test_given_a_weight_limit_when_split_by_weight_then_no_parcel_is_over_it():
    parts = fs.by_weight(two_lines(1), {"a": 800, "b": 300}, 1000)
    assert all(p.weight_g <= 1000 for p in parts)
    assert sorted(p.lines for p in parts) == [(("a", 1),), (("a", 1),), (("b", 3),)]


def test_given_a_weight_limit_of_zero_then_refused_naming_the_field():
    with pytest.raises(ValidationError) as err:
        fs.by_weight(two_lines(1), {}, 0)
    assert err.value.field == "weight_limit_g"


def test_given_open_parts_when_folded_then_dissolved_and_with_a_waybill_refused():
    parts = fs.split(two_lines(1), [fs.PlannedPart((("a", 2),)), fs.PlannedPart((("b", 3),))], "m", "u", NOW, 1)
    assert {p.state for p in fs.folded(parts, NOW)} == {ff.FulfilmentState.DISSOLVED}
    with pytest.raises(InvalidTransitionError):
        fs.folded([ff.with_waybill(parts[0], "W", NOW), parts[1]], NOW)
