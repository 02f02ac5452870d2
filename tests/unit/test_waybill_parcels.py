"""Waybills for fulfilments on fakes: a merged parcel takes one waybill for its members and ships each of
them; each split part takes its own waybill and ships its own lines; a cancelled waybill frees the parcel."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.fulfilments import FulfilmentState
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason
from chalicelib.domain.waybills import WaybillStatus
from chalicelib.platforms import registry
from chalicelib.services import fulfilment_splits as splits
from chalicelib.services import fulfilments as fulfil
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybills as service
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import CanonicalLine
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.waybills import WaybillDeps
from tests import fakes
from tests.factories import canonical_order
from tests.fulfil_kit import InMemoryFulfilments, fulfil_deps
from tests.waybill_fakes import LINKED, FakeWaybillClient, InMemoryWaybillAccountRepository, InMemoryWaybillRepository


@pytest.fixture
def world():
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    clock = fakes.FixedClock(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    client, store = FakeWaybillClient(), InMemoryFulfilments()
    shipments = fakes.InMemoryShipmentRepository()
    deps = WaybillDeps(orders=orders, shops=shops, platforms=registry, accounts=InMemoryWaybillAccountRepository(),
                       waybills=InMemoryWaybillRepository(), clients=lambda shop: client, clock=clock,
                       shipments=ShipmentDeps(orders, shipments, publisher, clock), fulfilments=store)
    accounts_service.pull_accounts(deps, "shopA")
    accounts_service.set_default_account(deps, "shopA", "ZTO-310000")
    return deps, fulfil_deps(orders, fulfilments=store, clock=clock), client, shipments


def add(deps: WaybillDeps, *numbers: str, **kw: object) -> list[str]:
    for number in numbers:
        apply_snapshot(deps.orders, deps.clock, "shopA", canonical_order(number, **kw), LINKED)
    return [f"shopA-{n}" for n in numbers]


def ship(deps: WaybillDeps, waybill_id: str) -> None:
    service.mark_printed(deps, [waybill_id])
    [outcome] = service.ship(deps, [waybill_id], "user:ops")
    assert outcome.ok, outcome.error


def test_given_a_merged_parcel_when_issued_then_one_waybill_and_each_member_ships_with_its_number(world):
    deps, fdeps, client, shipments = world
    ids = add(deps, "101", "102")
    parcel = fulfil.merge(fdeps, ids, "user:ops")
    first, second = service.issue(deps, ids)
    assert first.waybill == second.waybill and first.waybill.order_ids == tuple(ids)
    assert client.requests[-1].order_nos == ("101", "102") and len(client.requests) == 1
    assert fdeps.fulfilments.get(parcel.fulfilment_id).state is FulfilmentState.WAYBILL
    ship(deps, first.waybill.waybill_id)
    assert sorted((s.order_id, s.tracking_no) for s in shipments.rows.values()) == [
        (i, first.waybill.waybill_no) for i in ids]
    assert fdeps.fulfilments.get(parcel.fulfilment_id).state is FulfilmentState.SHIPPED


def test_given_a_parcel_with_a_waybill_when_unmerged_then_refused_until_the_waybill_is_cancelled(world):
    deps, fdeps, _, _ = world
    ids = add(deps, "111", "112")
    parcel = fulfil.merge(fdeps, ids, "user:ops")
    [outcome] = service.issue_parcels(deps, [parcel.fulfilment_id])
    with pytest.raises(Exception) as err:
        fulfil.unmerge(fdeps, parcel.fulfilment_id, "user:ops")
    assert getattr(err.value, "reason", "") == "fulfilment.has_waybill"
    assert service.cancel(deps, outcome.waybill.waybill_id).status is WaybillStatus.CANCELLED
    assert fulfil.unmerge(fdeps, parcel.fulfilment_id, "user:ops").state is FulfilmentState.DISSOLVED


def test_given_a_split_order_when_issued_then_each_part_has_its_own_number_and_ships_its_lines(world):
    deps, fdeps, client, shipments = world
    lines = (CanonicalLine("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, 0),
             CanonicalLine("b", "s2", "p2", "MC-B", "帽子", "黑", 1, 990, 990, 0))
    [order_id] = add(deps, "201", lines=lines)
    parts = splits.split_by_hand(fdeps, order_id, [[("a", 2)], [("b", 1)]], "user:ops")
    outcomes = service.issue_parcels(deps, [p.fulfilment_id for p in parts])
    assert len({o.waybill.waybill_no for o in outcomes}) == 2
    assert [r.items for r in client.requests] == [(("T恤", 2),), (("帽子", 1),)]
    for outcome in outcomes:
        ship(deps, outcome.waybill.waybill_id)
    shipped = sorted((s.tracking_no, tuple((x.line_id, x.quantity) for x in s.lines)) for s in shipments.rows.values())
    assert [lines for _, lines in shipped] == [(("a", 2),), (("b", 1),)]


def test_given_a_split_order_when_issued_by_order_then_each_part_gets_its_waybill(world):
    deps, fdeps, _, _ = world
    lines = (CanonicalLine("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, 0),)
    [order_id] = add(deps, "301", lines=lines)
    parts = splits.split_by_hand(fdeps, order_id, [[("a", 1)], [("a", 1)]], "user:ops")
    [outcome] = service.issue(deps, [order_id])
    assert outcome.ok
    assert {fdeps.fulfilments.get(p.fulfilment_id).state for p in parts} == {FulfilmentState.WAYBILL}
    assert len({w.waybill_no for w in deps.waybills.for_order(order_id)}) == 2


def test_given_one_part_shipped_when_the_order_is_issued_again_then_the_other_part_gets_its_waybill(world):
    deps, fdeps, _, _ = world
    lines = (CanonicalLine("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, 0),)
    [order_id] = add(deps, "401", lines=lines)
    first, second = splits.split_by_hand(fdeps, order_id, [[("a", 1)], [("a", 1)]], "user:ops")
    [done] = service.issue_parcels(deps, [first.fulfilment_id])
    ship(deps, done.waybill.waybill_id)
    [outcome] = service.issue(deps, [order_id])
    assert outcome.ok, outcome.error
    assert fdeps.fulfilments.get(second.fulfilment_id).state is FulfilmentState.WAYBILL
    assert service.issue_parcels(deps, [first.fulfilment_id])[0].waybill.waybill_id == done.waybill.waybill_id


def test_given_a_merged_parcel_whose_member_waits_for_its_presale_when_issued_then_refused_naming_the_hold(world):
    deps, fdeps, client, _ = world
    ids = add(deps, "121", "122")
    parcel = fulfil.merge(fdeps, ids, "user:ops")
    member = deps.orders.get(ids[1])
    deps.orders.save(member.hold(HoldReason.PRESALE_WAITING), member.revision)
    [outcome] = service.issue_parcels(deps, [parcel.fulfilment_id])
    assert outcome.error is not None and outcome.error.reason == "waybill.order_held"
    assert outcome.error.holds == ("presale_waiting",) and not client.requests


def test_given_a_split_order_when_one_parts_waybill_is_cancelled_then_the_order_keeps_the_others(world):
    deps, fdeps, _, _ = world
    lines = (CanonicalLine("a", "s1", "p1", "MC-A", "T恤", "白", 2, 1990, 3980, 0),)
    [order_id] = add(deps, "501", lines=lines)
    parts = splits.split_by_hand(fdeps, order_id, [[("a", 1)], [("a", 1)]], "user:ops")
    first, second = service.issue_parcels(deps, [p.fulfilment_id for p in parts])
    assert deps.orders.get(order_id).waybill.waybill_id == second.waybill.waybill_id
    service.cancel(deps, first.waybill.waybill_id)
    assert deps.orders.get(order_id).waybill.waybill_id == second.waybill.waybill_id
    service.cancel(deps, second.waybill.waybill_id)
    assert deps.orders.get(order_id).waybill is None
