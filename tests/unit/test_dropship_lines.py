"""Drop-shipping single lines: the SKU rule line by line, which lines may be given, who ships which lines of
a partly drop-shipped order, and its stock (the seller's lines reserve, the supplier's never do; fakes only)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.dropship import chosen_lines, rule_lines, stock_up
from chalicelib.domain.errors import DomainError
from chalicelib.domain.orders import LineItem, Order, SkuLink, handoff_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import ErpHandoff, OrderStatus, RefundState, ShipmentStatus
from chalicelib.domain.suppliers import Supplier
from chalicelib.services.dropship import DropshipDeps, apply_rule, assign_lines, unassign
from chalicelib.services.shipments import ShipmentDeps, record_shipment
from chalicelib.services.stock import Outcome, settle_order
from chalicelib.services.stock_adjust import set_absolute_stock
from tests import fakes
from tests.factories import T0


def line(line_id: str, *codes: str, qty: int = 1, **kw: object) -> LineItem:
    return replace(LineItem(line_id, f"sku-{line_id}", "p", f"MC-{line_id}", "衬衫", "白 M", qty, 100, 100 * qty,
                            links=tuple(SkuLink(c) for c in codes)), **kw)  # type: ignore[arg-type]


def order(*lines: LineItem, **kw: object) -> Order:
    made = Order("S1-1", "S1", Platform.TAOBAO, "1", OrderStatus.AWAITING_SHIPMENT, "x", lines, T0, T0, 0, 0)
    made = replace(made, **kw)  # type: ignore[arg-type]
    return replace(made, erp_handoff=handoff_for(made))


MIXED = (line("1", "A", qty=2), line("2", "OWN", qty=3))
SUPPLIERS = {"A": "SUP1", "B": "SUP1", "C": "SUP2"}


def test_GIVEN_supplier_and_own_stock_skus_THEN_the_rule_gives_only_the_suppliers_lines() -> None:
    assert rule_lines(order(*MIXED), SUPPLIERS) == ("SUP1", ("1",))
    assert rule_lines(order(line("1", "A"), line("2", "B")), SUPPLIERS) == ("SUP1", ())      # whole order
    assert rule_lines(order(line("1", "A"), line("2", "C")), SUPPLIERS) == ("", ())           # two suppliers
    assert rule_lines(order(line("1", "A"), line("2")), SUPPLIERS) == ("", ())                # unlinked
    assert rule_lines(order(line("1", "A", "OWN"), line("2", "OWN")), SUPPLIERS) == ("", ())  # a mixed bundle
    assert rule_lines(order(line("1", "OWN")), SUPPLIERS) == ("", ())


def test_GIVEN_the_rule_on_a_mixed_order_THEN_the_erp_still_gets_it_with_the_sellers_lines_only() -> None:
    ruled = apply_rule(order(*MIXED), lambda codes: SUPPLIERS, T0)
    assert (ruled.supplier_id, ruled.supplier_lines) == ("SUP1", ("1",))
    assert ruled.erp_handoff is ErpHandoff.READY and [x.line_id for x in ruled.own_lines] == ["2"]
    assert "lines 1" in ruled.history[-1].summary
    from chalicelib.services.erp_views import order_view
    view = order_view(ruled)
    assert [x["line_id"] for x in view["lines"]] == ["2"] and view["supplier_lines"] == ["1"]
    assert "supplier_lines" not in order_view(order(*MIXED)), "an order without a supplier reads as before"


@pytest.mark.parametrize(("lines", "wanted", "reason"), [
    (MIXED, ["9"], "dropship.unknown_line"),
    ((line("1", "A", shipped_quantity=1), line("2", "B")), ["1"], "dropship.line_not_open"),
    ((line("1", "A", refund_state=RefundState.REFUNDED), line("2", "B")), ["1"], "dropship.line_not_open"),
])
def test_GIVEN_a_line_that_is_not_the_orders_or_has_left_WHEN_given_THEN_refused(
        lines: tuple[LineItem, ...], wanted: list[str], reason: str) -> None:
    with pytest.raises(DomainError) as refused:
        chosen_lines(order(*lines), wanted)
    assert refused.value.reason == reason
    assert chosen_lines(order(*MIXED), ["2", "1", "1"]) == (), "every line: the whole order"


def _deps(stored: Order) -> DropshipDeps:
    orders = fakes.InMemoryOrderRepository()
    orders.add(stored)
    suppliers = {"SUP1": Supplier("SUP1", "义乌厂")}
    return DropshipDeps(orders=orders, suppliers=suppliers, clock=fakes.FixedClock(T0))  # type: ignore[arg-type]


def test_GIVEN_lines_given_by_hand_THEN_a_repeat_writes_nothing_and_a_take_back_returns_them_all() -> None:
    deps = _deps(order(*MIXED))
    given = assign_lines(deps, "S1-1", "SUP1", ["1"], "user:ops")
    assert given.supplier_lines == ("1",) and given.erp_handoff is ErpHandoff.READY
    assert assign_lines(deps, "S1-1", "SUP1", ["1"], "user:ops").revision == given.revision
    whole = assign_lines(deps, "S1-1", "SUP1", ["1", "2"], "user:ops")
    assert (whole.supplier_lines, whole.erp_handoff) == ((), ErpHandoff.NOT_READY)
    back = unassign(deps, "S1-1", "user:ops")
    assert (back.supplier_id, back.supplier_lines, back.erp_handoff) == ("", (), ErpHandoff.READY)


def test_GIVEN_lines_given_after_the_erp_took_the_order_THEN_refused_and_nothing_changed() -> None:
    deps = _deps(replace(order(*MIXED), erp_handoff=ErpHandoff.TAKEN))
    with pytest.raises(DomainError) as refused:
        assign_lines(deps, "S1-1", "SUP1", ["1"], "user:ops")
    kept = deps.orders.get("S1-1")
    assert refused.value.reason == "dropship.erp_taken" and kept is not None and kept.supplier_id == ""


def _shipping(stored: Order) -> ShipmentDeps:
    orders = fakes.InMemoryOrderRepository()
    orders.add(stored)
    return ShipmentDeps(orders=orders, shipments=fakes.InMemoryShipmentRepository(),
                        publisher=fakes.RecordingPublisher(), clock=fakes.FixedClock(T0))


def test_GIVEN_a_partly_drop_shipped_order_THEN_each_sender_ships_only_its_own_lines() -> None:
    deps = _shipping(order(*MIXED, supplier_id="SUP1", supplier_lines=("1",)))
    theirs, _ = record_shipment(deps, order_id="S1-1", carrier_code="ZTO", tracking_no="ZT0001", lines=[],
                                source="supplier:SUP1")
    ours, _ = record_shipment(deps, order_id="S1-1", carrier_code="SF", tracking_no="SF0001", lines=[],
                              source="erp:key1")
    assert [(x.line_id, x.quantity) for x in theirs.lines] == [("1", 2)]
    assert [(x.line_id, x.quantity) for x in ours.lines] == [("2", 3)]
    assert theirs.ship_back_note and "deferred" not in theirs.ship_back.value, "Taobao takes a partial parcel"
    with pytest.raises(DomainError) as refused:
        record_shipment(deps, order_id="S1-1", carrier_code="SF", tracking_no="SF0002", lines=[("1", 1)],
                        source="erp:key1")
    assert refused.value.reason == "dropship.supplier_line"


def test_GIVEN_a_partly_drop_shipped_order_THEN_only_the_sellers_lines_reserve_and_the_stock_up_is_the_suppliers(
        ) -> None:
    ledger, orders, clock = fakes.InMemoryStockLedger(), fakes.InMemoryOrderRepository(), fakes.FixedClock(T0)
    for code in ("A", "OWN"):
        set_absolute_stock(ledger, code, 10, "erp:test", "init", T0)
    orders.add(order(*MIXED, supplier_id="SUP1", supplier_lines=("1",)))
    assert settle_order(ledger, orders, clock, "S1-1") is Outcome.RESERVED
    assert (ledger.balance("A").reserved, ledger.balance("OWN").reserved) == (0, 3)
    assert [(x.sku_code, x.quantity) for x in stock_up([orders.get("S1-1")])] == [("A", 2)]
    assert [x.line_id for x in orders.get("S1-1").lines] == ["1", "2"], "the stored order keeps every line"
    current = orders.get("S1-1")
    orders.save(replace(current, status=OrderStatus.SHIPPED), current.revision)
    parcels = [Shipment("P1", "S1-1", "S1", "ZTO", "ZT1", (ShipmentLine("1", 2),), ShipmentStatus.CONFIRMED, T0,
                        "supplier:SUP1"),
               Shipment("P2", "S1-1", "S1", "SF", "SF1", (ShipmentLine("2", 3),), ShipmentStatus.CONFIRMED, T0,
                        "erp:key1")]
    settle_order(ledger, orders, clock, "S1-1", shipments=lambda _: parcels)
    assert (ledger.balance("A").on_hand, ledger.balance("A").reserved) == (10, 0), "the supplier's goods"
    assert (ledger.balance("OWN").on_hand, ledger.balance("OWN").reserved) == (7, 0)


def test_GIVEN_a_line_reserved_before_it_was_given_THEN_released_once_the_order_has_left_in_part() -> None:
    ledger, orders, clock = fakes.InMemoryStockLedger(), fakes.InMemoryOrderRepository(), fakes.FixedClock(T0)
    for code in ("A", "OWN"):
        set_absolute_stock(ledger, code, 10, "erp:test", "init", T0)
    orders.add(order(*MIXED))
    settle_order(ledger, orders, clock, "S1-1")
    current = orders.get("S1-1")
    orders.save(replace(current, supplier_id="SUP1", supplier_lines=("1",)), current.revision)
    settle_order(ledger, orders, clock, "S1-1")
    assert ledger.balance("A").reserved == 2, "kept while open: a take-back costs nothing"
    current = orders.get("S1-1")
    orders.save(replace(current, status=OrderStatus.PARTIALLY_SHIPPED,
                        lines=(replace(current.lines[0], shipped_quantity=2), current.lines[1])), current.revision)
    settle_order(ledger, orders, clock, "S1-1", shipments=lambda _: [])
    assert (ledger.balance("A").reserved, ledger.balance("OWN").reserved) == (0, 3)


def test_GIVEN_a_partly_drop_shipped_order_THEN_the_sellers_pick_list_has_only_its_own_lines() -> None:
    from chalicelib.printing.waybill_print import pick_items
    picked = pick_items([order(*MIXED, supplier_id="SUP1", supplier_lines=("1",))])
    assert [(x.sku_code, x.quantity) for x in picked] == [("OWN", 3)]
    assert [x.sku_code for x in pick_items([order(*MIXED)])] == ["A", "OWN"]


def test_GIVEN_a_drop_shipped_order_THEN_it_never_joins_a_merged_parcel() -> None:
    from chalicelib.domain.fulfilments import merge_problem
    assert merge_problem(order(*MIXED, supplier_id="SUP1", supplier_lines=("1",)))[0] == "dropship.ships_alone"
    assert merge_problem(order(*MIXED))[0] != "dropship.ships_alone"


def test_GIVEN_a_drop_shipped_order_THEN_it_is_not_split_into_parcels() -> None:
    from chalicelib.domain.fulfilment_splits import split_problem
    assert split_problem(order(*MIXED, supplier_id="SUP1", supplier_lines=("1",)))[0] == "dropship.no_split"
    assert split_problem(order(*MIXED)) == ("", "")
