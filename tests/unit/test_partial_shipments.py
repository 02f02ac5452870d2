"""Partial shipments per platform (issue 17): each platform gets the call it has for a parcel that carries
part of an order, or, with none, one call at the last parcel; the ERP's answer says which. Each confirmed
shipment deducts its own units from stock once, and the order is fetched again from the platform."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shipping import ShipBack
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus, ShipmentStatus
from chalicelib.platforms import registry
from chalicelib.services.action_handlers.shipments import ship_back
from chalicelib.services.erp_views import shipment_view
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import CanonicalLine, ShipLine
from chalicelib.services.shipments import ShipmentDeps, record_shipment
from chalicelib.services.stock_adjust import set_absolute_stock
from tests import fakes
from tests.factories import T0, canonical_order

LINES = (CanonicalLine("1", "sku-1", "prod-1", "MC-1", "T恤", "白色 M", 2, 1990, 3580),
         CanonicalLine("2", "sku-2", "prod-2", "MC-2", "袜子", "黑色", 1, 990, 990))
LINKS = {"sku-1": (SkuLink("ERP-1"),), "sku-2": (SkuLink("ERP-2", 2),)}     # sku-2 is a bundle of 2


class Client:
    def __init__(self) -> None:
        self.requests: list[Any] = []

    def ship(self, request: Any) -> None:
        self.requests.append(request)


class World:
    def __init__(self, platform: Platform, stock: int = 10) -> None:
        self.deps = ShipmentDeps(orders=fakes.InMemoryOrderRepository(), shipments=fakes.InMemoryShipmentRepository(),
                                 publisher=fakes.RecordingPublisher(), clock=fakes.FixedClock(),
                                 stock=fakes.InMemoryStockLedger())
        self.shops = fakes.InMemoryShopRepository()
        self.shops.add(Shop(shop_id="S1", name="demo", platform=platform, seller_id="v1"))
        self.client = Client()
        order = canonical_order("9001", platform=platform, lines=LINES)
        apply_snapshot(self.deps.orders, self.deps.clock, "S1", order, LINKS)
        self.order_id = "S1-9001"
        for code in ("ERP-1", "ERP-2"):
            set_absolute_stock(self.deps.stock, code, stock, "erp:test", f"init-{code}", T0)

    def post(self, tracking: str, lines: Any = ()) -> Any:
        shipment = record_shipment(self.deps, order_id=self.order_id, carrier_code="ZTO", tracking_no=tracking,
                                   lines=lines, source="erp:test")[0]
        return shipment

    def ship(self, shipment: Any) -> Any:
        ship_back(self.deps, self.shops, registry, shipment.shipment_id, self.shops.get("S1"), self.client)
        return self.deps.shipments.get(shipment.shipment_id)

    def on_hand(self, code: str) -> int:
        return self.deps.stock.balance(code).on_hand


def test_given_jd_when_one_of_two_units_ships_then_deferred_and_the_last_parcel_sends_every_number() -> None:
    world = World(Platform.JD)
    first = world.post("JD0001", [("1", 1)])
    assert first.ship_back is ShipBack.DEFERRED and "remaining" in first.ship_back_note, "the POST's answer says it"
    first = world.ship(first)
    assert world.client.requests == [] and first.status is ShipmentStatus.CONFIRMED
    assert world.deps.orders.get(world.order_id).status is OrderStatus.PARTIALLY_SHIPPED
    last = world.ship(world.post("JD0002"))
    request = world.client.requests[-1]
    assert len(world.client.requests) == 1 and request.line_ids == ()
    assert [number for _, number in request.parcels] == ["JD0001", "JD0002"]
    assert last.sent_tracking_nos == ("JD0001", "JD0002") and last.ship_back is ShipBack.SENT
    assert world.deps.shipments.get(first.shipment_id).ship_back is ShipBack.COVERED
    assert world.deps.orders.get(world.order_id).status is OrderStatus.SHIPPED


def test_given_a_crash_before_the_deferred_parcel_was_covered_then_a_redelivery_covers_it() -> None:
    from dataclasses import replace
    world = World(Platform.JD)
    first = world.ship(world.post("JD0001", [("1", 1)]))
    last = world.ship(world.post("JD0002"))
    covered = world.deps.shipments.get(first.shipment_id)
    world.deps.shipments.save(replace(covered, ship_back=ShipBack.DEFERRED), covered.revision)   # as if lost
    world.ship(last)                                                  # the action, delivered again
    assert world.deps.shipments.get(first.shipment_id).ship_back is ShipBack.COVERED
    assert len(world.client.requests) == 1, "the platform is not called again"


def test_given_pdd_when_the_order_ships_in_two_parcels_then_one_call_at_the_last_naming_both() -> None:
    world = World(Platform.PDD)
    world.ship(world.post("PD0001", [("1", 2)]))
    world.ship(world.post("PD0002"))
    assert [([n for _, n in r.parcels], r.line_ids) for r in world.client.requests] == [(["PD0001", "PD0002"], ())]


def test_given_kuaishou_then_each_parcel_goes_as_a_split_delivery_with_its_quantities() -> None:
    world = World(Platform.KUAISHOU)
    world.ship(world.post("KS0001", [("1", 1)]))
    world.ship(world.post("KS0002"))
    assert [r.lines for r in world.client.requests] == [
        (ShipLine("1", 1, False),), (ShipLine("1", 1, True), ShipLine("2", 1, True))]


@pytest.mark.parametrize("platform", [Platform.TAOBAO, Platform.WECHAT, Platform.XHS, Platform.DOUYIN])
def test_given_a_line_split_over_parcels_then_it_goes_with_its_last_parcel(platform: Platform) -> None:
    world = World(platform)
    assert world.ship(world.post("TB0001", [("1", 1), ("2", 1)])).ship_back is ShipBack.SENT
    assert world.ship(world.post("TB0002")).ship_back is ShipBack.SENT
    assert [r.line_ids for r in world.client.requests] == [("2",), ("1",)]


def test_given_a_full_shipment_posted_without_lines_then_its_answer_names_every_line() -> None:
    world = World(Platform.DOUYIN)
    view = shipment_view(world.post("DY0001"))
    assert view["lines"] == [{"line_id": "1", "quantity": 2}, {"line_id": "2", "quantity": 1}]
    assert world.ship(world.deps.shipments.get(view["shipment_id"])).ship_back is ShipBack.SENT
    assert world.client.requests[0].line_ids == (), "the whole order in one parcel: the whole-order call"


@pytest.mark.parametrize("platform", [Platform.KUAISHOU, Platform.TAOBAO, Platform.JD, Platform.DOUYIN])
def test_given_an_erp_shipment_then_stock_is_deducted_once_through_the_links(platform: Platform) -> None:
    world = World(platform)
    shipment = world.post("SH0001")
    world.ship(shipment)
    world.ship(shipment)                                              # a redelivered action
    assert (world.on_hand("ERP-1"), world.on_hand("ERP-2")) == (8, 8), "2 T恤, 1 bundle of 2 socks"
    assert world.deps.stock.balance("ERP-1").reserved == 0


def test_given_a_partial_then_the_rest_then_each_parcel_deducts_its_own_units() -> None:
    world = World(Platform.JD)
    world.ship(world.post("JD0001", [("1", 1)]))
    assert (world.on_hand("ERP-1"), world.on_hand("ERP-2")) == (9, 10)
    assert world.deps.stock.balance("ERP-1").reserved == 1, "the unit still to ship stays reserved"
    world.ship(world.post("JD0002"))
    assert (world.on_hand("ERP-1"), world.on_hand("ERP-2")) == (8, 8)


def test_given_a_shipment_sent_to_the_platform_then_the_order_is_fetched_again() -> None:
    world = World(Platform.KUAISHOU)
    world.ship(world.post("KS0001"))
    assert world.deps.publisher.bodies("orders") == [
        {"kind": "order", "shop_id": "S1", "order_no": "9001", "source": "ship_back"}]


def test_given_too_little_on_hand_then_on_hand_stops_at_zero_and_a_discrepancy_is_recorded() -> None:
    world = World(Platform.WECHAT, stock=1)
    shipment = world.post("WX0001")
    world.ship(shipment)
    assert world.deps.stock.balance("ERP-1").on_hand == 0 and world.deps.stock.balance("ERP-1").reserved == 0
    rows = world.deps.stock.discrepancies(open_only=True).items
    assert {(d.sku_code, d.quantity_short, d.shipment_id) for d in rows} == {
        ("ERP-1", 1, shipment.shipment_id), ("ERP-2", 1, shipment.shipment_id)}
    world.ship(shipment)
    assert len(world.deps.stock.discrepancies(open_only=True).items) == 2, "a redelivery records nothing again"


def test_given_a_refunded_line_then_the_rest_in_one_parcel_is_the_whole_order_for_the_platform() -> None:
    from chalicelib.domain.partial_shipping import plan_ship_back
    from chalicelib.domain.shipping import Shipment, ShipmentLine
    parcel = Shipment("S1-9001-ZTO-1", "S1-9001", "S1", "ZTO", "1", (ShipmentLine("1", 2),),
                      ShipmentStatus.PENDING, T0, "erp:test")
    for platform in ("jd", "pdd", "kuaishou", "taobao"):
        plan = plan_ship_back(platform, [("1", 2)], [], parcel)       # line 2 refunded: not a line to ship
        assert plan.send and plan.whole_order and plan.parcels == (("ZTO", "1"),), platform


def test_given_a_line_split_and_another_sent_then_the_deferred_parcel_is_covered_when_its_line_completes() -> None:
    from dataclasses import replace

    from chalicelib.domain.partial_shipping import plan_ship_back
    from chalicelib.domain.shipping import Shipment, ShipmentLine

    def parcel(no: str, *lines: tuple[str, int], back: ShipBack = ShipBack.PENDING) -> Shipment:
        return Shipment(f"S-{no}", "S1-9001", "S1", "ZTO", no, tuple(ShipmentLine(i, q) for i, q in lines),
                        ShipmentStatus.CONFIRMED, T0, "erp:test", ship_back=back)
    order = [("1", 2), ("2", 1)]
    first = plan_ship_back("taobao", order, [], parcel("A", ("1", 1)))
    assert not first.send and "still to ship" in first.note
    earlier = [parcel("A", ("1", 1), back=ShipBack.DEFERRED)]
    second = plan_ship_back("taobao", order, earlier, parcel("B", ("2", 1)))
    assert second.send and [x.line_id for x in second.lines] == ["2"] and second.covers == ()
    earlier.append(replace(parcel("B", ("2", 1)), ship_back=ShipBack.SENT))
    third = plan_ship_back("taobao", order, earlier, parcel("C", ("1", 1)))
    assert [x.line_id for x in third.lines] == ["1"] and third.covers == ("S-A",) and not third.whole_order
