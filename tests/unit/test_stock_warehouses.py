"""An order's stock across the warehouses serving its shop (fakes): it reserves in the first warehouse
that has every line, ships from there; goods shipped beyond on hand are a discrepancy in that warehouse,
unless the warehouse allows negative stock."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.orders import LineItem, Order, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import OrderStatus
from chalicelib.services.stock import Outcome, Routing, settle_order
from chalicelib.services.stock_adjust import set_absolute_stock
from tests import fakes
from tests.factories import T0


def line(line_id: str, code: str, qty: int) -> LineItem:
    return LineItem(line_id, f"sku-{code}", "p", "", "t", "s", qty, 100, 100 * qty, links=(SkuLink(code),))


def world(routing: Routing, **stock: dict[str, int]) -> tuple[fakes.InMemoryStockLedger, fakes.InMemoryOrderRepository]:
    ledger, orders = fakes.InMemoryStockLedger(), fakes.InMemoryOrderRepository()
    for warehouse, counts in stock.items():
        for code, qty in counts.items():
            set_absolute_stock(ledger, code, qty, "erp:test", f"init-{code}", T0, warehouse_id=warehouse)
    return ledger, orders


def settle(ledger, orders, routing: Routing) -> Outcome:  # type: ignore[no-untyped-def]
    return settle_order(ledger, orders, fakes.FixedClock(T0), "S1-1", route=lambda _shop: routing)


def test_given_two_warehouses_then_the_order_reserves_where_every_line_is_and_ships_from_there() -> None:
    routing = Routing(("SH", "BJ"))
    ledger, orders = world(routing, SH={"A": 5, "B": 0}, BJ={"A": 2, "B": 2})
    orders.add(Order("S1-1", "S1", Platform.JD, "1", OrderStatus.AWAITING_SHIPMENT, "x",
                     (line("1", "A", 2), line("2", "B", 1)), T0, T0, 0, 0))
    assert settle(ledger, orders, routing) is Outcome.RESERVED
    assert (ledger.balance("A", "SH").reserved, ledger.balance("A", "BJ").reserved) == (0, 2)
    order = orders.get("S1-1")
    orders.save(replace(order, status=OrderStatus.SHIPPED), order.revision)
    assert settle(ledger, orders, routing) is Outcome.DEDUCTED
    assert (ledger.balance("A", "BJ").on_hand, ledger.balance("B", "BJ").on_hand) == (0, 1)
    assert ledger.balance("A", "SH").on_hand == 5, "the other warehouse's goods did not leave"


def test_given_a_shipment_beyond_on_hand_then_a_discrepancy_in_its_warehouse_not_a_negative() -> None:
    routing = Routing(("SH",))
    ledger, orders = world(routing, SH={"A": 1})
    orders.add(Order("S1-1", "S1", Platform.JD, "1", OrderStatus.SHIPPED, "x", (line("1", "A", 5),), T0, T0, 0, 0))
    assert settle(ledger, orders, routing) is Outcome.DEDUCTED and settle(ledger, orders, routing) is Outcome.DEDUCTED
    stock = ledger.balance("A", "SH")
    assert (stock.on_hand, stock.reserved) == (0, 0), "never a silent negative"
    [short] = ledger.discrepancies(open_only=True).items
    assert (short.quantity_short, short.warehouse_id) == (4, "SH")


def test_given_a_warehouse_that_allows_negative_stock_then_the_shipment_takes_it_below_zero() -> None:
    routing = Routing(("NEG",), frozenset({"NEG"}))
    ledger, orders = world(routing, NEG={"A": 1})
    orders.add(Order("S1-1", "S1", Platform.JD, "1", OrderStatus.SHIPPED, "x", (line("1", "A", 5),), T0, T0, 0, 0))
    settle(ledger, orders, routing)
    assert ledger.balance("A", "NEG").on_hand == -4 and ledger.discrepancies(open_only=True).items == []
