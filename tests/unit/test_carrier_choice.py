"""The waybill batch takes the account the plan chose (fakes): its fallback when the planned account has no
waybill balance, the operator's override until the waybill is taken, and says why on the waybill and in the
order's history."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.platforms import registry
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybills as service
from chalicelib.services.carrier_choice import override_account
from chalicelib.services.fulfilment import Planner
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.waybills import WaybillDeps
from tests import fakes
from tests.factories import canonical_order
from tests.fulfil_kit import cache_with, carrier_rule
from tests.waybill_fakes import LINKED, FakeWaybillClient, InMemoryWaybillAccountRepository, InMemoryWaybillRepository

RULE = carrier_rule(regions=["浙江省"], account_id="ZTO-310000", carrier_code="ZTO", fallback_account_id="SF-0",
                    fallback_carrier_code="SF")


@pytest.fixture
def world() -> tuple[WaybillDeps, FakeWaybillClient]:
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    clock = fakes.FixedClock(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    client = FakeWaybillClient()
    deps = WaybillDeps(orders=orders, shops=shops, platforms=registry, accounts=InMemoryWaybillAccountRepository(),
                       waybills=InMemoryWaybillRepository(), clients=lambda shop: client, clock=clock,
                       shipments=ShipmentDeps(orders, fakes.InMemoryShipmentRepository(), publisher, clock))
    accounts_service.pull_accounts(deps, "shopA")
    return deps, client


def planned_order(deps: WaybillDeps, number: str) -> str:
    cache, _, _ = cache_with({"carrier": [RULE]})
    apply_snapshot(deps.orders, deps.clock, "shopA", canonical_order(number), LINKED)
    order = deps.orders.get(f"shopA-{number}")
    deps.orders.save(Planner(cache, deps.clock)(order), order.revision)
    return order.order_id


def test_GIVEN_a_region_rule_THEN_the_waybill_uses_its_account_and_says_why(world) -> None:
    deps, _ = world
    order_id = planned_order(deps, "9001")
    [outcome] = service.issue(deps, [order_id])
    assert outcome.waybill.account_id == "ZTO-310000"
    assert outcome.waybill.account_reason == "carrier rule c1"


def test_GIVEN_the_planned_account_without_balance_THEN_the_fallback_takes_the_parcel(world) -> None:
    deps, client = world
    client.accounts[0] = replace(client.accounts[0], remaining=0)
    accounts_service.pull_accounts(deps, "shopA")
    order_id = planned_order(deps, "9002")
    [outcome] = service.issue(deps, [order_id])
    assert outcome.waybill.account_id == "SF-0"
    assert "no waybill balance" in outcome.waybill.account_reason
    assert any("SF-0" in h.summary and "fallback" in h.summary for h in deps.orders.get(order_id).history)


def test_GIVEN_an_override_THEN_it_wins_until_the_waybill_is_taken(world) -> None:
    deps, _ = world
    order_id = planned_order(deps, "9003")
    with pytest.raises(ValidationError):
        override_account(deps, order_id, "NOPE", "user:ops")
    override_account(deps, order_id, "SF-0", "user:ops")
    [outcome] = service.issue(deps, [order_id])
    assert (outcome.waybill.account_id, outcome.waybill.account_reason) == ("SF-0", "the operator's choice")
    with pytest.raises(InvalidTransitionError):
        override_account(deps, order_id, "ZTO-310000", "user:ops")
