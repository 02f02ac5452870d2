"""Parcels shipped by the ERP: a shipment posted per order (the ERP's ship call, the manual fallback) closes
the merged parcel or the split part it carries away, as shipping the parcel's own waybill does."""
from __future__ import annotations

from chalicelib.domain.fulfilments import FulfilmentState
from chalicelib.domain.orders import LineItem, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.services import fulfilment_splits as splits
from chalicelib.services import fulfilments as svc
from chalicelib.services.shipments import ShipmentDeps, record_shipment
from tests import fakes
from tests.factories import make_order
from tests.fulfil_kit import fulfil_deps


def world(*orders):  # type: ignore[no-untyped-def]
    repo = fakes.InMemoryOrderRepository()
    for order in orders:
        repo.add(order)
    deps = fulfil_deps(repo)
    ships = ShipmentDeps(orders=repo, shipments=fakes.InMemoryShipmentRepository(),
                         publisher=fakes.RecordingPublisher(), clock=deps.clock, fulfilments=deps.fulfilments)
    return deps, ships


def pdd(n: int, **kw: object):  # type: ignore[no-untyped-def]
    return make_order(n, "pddA", platform=Platform.PDD, **kw)


def erp_ships(ships: ShipmentDeps, order_id: str, tracking_no: str, lines=()):  # type: ignore[no-untyped-def]
    return record_shipment(ships, order_id=order_id, carrier_code="ZTO", tracking_no=tracking_no, lines=lines,
                           source="erp:wms")


def test_given_a_merged_parcel_when_the_erp_ships_each_member_then_the_parcel_is_shipped_once_all_have() -> None:
    deps, ships = world(pdd(1), pdd(2))
    parcel = svc.merge(deps, ["pddA-1", "pddA-2"], "user:ann")
    erp_ships(ships, "pddA-1", "ZT100200300")
    assert deps.fulfilments.get(parcel.fulfilment_id).state is FulfilmentState.OPEN
    erp_ships(ships, "pddA-2", "ZT100200300")
    assert deps.fulfilments.get(parcel.fulfilment_id).state is FulfilmentState.SHIPPED
    erp_ships(ships, "pddA-2", "ZT100200300")                       # posted again: nothing changes
    assert deps.fulfilments.get(parcel.fulfilment_id).revision == 2


def test_given_a_split_order_when_the_erp_ships_one_part_then_only_that_part_is_shipped() -> None:
    lines = (LineItem("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, links=(SkuLink("SKU-A", 1),)),
             LineItem("b", "s2", "p2", "MC-B", "帽子", "黑", 3, 990, 2970, links=(SkuLink("SKU-B", 1),)))
    deps, ships = world(pdd(1, lines=lines))
    first, second = splits.split_by_hand(deps, "pddA-1", [[("a", 2)], [("b", 3)]], "user:ann")
    erp_ships(ships, "pddA-1", "ZT100200301", [("b", 3)])
    states = [deps.fulfilments.get(p.fulfilment_id).state for p in (first, second)]
    assert states == [FulfilmentState.OPEN, FulfilmentState.SHIPPED]
    erp_ships(ships, "pddA-1", "ZT100200302", [("a", 2)])
    assert deps.fulfilments.get(first.fulfilment_id).state is FulfilmentState.SHIPPED


def test_given_units_of_one_line_in_two_parts_then_the_first_part_takes_the_first_units() -> None:
    deps, ships = world(pdd(1))                                     # one line l1 of 2 units
    first, second = splits.split_by_hand(deps, "pddA-1", [[("l1", 1)], [("l1", 1)]], "user:ann")
    erp_ships(ships, "pddA-1", "ZT100200303", [("l1", 1)])
    states = [deps.fulfilments.get(p.fulfilment_id).state for p in (first, second)]
    assert states == [FulfilmentState.SHIPPED, FulfilmentState.OPEN]
