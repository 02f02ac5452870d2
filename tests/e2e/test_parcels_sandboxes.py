"""Merge (合单) and split (拆单) end to end against the PDD sandbox: two orders of one buyer merged into one
fulfilment take one waybill and both ship back on the platform with its number; a refund on one member,
seen through the orders consumer's path, splits it out; an order split by stock across two warehouses
ships twice, the platform told as its partial-shipment rule says (PDD: at the last parcel, every number)."""
from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.fulfilments import FulfilmentState
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import OrderStatus
from chalicelib.services import fulfilment_splits as splits
from chalicelib.services import fulfilments as fulfil
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybills as service
from chalicelib.services.action_handlers import run_action
from chalicelib.services.actions import decode
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.order_ingest import ingest_order
from chalicelib.services.shop_admin import AppMode, add_shop
from chalicelib.workers.batch_reads import BatchReads
from local.sandbox.core import SandboxServer
from tests import fakes
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, fast_transport
from tests.fulfil_kit import InMemoryFulfilments
from tests.waybill_fakes import InMemoryWaybillAccountRepository, InMemoryWaybillRepository, NoDropshipShops, links_for


def sandbox_client(shop: Any) -> Any:
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


@pytest.fixture
def pdd() -> Iterator[dict[str, Any]]:
    yield from _world("pdd")


@pytest.fixture(params=["pdd"])
def splitting(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    yield from _world(request.param)


def _world(platform: str) -> Iterator[dict[str, Any]]:
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))
    store = InMemoryFulfilments()
    bootstrap.reset()
    with bootstrap.override(shops=fakes.InMemoryShopRepository(), orders=fakes.InMemoryOrderRepository(),
                            shipments=fakes.InMemoryShipmentRepository(), publisher=fakes.RecordingPublisher(),
                            waybill_accounts=InMemoryWaybillAccountRepository(),
                            waybills=InMemoryWaybillRepository(), clock=clock, clients=sandbox_client,
                            warehouses=fakes.InMemoryWarehouseRepository(), fulfilments=store,
                            fulfil_settings=store, stock=fakes.InMemoryStockLedger(),
                            after_sales=fakes.InMemoryAfterSaleRepository(), shop_skus=fakes.InMemoryShopSkuRepository(),
                            erp_skus=fakes.InMemoryErpSkuRepository(), dropship_auto=NoDropshipShops()):
        sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=73)
        server = SandboxServer(sandbox).start()
        try:
            sb = sandbox.add_shop()
            shop = add_shop(bootstrap.shops(), bootstrap.platforms(), name="沙箱店", platform=Platform(platform),
                            mode=AppMode.SELF_BUILT, app_key=sb.app_key, app_secret=sb.app_secret,
                            seller_id=sb.seller_id, access_token=sb.access_token, refresh_token=sb.refresh_token,
                            extra=dict(sb.extra), base_url=server.url)
            deps = bootstrap.waybill_deps()
            accounts, _, _ = accounts_service.pull_accounts(deps, shop.shop_id)
            usable = next(a for a in accounts if a.remaining != 0)
            accounts_service.set_default_account(deps, shop.shop_id, usable.account_id, sender_name="王仓管",
                                                 sender_phone="13800001111")
            yield {"platform": platform, "sandbox": sandbox, "sb": sb, "shop": shop, "client": bootstrap.clients()(shop), "deps": deps,
                   "store": store, "ledger": bootstrap.stock()}
        finally:
            server.stop()
    bootstrap.reset()


def awaiting(w: dict[str, Any], wanted: int, lines: int = 1) -> list[str]:
    found: list[str] = []
    for _ in range(20):                  # bounded: a sandbox that never makes such an order fails, not hangs
        if len(found) >= wanted:
            break
        for order_no in w["sandbox"].generate_orders(w["sb"].seller_id, 40, WINDOW_START, WINDOW_END):
            order = w["client"].get_order(order_no)
            if (order.status is OrderStatus.AWAITING_SHIPMENT and order.receiver is not None
                    and len(order.lines) >= lines and len(found) < wanted):
                apply_snapshot(bootstrap.orders(), bootstrap.clock(), w["shop"].shop_id, order, links_for(order))
                found.append(f"{w['shop'].shop_id}-{order_no}")
    assert len(found) >= wanted, f"the sandbox made no {wanted} orders awaiting shipment with {lines}+ lines"
    return found


def same_buyer(first: str, second: str) -> None:
    """The sandbox makes every order a new buyer: the second becomes a repeat order of the first's buyer."""
    orders = bootstrap.orders()
    a, b = orders.get(first), orders.get(second)
    orders.save(replace(b, receiver=a.receiver, buyer_id=a.buyer_id), b.revision)


def deliver_ship_backs(w: dict[str, Any]) -> int:
    publisher = bootstrap.publisher()
    sent = [body for queue, body, _, _ in publisher.sent if queue == "platform_actions"]
    publisher.sent.clear()
    for body in sent:
        run_action(replace(bootstrap.action_deps(), clients=lambda _shop: w["client"]), decode(body))
    return len(sent)


def print_and_ship(deps: Any, waybill_ids: list[str]) -> None:
    assert all(o.ok for o in service.mark_printed(deps, waybill_ids))
    assert all(o.ok for o in service.ship(deps, waybill_ids, "user:e2e"))


def test_given_two_pdd_orders_of_one_buyer_when_merged_then_one_waybill_and_both_ship_back(pdd):
    first, second = awaiting(pdd, 2)
    same_buyer(first, second)
    parcel = fulfil.merge(bootstrap.fulfil_deps(), [first, second], "user:e2e")
    outcomes = service.issue(pdd["deps"], [first, second])
    assert all(o.ok for o in outcomes) and outcomes[0].waybill == outcomes[1].waybill
    waybill = outcomes[0].waybill
    assert set(pdd["sandbox"].truth_waybills(pdd["sb"].seller_id)[waybill.waybill_no]) == set(waybill.order_nos)
    print_and_ship(pdd["deps"], [waybill.waybill_id])
    assert deliver_ship_backs(pdd) == 2
    truth = pdd["sandbox"].truth_orders(pdd["sb"].seller_id)
    assert [truth[no].tracking_no for no in waybill.order_nos] == [waybill.waybill_no] * 2
    assert pdd["store"].get(parcel.fulfilment_id).state is FulfilmentState.SHIPPED


def test_given_a_merged_pair_when_the_buyer_asks_a_refund_on_one_then_it_is_split_out(pdd):
    first, second = awaiting(pdd, 2)
    same_buyer(first, second)
    parcel = fulfil.merge(bootstrap.fulfil_deps(), [first, second], "user:e2e")
    order_no = bootstrap.orders().get(second).order_no
    pdd["sandbox"].request_after_sale(pdd["sb"].seller_id, order_no, "refund_only")
    snapshot = pdd["client"].get_order(order_no)
    snapshot = replace(snapshot, version=snapshot.version + 1, modified_at=snapshot.modified_at + timedelta(seconds=1))
    ingest_order(bootstrap.ingest_deps(BatchReads(), noting=True), pdd["shop"].shop_id, order_no, snapshot)
    assert pdd["store"].get(parcel.fulfilment_id).state is FulfilmentState.DISSOLVED
    assert bootstrap.orders().get(first).fulfilment_ids == () == bootstrap.orders().get(second).fulfilment_ids
    [alone] = service.issue(pdd["deps"], [first])
    assert alone.ok and alone.waybill.order_ids == (first,)


def test_given_an_order_split_by_stock_across_two_warehouses_then_it_ships_twice(splitting):
    [order_id] = awaiting(splitting, 1, lines=2)
    order = bootstrap.orders().get(order_id)
    linked = tuple(replace(line, links=(SkuLink(f"SKU-{i}"),)) for i, line in enumerate(order.lines))
    bootstrap.orders().save(replace(order, lines=linked), order.revision)
    ledger = splitting["ledger"]
    for i, line in enumerate(linked):                 # the first line's goods in WH1, every other line's in WH2
        ledger.counters[(f"SKU-{i}", "WH1" if i == 0 else "WH2")] = [line.quantity, 0, line.quantity, 0, 1]
    deps = replace(bootstrap.fulfil_deps(), warehouses_of=lambda _shop: ["WH1", "WH2"])
    parts = splits.split_auto(deps, order_id, "stock", "user:e2e")
    assert [p.warehouse_id for p in parts] == ["WH1", "WH2"]
    outcomes = service.issue_parcels(splitting["deps"], [p.fulfilment_id for p in parts])
    numbers = [o.waybill.waybill_no for o in outcomes]
    assert all(o.ok for o in outcomes) and len(set(numbers)) == 2
    print_and_ship(splitting["deps"], [outcomes[0].waybill.waybill_id])
    deliver_ship_backs(splitting)
    told = splitting["sandbox"].truth_orders(splitting["sb"].seller_id)[order.order_no].tracking_no
    if splitting["platform"] == "pdd":      # whole orders only: the platform hears nothing until the last parcel
        assert not told
    else:                                   # Kuaishou takes lines and units per parcel: told at once
        assert told == numbers[0]
    print_and_ship(splitting["deps"], [outcomes[1].waybill.waybill_id])
    deliver_ship_backs(splitting)
    shipments = bootstrap.shipments().for_order(order_id)
    assert sorted(s.tracking_no for s in shipments) == sorted(numbers)
    truth = splitting["sandbox"].truth_orders(splitting["sb"].seller_id)[order.order_no]
    assert truth.tracking_no in numbers and bootstrap.orders().get(order_id).status is OrderStatus.SHIPPED
    # each parcel's goods left the warehouse its part reserved them in: nothing short, nothing elsewhere
    assert not ledger.discrepancy_rows
    assert all(ledger.counters[(f"SKU-{i}", "WH1" if i == 0 else "WH2")][:2] == [0, 0] for i in range(len(linked)))
