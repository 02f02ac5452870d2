"""An order's stock through its life: reserve, refunds and cancellation release, shipment deducts, a
confirmed return adds back; admin adjustments and the ERP's absolute counts (fakes only)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.inventory import MovementKind
from chalicelib.domain.orders import LineItem, Order, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import OrderStatus, RefundState, ShipmentStatus
from chalicelib.services.stock import Outcome, restock_return, settle_order
from chalicelib.services.stock_adjust import adjust_stock, resolve_discrepancy, set_absolute_stock
from tests import fakes
from tests.factories import T0


def line(line_id: str, code: str, qty: int, **kw: object) -> LineItem:
    return replace(LineItem(line_id, f"sku-{code}", "p", "", "t", "s", qty, 100, 100 * qty,
                            links=(SkuLink(code),)), **kw)  # type: ignore[arg-type]


class Shelf:
    def __init__(self, **stock: int) -> None:
        self.ledger = fakes.InMemoryStockLedger()
        self.orders = fakes.InMemoryOrderRepository()
        self.clock = fakes.FixedClock(T0)
        for code, qty in stock.items():
            set_absolute_stock(self.ledger, code, qty, "erp:test", f"init-{code}", T0)

    def add(self, *lines: LineItem, status: OrderStatus = OrderStatus.AWAITING_SHIPMENT) -> str:
        self.orders.add(Order("S1-1", "S1", Platform.JD, "1", status, "x", lines, T0, T0, 0, 0))
        return "S1-1"

    def change(self, **kw: object) -> None:
        order = self.orders.get("S1-1")
        self.orders.save(replace(order, **kw), order.revision)  # type: ignore[arg-type]

    def settle(self, shipments: list[Shipment] | None = None) -> Outcome:
        return settle_order(self.ledger, self.orders, self.clock, "S1-1",
                            shipments=None if shipments is None else lambda _: shipments)

    def counts(self, code: str) -> tuple[int, int, int]:
        stock = self.ledger.balance(code)
        return stock.on_hand, stock.reserved, stock.available


def test_given_a_paid_order_then_reserved_once_and_a_refunded_line_is_released() -> None:
    shelf = Shelf(A=10, B=10)
    shelf.add(line("1", "A", 2), line("2", "B", 3))
    assert shelf.settle() is Outcome.RESERVED and shelf.settle() is Outcome.RESERVED
    assert (shelf.counts("A"), shelf.counts("B")) == ((10, 2, 8), (10, 3, 7))
    order = shelf.orders.get("S1-1")
    shelf.change(lines=(order.lines[0], replace(order.lines[1], refund_state=RefundState.REFUNDED)))
    shelf.settle()
    assert (shelf.counts("A"), shelf.counts("B")) == ((10, 2, 8), (10, 0, 10))


def test_given_a_partial_shipment_then_its_units_deduct_and_the_platform_rest_deducts_only_the_rest() -> None:
    shelf = Shelf(A=10, B=10)
    shelf.add(line("1", "A", 2), line("2", "B", 3))
    shelf.settle()
    parcel = Shipment("S1-1-ZTO-1", "S1-1", "S1", "ZTO", "1", (ShipmentLine("1", 1), ShipmentLine("2", 1)),
                      ShipmentStatus.CONFIRMED, T0, "erp:test")
    order = shelf.orders.get("S1-1")
    shelf.change(status=OrderStatus.PARTIALLY_SHIPPED, lines=(replace(order.lines[0], shipped_quantity=1),
                                                              replace(order.lines[1], shipped_quantity=1)))
    shelf.settle([parcel])
    shelf.settle([parcel])
    assert (shelf.counts("A"), shelf.counts("B")) == ((9, 1, 8), (9, 2, 7))
    shelf.change(status=OrderStatus.SHIPPED)             # the rest shipped in the platform's back office
    assert shelf.settle([parcel]) is Outcome.DEDUCTED
    assert (shelf.counts("A"), shelf.counts("B")) == ((8, 0, 8), (7, 0, 7))
    assert shelf.ledger.existing([("B", "release:S1-1:2:B")]) == set()


def test_given_a_refund_after_a_partial_shipment_then_only_the_unshipped_units_are_released() -> None:
    shelf = Shelf(A=10)
    shelf.add(line("1", "A", 3))
    shelf.settle()
    parcel = Shipment("S1-1-ZTO-1", "S1-1", "S1", "ZTO", "1", (ShipmentLine("1", 1),),
                      ShipmentStatus.CONFIRMED, T0, "erp:test")
    shelf.settle([parcel])
    shelf.change(status=OrderStatus.CANCELLED)
    shelf.settle([parcel])
    assert shelf.counts("A") == (9, 0, 9)


def test_given_an_order_that_arrives_already_shipped_beyond_on_hand_then_zero_and_a_discrepancy() -> None:
    shelf = Shelf(A=1)
    shelf.add(line("1", "A", 3), status=OrderStatus.SHIPPED)
    assert shelf.settle() is Outcome.DEDUCTED and shelf.settle() is Outcome.DEDUCTED
    assert shelf.counts("A") == (0, 0, 0), "never a silent negative"
    [short] = shelf.ledger.discrepancies(open_only=True).items
    assert (short.sku_code, short.order_id, short.shipment_id, short.quantity_short) == ("A", "S1-1", "", 2)
    resolved = resolve_discrepancy(shelf.ledger, short.discrepancy_id, "user:ops", "counted: 2 were lost", T0)
    assert resolved.resolved and resolve_discrepancy(shelf.ledger, short.discrepancy_id, "user:x", "", T0) == resolved
    assert shelf.ledger.discrepancies(open_only=True).items == []


def test_given_a_held_out_of_stock_order_when_cancelled_then_the_hold_goes_and_nothing_is_released() -> None:
    shelf = Shelf(A=1)
    shelf.add(line("1", "A", 3))
    assert shelf.settle() is Outcome.OUT_OF_STOCK
    shelf.change(status=OrderStatus.CANCELLED)
    assert shelf.settle() is Outcome.RELEASED
    assert shelf.orders.get("S1-1").holds == frozenset() and shelf.counts("A") == (1, 0, 1)
    assert "released" in shelf.orders.get("S1-1").history[-1].summary


def test_given_a_confirmed_return_then_on_hand_comes_back_once() -> None:
    shelf = Shelf(A=5)
    later = T0 + timedelta(minutes=5)
    restock_return(shelf.ledger, "case-1", [("1", "A", 2)], later)
    restock_return(shelf.ledger, "case-1", [("1", "A", 2)], later)
    assert shelf.counts("A") == (7, 0, 7)
    assert shelf.ledger.movements("A").items[0].kind is MovementKind.RETURN


def test_given_adjustments_and_erp_counts_then_reasons_are_required_and_replays_change_nothing() -> None:
    shelf = Shelf(A=5)
    with pytest.raises(ValidationError):
        adjust_stock(shelf.ledger, "A", -1, " ", "user:ops", "k1", T0)
    adjust_stock(shelf.ledger, "A", -2, "破损", "user:ops", "k1", T0)
    adjust_stock(shelf.ledger, "A", -2, "破损", "user:ops", "k1", T0)
    assert shelf.counts("A") == (3, 0, 3)
    assert set_absolute_stock(shelf.ledger, "A", 40, "erp:key-1", "count-7", T0).on_hand == 40
    assert set_absolute_stock(shelf.ledger, "A", 40, "erp:key-1", "count-7", T0).on_hand == 40
    with pytest.raises(ConflictError, match="count-7"):      # the key again with another count: not ignored
        set_absolute_stock(shelf.ledger, "A", 99, "erp:key-1", "count-7", T0)
    with pytest.raises(ConflictError, match="k1"):
        adjust_stock(shelf.ledger, "A", -3, "破损", "user:ops", "k1", T0)
    assert shelf.counts("A") == (40, 0, 40)
    with pytest.raises(ValidationError):
        set_absolute_stock(shelf.ledger, "A", -1, "erp:key-1", "count-8", T0)
