"""The pure domain: transitions, seed code tables, stock arithmetic, the ERP hand-off rule."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain import seed_codes
from chalicelib.domain.after_sales import AfterSale, refund_state_for
from chalicelib.domain.catalog import ShopSku, auto_link
from chalicelib.domain.inventory import Movement, MovementKind, Stock, apply
from chalicelib.domain.orders import TRANSITIONS, SkuLink, can_transition, next_status
from chalicelib.domain.platform import SEED_V1_IDS, SEED_V3_IDS, Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, HoldReason, OrderStatus, RefundState
from chalicelib.domain.users import Role, allows

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize("current", list(OrderStatus))
def test_given_any_status_when_the_same_status_is_reported_then_it_stays(current: OrderStatus) -> None:
    assert next_status(current, current) is current


@pytest.mark.parametrize(("current", "reported", "expected"), [
    (OrderStatus.SHIPPED, OrderStatus.AWAITING_SHIPMENT, OrderStatus.SHIPPED),
    (OrderStatus.COMPLETED, OrderStatus.SHIPPED, OrderStatus.COMPLETED),
    (OrderStatus.CANCELLED, OrderStatus.AWAITING_SHIPMENT, OrderStatus.CANCELLED),
    (OrderStatus.PARTIALLY_SHIPPED, OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED),
    (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_SHIPMENT),
    (OrderStatus.AWAITING_SHIPMENT, OrderStatus.SHIPPED, OrderStatus.SHIPPED),
    (OrderStatus.SHIPPED, OrderStatus.CANCELLED, OrderStatus.CANCELLED),
])
def test_given_a_reported_status_then_only_forward_moves_apply(current, reported, expected) -> None:
    assert next_status(current, reported) is expected


def test_given_the_transition_table_then_cancelled_is_terminal_and_nothing_returns_to_unpaid() -> None:
    assert TRANSITIONS[OrderStatus.CANCELLED] == frozenset()
    assert not any(OrderStatus.PENDING_PAYMENT in targets for targets in TRANSITIONS.values())
    assert all(can_transition(s, s) for s in OrderStatus)


@pytest.mark.parametrize(("code", "expected"), [
    (0, (OrderStatus.AWAITING_SHIPMENT, None, None)),
    (1, (OrderStatus.AWAITING_SHIPMENT, None, None)),
    (2, (OrderStatus.SHIPPED, None, None)),
    (3, (OrderStatus.COMPLETED, None, None)),
    (11, (OrderStatus.CANCELLED, None, None)),
    (12, (OrderStatus.AWAITING_SHIPMENT, HoldReason.REFUND_REQUESTED, RefundState.REFUNDING)),
    (21, (OrderStatus.PENDING_PAYMENT, None, None)),
    (22, (OrderStatus.AWAITING_SHIPMENT, HoldReason.MANUAL_HOLD, None)),
    (25, (OrderStatus.COMPLETED, None, None)),
    (29, (OrderStatus.AWAITING_SHIPMENT, HoldReason.MANUAL_HOLD, None)),
    (101, (OrderStatus.PARTIALLY_SHIPPED, None, None)),
])
def test_given_each_seed_order_status_then_it_maps_as_the_table_says(code, expected) -> None:
    assert seed_codes.order_status_from_seed(code) == expected


def test_given_the_seed_table_then_every_code_is_tested_and_minus_one_is_refused() -> None:
    assert set(seed_codes.SEED_ORDER_STATUS) == {0, 1, 2, 3, 11, 12, 21, 22, 25, 29, 101}
    with pytest.raises(KeyError):
        seed_codes.order_status_from_seed(-1)


@pytest.mark.parametrize(("code", "expected"), [
    (1, RefundState.NONE), (2, RefundState.IN_PROGRESS), (3, RefundState.REFUNDING), (4, RefundState.REFUNDED)])
def test_given_seed_refund_status_then_mapped(code, expected) -> None:
    assert seed_codes.SEED_REFUND_STATUS[code] is expected


@pytest.mark.parametrize(("code", "expected"), [
    (1, AfterSaleType.REFUND_ONLY), (2, AfterSaleType.RETURN_AND_REFUND), (3, AfterSaleType.EXCHANGE),
    (4, AfterSaleType.REPAIR), (5, AfterSaleType.REISSUE), (6, AfterSaleType.REPAIR),
    (8, AfterSaleType.PRICE_PROTECTION), (9, AfterSaleType.REFUND_ONLY), (10, AfterSaleType.OTHER)])
def test_given_seed_refund_type_then_mapped(code, expected) -> None:
    assert seed_codes.SEED_AFTER_SALE_TYPE[code] is expected


@pytest.mark.parametrize(("code", "expected"), [
    (10001, AfterSaleStatus.PENDING_REVIEW), (10002, AfterSaleStatus.AWAITING_BUYER_RETURN),
    (10003, AfterSaleStatus.AWAITING_BUYER_ACTION), (10005, AfterSaleStatus.AWAITING_SELLER_RECEIPT),
    (10006, AfterSaleStatus.AWAITING_RESHIP), (10007, AfterSaleStatus.SELLER_PROCESSING),
    (10008, AfterSaleStatus.SELLER_PROCESSING), (10010, AfterSaleStatus.REFUNDED),
    (10011, AfterSaleStatus.CLOSED), (10020, AfterSaleStatus.PLATFORM_PROCESSING),
    (10021, AfterSaleStatus.FAILED), (10030, AfterSaleStatus.REFUNDED), (10031, AfterSaleStatus.FAILED),
    (10091, AfterSaleStatus.RESHIPPED), (10092, AfterSaleStatus.FAILED), (10093, AfterSaleStatus.CLOSED),
    (10094, AfterSaleStatus.RESHIPPED), (14000, AfterSaleStatus.REJECTED)])
def test_given_seed_after_sale_status_then_mapped(code, expected) -> None:
    assert seed_codes.SEED_AFTER_SALE_STATUS[code] is expected


@pytest.mark.parametrize(("code", "expected"), [
    (0, None), (10, AfterSaleType.RETURN_AND_REFUND), (20, AfterSaleType.EXCHANGE),
    (80, AfterSaleType.REISSUE), (99, AfterSaleType.INTERCEPT)])
def test_given_seed_handling_type_then_mapped(code, expected) -> None:
    assert seed_codes.SEED_HANDLING_TYPE[code] is expected


def test_given_seed_platform_ids_then_both_numberings_map() -> None:
    assert SEED_V1_IDS[4] is Platform.TAOBAO and SEED_V3_IDS[300] is Platform.PDD
    assert set(SEED_V1_IDS.values()) == set(SEED_V3_IDS.values())


@pytest.mark.parametrize(("kind", "qty", "expected"), [
    (MovementKind.RESERVE, 2, (10, 5)), (MovementKind.RELEASE, 2, (10, 1)), (MovementKind.DEDUCT, 2, (8, 1)),
    (MovementKind.RETURN, 2, (12, 3)), (MovementKind.ADJUST, -4, (6, 3)), (MovementKind.SET, 50, (50, 3))])
def test_given_a_movement_then_stock_changes_by_its_kind(kind, qty, expected) -> None:
    after = apply(Stock("A", 10, 3), Movement("A", kind, qty, "k", "test", NOW))
    assert (after.on_hand, after.reserved) == expected
    assert after.available == expected[0] - expected[1]


def test_given_merchant_codes_then_auto_link_matches_exact_codes_only() -> None:
    sku = ShopSku("s", Platform.JD, "1", "p", " MC-1 ", "t")
    assert auto_link(sku, {"MC-1"}) == (SkuLink("MC-1", 1),)
    assert auto_link(sku, {"MC-2"}) == ()


def test_given_cases_then_the_order_refund_state_summarises_them() -> None:
    def case(status: AfterSaleStatus) -> AfterSale:
        return AfterSale("c", "s", Platform.PDD, "1", "o", "1", AfterSaleType.REFUND_ONLY, status, "x", 100, "r",
                         NOW, NOW)
    assert refund_state_for([]) is RefundState.NONE
    assert refund_state_for([case(AfterSaleStatus.PENDING_REVIEW)]) is RefundState.IN_PROGRESS
    assert refund_state_for([case(AfterSaleStatus.REFUNDED)]) is RefundState.REFUNDED
    assert refund_state_for([case(AfterSaleStatus.PLATFORM_PROCESSING)]) is RefundState.REFUNDING


def test_given_roles_then_higher_ranks_include_lower() -> None:
    assert allows(Role.ADMIN, Role.OPERATOR) and allows(Role.OPERATOR, Role.VIEWER)
    assert not allows(Role.VIEWER, Role.OPERATOR)
