"""Waybill use cases on fakes: batches, merged parcels, print status, ship, cancel, tracking."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.order_query import OrderQuery, PrintState
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason, OrderStatus, ReviewState
from chalicelib.domain.waybills import OrderHeldError, WaybillStatus
from chalicelib.platforms import registry
from chalicelib.printing import waybill_print
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybill_tracking
from chalicelib.services import waybills as service
from chalicelib.services.carriers import our_carrier
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import Tracking, TrackingEvent
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.waybills import WaybillDeps
from tests import fakes
from tests.factories import canonical_order
from tests.waybill_fakes import LINKED, FakeWaybillClient, InMemoryWaybillAccountRepository, InMemoryWaybillRepository


@pytest.fixture
def world() -> tuple[WaybillDeps, FakeWaybillClient, fakes.RecordingPublisher]:
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    clock = fakes.FixedClock(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    client = FakeWaybillClient()
    deps = WaybillDeps(orders=orders, shops=shops, platforms=registry, accounts=InMemoryWaybillAccountRepository(),
                       waybills=InMemoryWaybillRepository(), clients=lambda shop: client, clock=clock,
                       shipments=ShipmentDeps(orders, fakes.InMemoryShipmentRepository(), publisher, clock))
    return deps, client, publisher


def add_orders(deps: WaybillDeps, *numbers: str, **kw: object) -> list[str]:
    for number in numbers:
        apply_snapshot(deps.orders, deps.clock, "shopA", canonical_order(number, **kw), LINKED)
    return [f"shopA-{n}" for n in numbers]


def ready(deps: WaybillDeps) -> None:
    accounts_service.pull_accounts(deps, "shopA")
    accounts_service.set_default_account(deps, "shopA", "ZTO-310000")


def test_GIVEN_accounts_pulled_twice_THEN_upserted_not_duplicated(world) -> None:
    deps, client, _ = world
    _, added, updated = accounts_service.pull_accounts(deps, "shopA")
    client.accounts[0] = replace(client.accounts[0], remaining=499)
    accounts, added2, updated2 = accounts_service.pull_accounts(deps, "shopA")
    assert (added, updated, added2, updated2) == (2, 0, 0, 2)
    assert {a.account_id: a.remaining for a in accounts} == {"SF-0": -1, "ZTO-310000": 499}


def test_GIVEN_no_default_account_WHEN_issuing_THEN_each_order_says_so(world) -> None:
    deps, _, _ = world
    accounts_service.pull_accounts(deps, "shopA")
    [outcome] = service.issue(deps, add_orders(deps, "1"))
    assert isinstance(outcome.error, ValidationError) and "default" in str(outcome.error)


def test_GIVEN_a_batch_of_50_with_one_refused_WHEN_issuing_THEN_49_numbers_and_one_error_in_order(world) -> None:
    deps, client, _ = world
    ready(deps)
    ids = add_orders(deps, *(str(9000 + n) for n in range(50)))
    client.refuse = {"9017"}
    outcomes = service.issue(deps, ids)
    assert [o.key for o in outcomes] == ids
    assert sum(o.ok for o in outcomes) == 49 and not outcomes[17].ok
    assert outcomes[17].error is not None and "decrypted" in str(outcomes[17].error)
    assert dict(client.requests[0].receiver.ciphertext) == {"oaid": "fake-oaid"}


def test_GIVEN_an_order_with_a_waybill_WHEN_issued_again_THEN_the_same_waybill(world) -> None:
    deps, client, _ = world
    ready(deps)
    ids = add_orders(deps, "1")
    first = service.issue(deps, ids)[0].waybill
    again = service.issue(deps, ids)[0].waybill
    assert first is not None and again is not None and again.waybill_id == first.waybill_id
    assert len(client.requests) == 1


def test_GIVEN_unknown_and_cancelled_orders_THEN_they_fail_alone(world) -> None:
    deps, _, _ = world
    ready(deps)
    good = add_orders(deps, "1")
    cancelled = add_orders(deps, "2", status=OrderStatus.CANCELLED)
    outcomes = service.issue(deps, [*good, "shopA-404", *cancelled])
    assert [o.ok for o in outcomes] == [True, False, False]
    assert isinstance(outcomes[2].error, InvalidTransitionError)


def test_GIVEN_an_order_held_for_a_refund_request_WHEN_issuing_THEN_refused_and_a_free_one_is_not(world) -> None:
    deps, _, _ = world
    ready(deps)
    intercepted, free = add_orders(deps, "7", "8")
    order = deps.orders.get(intercepted)
    assert order is not None
    deps.orders.save(order.hold(HoldReason.REFUND_REQUESTED), order.revision)
    outcomes = service.issue(deps, [intercepted, free])
    assert [o.ok for o in outcomes] == [False, True]
    assert "refund_requested" in str(outcomes[0].error)


@pytest.mark.parametrize("hold", [HoldReason.PRESALE_WAITING, HoldReason.UNLINKED_SKU, HoldReason.RULE_HOLD,
                                  HoldReason.MERGE_CANDIDATE, HoldReason.OUT_OF_STOCK, HoldReason.BLACKLISTED])
def test_GIVEN_an_order_with_any_hold_WHEN_issuing_in_a_batch_THEN_refused_naming_it_and_the_others_get_numbers(
        world, hold: HoldReason) -> None:
    deps, client, _ = world
    ready(deps)
    held, free = add_orders(deps, "7", "8")
    order = deps.orders.get(held)
    assert order is not None
    deps.orders.save(order.hold(hold).hold(HoldReason.BUYER_MESSAGE), order.revision)
    outcomes = service.issue(deps, [held, free])
    assert [o.ok for o in outcomes] == [False, True]
    error = outcomes[0].error
    assert isinstance(error, OrderHeldError) and error.reason == "waybill.order_held"
    assert error.holds == tuple(sorted({hold.value, "buyer_message"}))
    assert [r.order_nos for r in client.requests] == [("8",)]


def test_GIVEN_an_order_waiting_for_review_WHEN_issuing_THEN_refused_until_confirmed(world) -> None:
    deps, client, _ = world
    ready(deps)
    [order_id] = add_orders(deps, "9")
    order = deps.orders.get(order_id)
    assert order is not None
    deps.orders.save(replace(order, review=ReviewState.PENDING), order.revision)
    [refused] = service.issue(deps, [order_id])
    assert isinstance(refused.error, InvalidTransitionError) and refused.error.reason == "waybill.not_reviewed"
    assert not client.requests
    order = deps.orders.get(order_id)
    assert order is not None
    deps.orders.save(replace(order, review=ReviewState.CONFIRMED), order.revision)
    assert service.issue(deps, [order_id])[0].ok


def test_GIVEN_two_orders_of_one_buyer_WHEN_merged_THEN_one_parcel_for_both(world) -> None:
    deps, client, _ = world
    ready(deps)
    ids = add_orders(deps, "1", "2")
    other = add_orders(deps, "3", receiver=replace(canonical_order("x").receiver, ciphertext={"oaid": "other"}))
    outcomes = service.issue(deps, [*ids, *other], merge=True)
    assert outcomes[0].waybill == outcomes[1].waybill and outcomes[0].waybill != outcomes[2].waybill
    assert client.requests[0].order_nos == ("1", "2")
    assert [w.waybill_id for w in deps.waybills.for_order("shopA-2")] == [outcomes[0].waybill.waybill_id]


def test_GIVEN_a_waybill_WHEN_printed_twice_shipped_and_reprinted_THEN_counted_and_ship_back_queued(world) -> None:
    deps, _, publisher = world
    ready(deps)
    waybill = service.issue(deps, add_orders(deps, "1"))[0].waybill
    assert waybill is not None
    [not_yet] = service.ship(deps, [waybill.waybill_id], "user:ops")
    assert isinstance(not_yet.error, InvalidTransitionError)
    service.mark_printed(deps, [waybill.waybill_id])
    service.mark_printed(deps, [waybill.waybill_id])
    [shipped] = service.ship(deps, [waybill.waybill_id], "user:ops")
    [again] = service.ship(deps, [waybill.waybill_id], "user:ops")
    assert shipped.waybill is not None and again.waybill == shipped.waybill
    assert shipped.waybill.status is WaybillStatus.SHIPPED and shipped.waybill.print_count == 2
    [action] = publisher.bodies("platform_actions")
    assert action["name"] == "ship" and action["payload"]["shipment_id"] == shipped.waybill.shipment_ids[0]
    [reprint] = service.mark_printed(deps, [waybill.waybill_id])
    assert reprint.waybill is not None and reprint.waybill.status is WaybillStatus.SHIPPED
    assert reprint.waybill.print_count == 3
    with pytest.raises(InvalidTransitionError):
        service.cancel(deps, waybill.waybill_id)


def test_GIVEN_an_issued_waybill_WHEN_cancelled_THEN_the_platform_is_told_and_a_new_one_can_be_issued(world) -> None:
    deps, client, _ = world
    ready(deps)
    ids = add_orders(deps, "1")
    waybill = service.issue(deps, ids)[0].waybill
    assert waybill is not None
    cancelled = service.cancel(deps, waybill.waybill_id)
    assert cancelled.status is WaybillStatus.CANCELLED and client.cancelled == [waybill.waybill_no]
    assert service.cancel(deps, waybill.waybill_id).status is WaybillStatus.CANCELLED
    client.issued.clear()
    assert service.issue(deps, ids)[0].ok


@pytest.mark.parametrize(("platform", "code", "ours"), [
    ("douyin", "zhongtong", "ZTO"), ("xhs", "yunda", "YUNDA"), ("kuaishou", "ZTO", "ZTO"), ("jd", "ZTO", "ZTO")])
def test_GIVEN_a_platform_carrier_code_THEN_it_maps_to_our_common_code(platform: str, code: str, ours: str) -> None:
    assert our_carrier(registry, platform, code) == ours


def test_GIVEN_waybills_WHEN_a_print_job_is_built_THEN_one_cainiao_request_with_every_document(world) -> None:
    deps, _, _ = world
    ready(deps)
    ids = [o.waybill.waybill_id for o in service.issue(deps, add_orders(deps, "1", "2")) if o.waybill]
    job = waybill_print.print_job(deps, ids, "Deli DL-888D")
    assert job["component"]["name"] == "cainiao" and job["component"]["url"] == "ws://127.0.0.1:13528"
    [request] = job["requests"]
    assert request["cmd"] == "print" and len(request["task"]["documents"]) == 2
    assert job["get_printers"]["cmd"] == "getPrinters"
    json.dumps(job, ensure_ascii=False)


def shipped_waybill(deps: WaybillDeps, number: str) -> str:
    waybill = service.issue(deps, add_orders(deps, number))[0].waybill
    assert waybill is not None
    service.mark_printed(deps, [waybill.waybill_id])
    service.ship(deps, [waybill.waybill_id], "user:ops")
    return waybill.waybill_id


def test_GIVEN_shipped_waybills_WHEN_the_schedule_runs_THEN_due_ones_refresh_and_delivered_ones_leave(world) -> None:
    deps, client, _ = world
    ready(deps)
    first, second = shipped_waybill(deps, "1"), shipped_waybill(deps, "2")
    delivered_no = deps.waybills.get(second).waybill_no
    client.tracking[delivered_no] = Tracking("ZTO", delivered_no, "delivered",
                                             (TrackingEvent(deps.clock.now(), "已签收"),))
    summary = waybill_tracking.refresh_due(deps)
    assert (summary.refreshed, summary.delivered) == (1, 1)
    assert deps.waybills.get(second).next_track_at is None
    assert deps.waybills.get(first).tracking.state.value == "in_transit"
    assert waybill_tracking.refresh_due(deps).refreshed == 0           # not due again for 30 minutes
    deps.clock.advance(minutes=31)
    assert waybill_tracking.refresh_due(deps).refreshed == 1 and client.track_calls == 3


def test_GIVEN_a_client_without_tracking_WHEN_due_THEN_postponed_not_failed(world) -> None:
    deps, client, _ = world
    ready(deps)
    waybill_id = shipped_waybill(deps, "1")
    client.track = None  # type: ignore[assignment,method-assign]
    assert waybill_tracking.refresh_due(deps).unsupported == 1
    assert deps.waybills.get(waybill_id).next_track_at == deps.clock.now() + timedelta(hours=6)
    with pytest.raises(InvalidTransitionError):
        waybill_tracking.refresh_one(deps, waybill_id)


def to_print(deps: WaybillDeps, state: PrintState) -> list[str]:
    return [o.order_id for o in deps.orders.query(OrderQuery(print_state=state)).items]


def test_GIVEN_orders_WHEN_a_waybill_is_taken_and_cancelled_THEN_the_order_records_it_and_moves_between_the_lists(
        world) -> None:
    deps, _, _ = world
    ready(deps)
    first, second, held = add_orders(deps, "1", "2", "3")
    order = deps.orders.get(held)
    assert order is not None
    deps.orders.save(order.hold(HoldReason.MANUAL_HOLD), order.revision)
    assert sorted(to_print(deps, PrintState.TO_PRINT)) == [first, second]
    waybill = service.issue(deps, [first])[0].waybill
    assert waybill is not None
    mark = deps.orders.get(first).waybill
    assert mark is not None and (mark.waybill_no, mark.carrier_code, mark.account_id, mark.taken_at) == (
        waybill.waybill_no, waybill.carrier_code, "ZTO-310000", deps.clock.now())
    assert (to_print(deps, PrintState.TO_PRINT), to_print(deps, PrintState.PRINTED)) == ([second], [first])
    service.cancel(deps, waybill.waybill_id)
    assert deps.orders.get(first).waybill is None
    assert sorted(to_print(deps, PrintState.TO_PRINT)) == [first, second] and not to_print(deps, PrintState.PRINTED)


def test_GIVEN_a_waybill_whose_order_record_was_lost_WHEN_asked_again_THEN_recorded_without_a_new_number(world) -> None:
    deps, client, _ = world
    ready(deps)
    [order_id] = add_orders(deps, "1")
    waybill = service.issue(deps, [order_id])[0].waybill
    order = deps.orders.get(order_id)
    deps.orders.save(replace(order, waybill=None), order.revision)
    assert service.issue(deps, [order_id])[0].waybill == waybill
    assert deps.orders.get(order_id).waybill is not None and len(client.requests) == 1
