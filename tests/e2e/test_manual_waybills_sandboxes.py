"""Waybills for manual orders (手工订单, #22 item 3) against the platforms' sandboxes: Cainiao (Taobao) and PDD
take an order of another channel with its receiver in plaintext and number it; the others take only their own
orders, and the OMS refuses before calling them. Each sandbox refuses what its platform refuses: Cainiao a
Taobao order without its oaid, PDD a PDD order whose receiver is not its ciphertext."""
from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import Receiver
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services import waybill_accounts as accounts_service
from chalicelib.services import waybills as service
from chalicelib.services.platform_errors import PlatformError
from chalicelib.services.shop_admin import AppMode, add_shop
from chalicelib.services.waybills import platform_account
from local.sandbox.core import SandboxServer
from tests import fakes
from tests.contract.platform_suite import fast_transport
from tests.factories import make_order
from tests.waybill_fakes import InMemoryWaybillAccountRepository, InMemoryWaybillRepository

PLAIN = {"name": "王小明", "phone": "13912345678", "address": "文三路 90 号 3 幢 201"}
TAKE_OTHER_CHANNELS = ["taobao", "pdd"]
OWN_ORDERS_ONLY = ["jd", "douyin", "wechat", "kuaishou", "xhs"]


def sandbox_client(shop: Any) -> Any:
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


@pytest.fixture
def world() -> Iterator[None]:
    bootstrap.reset()
    with bootstrap.override(shops=fakes.InMemoryShopRepository(), orders=fakes.InMemoryOrderRepository(),
                            shipments=fakes.InMemoryShipmentRepository(), publisher=fakes.RecordingPublisher(),
                            waybill_accounts=InMemoryWaybillAccountRepository(), waybills=InMemoryWaybillRepository(),
                            clock=fakes.FixedClock(datetime.now(UTC).replace(microsecond=0)), clients=sandbox_client,
                            warehouses=fakes.InMemoryWarehouseRepository(), stock=fakes.InMemoryStockLedger()):
        yield
    bootstrap.reset()


def platform_shop(platform: str) -> tuple[Any, Any, Any, Shop]:
    sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=71)
    server = SandboxServer(sandbox).start()
    sb = sandbox.add_shop()
    shop = add_shop(bootstrap.shops(), bootstrap.platforms(), name="面单店", platform=Platform(platform),
                    mode=AppMode.SELF_BUILT, app_key=sb.app_key, app_secret=sb.app_secret, seller_id=sb.seller_id,
                    access_token=sb.access_token, refresh_token=sb.refresh_token, extra=dict(sb.extra),
                    base_url=server.url)
    deps = bootstrap.waybill_deps()
    accounts, _, _ = accounts_service.pull_accounts(deps, shop.shop_id)
    usable = next(a for a in accounts if a.remaining != 0)
    accounts_service.set_default_account(deps, shop.shop_id, usable.account_id, sender_name="王仓管",
                                         sender_phone="13800001111")
    return sandbox, server, sb, shop


def manual_order() -> str:
    receiver = Receiver("王*", "139****5678", "浙江省", "杭州市", "西湖区", "文三路***", encrypted=json.dumps(PLAIN))
    order = make_order(7001, shop="OFF1", platform=Platform.OFFLINE, platform_status="MANUAL", receiver=receiver)
    bootstrap.orders().add(order)
    return order.order_id


def deps_with_plaintext() -> Any:
    """The envelope stand-in: the blob is the JSON the seller typed (the real one is sealed with KMS)."""
    return replace(bootstrap.waybill_deps(), decrypt=lambda blob, _context: json.loads(blob))


@pytest.mark.parametrize("platform", TAKE_OTHER_CHANNELS)
def test_GIVEN_a_manual_order_WHEN_a_platform_shop_account_that_takes_other_channels_numbers_it_THEN_issued_and_shipped(
        world: None, platform: str) -> None:
    sandbox, server, sb, shop = platform_shop(platform)
    try:
        order_id = manual_order()
        deps = deps_with_plaintext()
        [outcome] = service.issue(deps, [order_id], account_shop_id=shop.shop_id)
        assert outcome.ok, outcome.error
        waybill = outcome.waybill
        assert waybill is not None and waybill.shop_id == shop.shop_id and waybill.order_ids == (order_id,)
        truth = sandbox.truth_waybills(sb.seller_id)
        assert waybill.waybill_no in set(truth) | {no for nos in truth.values() for no in nos}
        assert bootstrap.orders().get(order_id).waybill.waybill_no == waybill.waybill_no
        service.mark_printed(deps, [waybill.waybill_id])
        [shipped] = service.ship(deps, [waybill.waybill_id], "user:e2e")
        assert shipped.ok, shipped.error
        [again] = service.issue(deps, [order_id], account_shop_id=shop.shop_id)
        assert again.waybill is not None and again.waybill.waybill_id == waybill.waybill_id
    finally:
        server.stop()


@pytest.mark.parametrize("platform", OWN_ORDERS_ONLY)
def test_GIVEN_a_manual_order_WHEN_an_account_of_a_platform_taking_only_its_own_orders_THEN_refused_before_calling_it(
        world: None, platform: str) -> None:
    sandbox, server, sb, shop = platform_shop(platform)
    try:
        order_id = manual_order()
        [outcome] = service.issue(deps_with_plaintext(), [order_id], account_shop_id=shop.shop_id)
        assert isinstance(outcome.error, ValidationError) and outcome.error.reason == "waybill.own_orders_only"
        assert not sandbox.truth_waybills(sb.seller_id)
        [unnamed] = service.issue(deps_with_plaintext(), [order_id])
        assert isinstance(unnamed.error, ValidationError) and unnamed.error.reason == "waybill.manual_needs_account"
    finally:
        server.stop()


@pytest.mark.parametrize("platform", TAKE_OTHER_CHANNELS)
def test_GIVEN_a_plaintext_receiver_WHEN_asked_as_the_platforms_own_order_THEN_the_sandbox_refuses_it(
        world: None, platform: str) -> None:
    _, server, _, shop = platform_shop(platform)
    try:
        deps = bootstrap.waybill_deps()
        account = deps.accounts.get(shop.shop_id, deps.accounts.default_id(shop.shop_id))
        request = service.WaybillRequest(
            account=platform_account(account), order_nos=("7001",), items=(("T恤", 1),),
            receiver=service.CanonicalReceiver(PLAIN["name"], PLAIN["phone"], "浙江省", "杭州市", "西湖区",
                                               PLAIN["address"]),
            template_url=service.standard_template(deps, platform).format(code=account.carrier_code),
            sender_name="王仓管", sender_phone="13800001111")
        with pytest.raises(PlatformError):
            sandbox_client(shop).get_waybill(request)        # its own channel, no oaid / no ciphertext
        assert sandbox_client(shop).get_waybill(replace(request, channel="OTHERS", plaintext=PLAIN)).waybill_no
    finally:
        server.stop()
