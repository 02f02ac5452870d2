"""The stock reconcile against the Taobao sandbox's live stock: a SKU is pushed, then the seller changes its
stock in the platform's back office (injected in the sandbox). The last push still says all is well; the
reconcile reads the platform's own catalog (taobao.items.onsale.get), reports the difference with the
platform's figure, marks it due, and the next push puts the right figure back."""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services.platform_types import ShopCredentials
from chalicelib.services.stock_adjust import set_absolute_stock
from chalicelib.services.stock_ports import StockSyncSettings
from chalicelib.services.stock_reconcile import reconcile
from chalicelib.services.stock_sync import push_stock
from local.sandbox.core import SandboxServer
from tests.contract.platform_suite import fast_transport
from tests.erp_kit import moto_world

pytestmark = pytest.mark.e2e


class Shops:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def syncing(self) -> list[Shop]:
        return [self.shop]


class Reports:
    def save_report(self, report: Any) -> None:
        self.last = report


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w:
        sandbox = importlib.import_module("local.sandbox.taobao").create_sandbox(seed=73)
        server = SandboxServer(sandbox).start()
        seller = sandbox.add_shop()
        from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
        from chalicelib.storage.shops import DynamoShopRepository
        shops = DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))
        shop = Shop(shop_id="STB", name="淘宝店", platform=Platform.TAOBAO, seller_id=seller.seller_id,
                    app_key=seller.app_key, base_url=server.url)
        shops.add(shop)
        creds = ShopCredentials(platform=Platform.TAOBAO, app_key=seller.app_key, app_secret=seller.app_secret,
                                access_token=seller.access_token, refresh_token=seller.refresh_token,
                                seller_id=seller.seller_id, base_url=server.url, extra=dict(seller.extra))

        def client_for(_: Shop) -> Any:
            return importlib.import_module("chalicelib.platforms.taobao.client").create_client(creds, fast_transport())
        try:
            with bootstrap.override(shops=shops, clients=client_for):
                yield {**w, "sandbox": sandbox, "seller": seller, "shop": shop, "client_for": client_for}
        finally:
            server.stop()


def _back_office_change(sandbox: Any, seller_id: str, sku_id: str, quantity: int) -> None:
    """The seller edits the stock on the platform's own site: nothing of the OMS is told."""
    for item in sandbox.store.seller(seller_id).items.values():
        for sku in item.skus:
            if str(sku.sku_id) == sku_id:
                sku.quantity = quantity


def test_GIVEN_stock_changed_in_the_platforms_back_office_WHEN_reconciled_THEN_the_live_difference_is_reported(
        world: dict[str, Any]) -> None:
    shop, client = world["shop"], world["client_for"](None)
    product = next(iter(client.list_products()))
    sku = product.skus[0]
    bootstrap.shop_skus().add(ShopSku("STB", Platform.TAOBAO, sku.platform_sku_id, product.platform_product_id,
                                      sku.merchant_code, sku.title, links=(SkuLink("ERP-CUP"),)))
    set_absolute_stock(bootstrap.stock(), "ERP-CUP", 20, "erp:test", "init", bootstrap.clock().now())
    bootstrap.stock_sync().save_settings("STB", StockSyncSettings(), 0)
    pushed = push_stock(bootstrap.stock(), bootstrap.shop_skus(), bootstrap.stock_sync(), bootstrap.clock(), shop,
                        client, sku.platform_sku_id)
    assert pushed is not None and pushed.ok and world["sandbox"].truth_stock(world["seller"].seller_id)[
        sku.platform_sku_id] == 20

    def run() -> Any:
        reports = Reports()
        return reconcile(Shops(shop), bootstrap.shop_skus(), bootstrap.stock(), bootstrap.stock_sync(),
                         lambda _: ("default",), reports, bootstrap.clock().now,
                         platform_stock=bootstrap.platform_stock)
    assert run().difference_count == 0
    _back_office_change(world["sandbox"], world["seller"].seller_id, sku.platform_sku_id, 3)
    report = run()
    assert [(d.platform_sku_id, d.expected, d.pushed, d.platform, d.live) for d in report.differences] == [
        (sku.platform_sku_id, 20, 20, 3, True)]
    assert report.unread_shops == ()
    push_stock(bootstrap.stock(), bootstrap.shop_skus(), bootstrap.stock_sync(), bootstrap.clock(), shop, client,
               sku.platform_sku_id)
    assert run().difference_count == 0
