"""Carrier routing against the Taobao sandbox (Cainiao branches with their real balances): an order of the
rule's region takes the rule's account; a branch with no balance left (YUNDA, 0 at pull time) hands the parcel
to the rule's fallback before any call; a branch that ran out after the last pull (ZTO, refused by the
platform with isv.waybill-quantity-not-enough) hands it to the fallback after the refusal. The sandbox holds
each number under the carrier the OMS says."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import OrderStatus
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybills as service
from chalicelib.services.fulfilment import Planner
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.shop_admin import AppMode, add_shop
from local.sandbox.core import SandboxServer
from local.sandbox.taobao import create_sandbox
from tests import fakes
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, fast_transport
from tests.fulfil_kit import cache_with, carrier_rule
from tests.waybill_fakes import InMemoryWaybillAccountRepository, InMemoryWaybillRepository, links_for


def sandbox_client(shop: Any) -> Any:
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


@pytest.fixture
def taobao() -> Iterator[dict[str, Any]]:
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))
    bootstrap.reset()
    sandbox = create_sandbox(seed=25)
    server = SandboxServer(sandbox).start()
    try:
        with bootstrap.override(shops=fakes.InMemoryShopRepository(), orders=fakes.InMemoryOrderRepository(),
                                shipments=fakes.InMemoryShipmentRepository(), publisher=fakes.RecordingPublisher(),
                                waybill_accounts=InMemoryWaybillAccountRepository(),
                                waybills=InMemoryWaybillRepository(), clock=clock, clients=sandbox_client,
                                warehouses=fakes.InMemoryWarehouseRepository()):
            sb = sandbox.add_shop()
            shop = add_shop(bootstrap.shops(), bootstrap.platforms(), name="沙箱店", platform=Platform.TAOBAO,
                            mode=AppMode.SELF_BUILT, app_key=sb.app_key, app_secret=sb.app_secret,
                            seller_id=sb.seller_id, access_token=sb.access_token, refresh_token=sb.refresh_token,
                            extra=dict(sb.extra), base_url=server.url)
            deps = bootstrap.waybill_deps()
            accounts, _, _ = accounts_service.pull_accounts(deps, shop.shop_id)
            yield {"sandbox": sandbox, "shop": shop, "deps": deps,
                   "accounts": {a.carrier_code: a for a in accounts}, "seller": sandbox.store.seller(sb.seller_id)}
    finally:
        server.stop()
        bootstrap.reset()


def planned_orders(w: dict[str, Any], rule: dict[str, Any], wanted: int) -> list[str]:
    """Sandbox orders read through the client, planned by the consumer's planner with the rule for their
    province, and stored as the pipeline would."""
    client, shop = sandbox_client(w["shop"]), w["shop"]
    found: list[str] = []
    while len(found) < wanted:
        for order_no in w["sandbox"].generate_orders(shop.seller_id, 30, WINDOW_START, WINDOW_END):
            canonical = client.get_order(order_no)
            if canonical.status is not OrderStatus.AWAITING_SHIPMENT or canonical.receiver is None:
                continue
            if len(found) < wanted:
                apply_snapshot(bootstrap.orders(), bootstrap.clock(), shop.shop_id, canonical, links_for(canonical))
                found.append(f"{shop.shop_id}-{order_no}")
    orders = bootstrap.orders()
    for order_id in found:
        order = orders.get(order_id)
        cache, _, _ = cache_with({"carrier": [{**rule, "regions": [order.receiver.province]}]})
        orders.save(Planner(cache, bootstrap.clock())(order), order.revision)
    return found


def test_GIVEN_a_region_rule_THEN_its_account_and_without_balance_its_fallback_take_the_parcels(taobao) -> None:
    accounts, deps = taobao["accounts"], taobao["deps"]
    assert accounts["YUNDA"].remaining == 0 and accounts["ZTO"].remaining > 0 and accounts["SF"].remaining == -1

    routed = planned_orders(taobao, carrier_rule(account_id=accounts["ZTO"].account_id, carrier_code="ZTO",
                                                 fallback_account_id=accounts["SF"].account_id), 1)
    [outcome] = service.issue(deps, routed)
    assert outcome.waybill.carrier_code == "ZTO" and outcome.waybill.account_reason == "carrier rule c1"

    empty = planned_orders(taobao, carrier_rule(account_id=accounts["YUNDA"].account_id, carrier_code="YUNDA",
                                                fallback_account_id=accounts["ZTO"].account_id), 1)
    [outcome] = service.issue(deps, empty)
    assert outcome.waybill.carrier_code == "ZTO"
    assert "has no waybill balance" in outcome.waybill.account_reason
    assert any("fallback" in h.summary for h in bootstrap.orders().get(empty[0]).history)

    zto = next(b for b in taobao["seller"].branches if b.cp_code == "ZTO")
    zto.quantity = 0                                  # ran out since the pull: the OMS still counts 499
    stale = planned_orders(taobao, carrier_rule(account_id=accounts["ZTO"].account_id, carrier_code="ZTO",
                                                fallback_account_id=accounts["SF"].account_id), 1)
    [outcome] = service.issue(deps, stale)
    assert outcome.error is None and outcome.waybill.carrier_code == "SF"
    assert "refused account" in outcome.waybill.account_reason
    held = taobao["sandbox"].truth_waybills(taobao["shop"].seller_id)
    assert held[outcome.waybill.waybill_no] == (stale[0].split("-", 1)[1],)
