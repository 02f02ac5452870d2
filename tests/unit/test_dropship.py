"""Drop-shipping's pure rules and its stock: which orders a supplier may take, the SKU rule, the stock-up
list, and a drop-shipped order's stock (nothing reserved, nothing deducted; fakes only)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.dropship import check_assignable, rule_applies, rule_lines, stock_up
from chalicelib.domain.errors import InvalidTransitionError
from chalicelib.domain.orders import LineItem, Order, SkuLink, handoff_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus, RefundState, ShipmentStatus
from chalicelib.services.dropship import apply_rule
from chalicelib.services.stock import Outcome, settle_order
from chalicelib.services.stock_adjust import set_absolute_stock
from tests import fakes
from tests.factories import T0


def line(line_id: str, *codes: str, qty: int = 1, **kw: object) -> LineItem:
    return replace(LineItem(line_id, f"sku-{line_id}", "p", f"MC-{line_id}", "衬衫", "白 M", qty, 100, 100 * qty,
                            links=tuple(SkuLink(c) for c in codes)), **kw)  # type: ignore[arg-type]


def order(*lines: LineItem, **kw: object) -> Order:
    made = Order("S1-1", "S1", Platform.JD, "1", OrderStatus.AWAITING_SHIPMENT, "x", lines, T0, T0, 0, 0)
    made = replace(made, **kw)  # type: ignore[arg-type]
    return replace(made, erp_handoff=handoff_for(made))


def test_GIVEN_a_supplier_on_an_order_THEN_the_erp_never_sees_it_ready() -> None:
    assert order(line("1", "A")).erp_handoff is ErpHandoff.READY
    assert order(line("1", "A"), supplier_id="SUP").erp_handoff is ErpHandoff.NOT_READY


@pytest.mark.parametrize(("change", "reason"), [
    ({"status": OrderStatus.SHIPPED}, "dropship.order_not_open"),
    ({"status": OrderStatus.PARTIALLY_SHIPPED}, "dropship.order_not_open"),
    ({"status": OrderStatus.CANCELLED}, "dropship.order_not_open"),
    ({"erp_handoff": ErpHandoff.TAKEN}, "dropship.erp_taken"),
])
def test_GIVEN_an_order_that_left_or_the_erp_took_WHEN_assigned_THEN_refused(change: dict[str, object],
                                                                             reason: str) -> None:
    with pytest.raises(InvalidTransitionError) as refused:
        check_assignable(replace(order(line("1", "A")), **change))  # type: ignore[arg-type]
    assert refused.value.reason == reason


def test_GIVEN_skus_of_one_supplier_THEN_the_rule_picks_it_and_mixed_or_unlinked_stay_with_the_seller() -> None:
    suppliers = {"A": "SUP1", "B": "SUP1", "C": "SUP2"}
    assert rule_lines(order(line("1", "A"), line("2", "B")), suppliers) == ("SUP1", ())
    assert rule_lines(order(line("1", "A"), line("2", "C")), suppliers) == ("", ())
    assert rule_lines(order(line("1", "A"), line("2")), suppliers) == ("", ())
    assert rule_lines(order(line("1", "D")), suppliers) == ("", ())


def test_GIVEN_the_rule_WHEN_an_order_becomes_ready_THEN_assigned_once_and_never_after_a_take_back() -> None:
    ready = order(line("1", "A"))
    assigned = apply_rule(ready, lambda codes: {"A": "SUP1"}, T0)
    assert assigned.supplier_id == "SUP1" and assigned.erp_handoff is ErpHandoff.NOT_READY
    assert "SKU rule" in assigned.history[-1].summary
    assert not rule_applies(order(line("1", "A"), holds=frozenset({HoldReason.MANUAL_HOLD})))
    taken_back = replace(assigned, supplier_id="", erp_handoff=ErpHandoff.READY)
    assert apply_rule(taken_back, lambda codes: {"A": "SUP1"}, T0) is taken_back


def test_GIVEN_open_orders_THEN_the_stock_up_list_sums_what_is_left_per_sku() -> None:
    first = order(line("1", "A", qty=3, shipped_quantity=1), line("2", "B", "A", qty=2))
    second = order(line("1", "A", qty=1), line("3", qty=4), line("4", "B", qty=5, refund_state=RefundState.REFUNDED))
    got = {x.sku_code: (x.quantity, x.orders) for x in stock_up([first, second])}
    assert got == {"A": (2 + 2 + 1, 2), "B": (2, 1), "MC-3": (4, 1)}


def test_GIVEN_a_drop_shipped_order_THEN_it_reserves_nothing_and_its_shipment_deducts_nothing() -> None:
    ledger, orders, clock = fakes.InMemoryStockLedger(), fakes.InMemoryOrderRepository(), fakes.FixedClock(T0)
    set_absolute_stock(ledger, "A", 5, "erp:test", "init", T0)
    orders.add(order(line("1", "A", qty=2), supplier_id="SUP1"))
    assert settle_order(ledger, orders, clock, "S1-1") is Outcome.NOTHING
    assert (ledger.balance("A").on_hand, ledger.balance("A").reserved) == (5, 0)
    shipped = orders.get("S1-1")
    orders.save(replace(shipped, status=OrderStatus.SHIPPED), shipped.revision)
    parcel = Shipment("P1", "S1-1", "S1", "ZTO", "ZT1", (ShipmentLine("1", 2),), ShipmentStatus.CONFIRMED, T0, "s")
    assert settle_order(ledger, orders, clock, "S1-1", shipments=lambda _: [parcel]) is Outcome.RELEASED
    assert (ledger.balance("A").on_hand, ledger.balance("A").reserved) == (5, 0)


def test_GIVEN_a_reserved_order_later_assigned_THEN_the_reservation_is_released_when_the_supplier_ships() -> None:
    ledger, orders, clock = fakes.InMemoryStockLedger(), fakes.InMemoryOrderRepository(), fakes.FixedClock(T0)
    set_absolute_stock(ledger, "A", 5, "erp:test", "init", T0)
    orders.add(order(line("1", "A", qty=2)))
    assert settle_order(ledger, orders, clock, "S1-1") is Outcome.RESERVED
    current = orders.get("S1-1")
    orders.save(replace(current, supplier_id="SUP1"), current.revision)
    settle_order(ledger, orders, clock, "S1-1")
    assert ledger.balance("A").reserved == 2, "kept while open: a take-back costs nothing"
    current = orders.get("S1-1")
    orders.save(replace(current, status=OrderStatus.SHIPPED), current.revision)
    settle_order(ledger, orders, clock, "S1-1", shipments=lambda _: [])
    assert (ledger.balance("A").on_hand, ledger.balance("A").reserved) == (5, 0)
