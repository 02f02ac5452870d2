"""Stock sync end to end against every platform's sandbox: the shop's catalog is pulled and auto-linked,
the ERP sets stock, a burst of orders reserves through the real repositories (moto), and the debounced
sweep sends through the platform-actions handler exactly one push per SKU per window. The sandbox then
holds what the shop's formula says."""
from __future__ import annotations

import importlib
import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.platform import Platform
from chalicelib.services.action_handlers import run_action
from chalicelib.services.actions import decode
from chalicelib.services.catalog import create_erp_sku, pull_catalog
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import SHANGHAI, CanonicalLine
from chalicelib.services.shop_admin import AppMode, add_shop
from chalicelib.services.stock import settle_order
from chalicelib.services.stock_adjust import set_absolute_stock
from chalicelib.services.stock_ports import StockSyncSettings
from chalicelib.services.stock_sync import push_quantity, sweep_due_pushes
from local.sandbox.core import SandboxServer
from tests import fakes
from tests.aws import aws
from tests.factories import canonical_order

PLATFORMS = ["taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs"]
SETTINGS = StockSyncSettings(ratio_percent=80, safety_stock=2, floor=3)


class CountingClient:
    def __init__(self, client: Any) -> None:
        self._client = client
        self.pushes: Counter[str] = Counter()

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        self.pushes[platform_sku_id] += 1
        self._client.update_stock(platform_sku_id, quantity, platform_product_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def unthrottled_client(shop: Any) -> Any:
    """shop_clients' client without its per-shop rate limiter: the sandbox does not need sparing."""
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    from tests.contract.platform_suite import fast_transport
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


@pytest.fixture
def world() -> Iterator[fakes.FixedClock]:
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))
    with aws(("shops", "shop_skus", "erp_skus", "stock", "orders")):
        bootstrap.reset()
        with bootstrap.override(shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                publisher=fakes.RecordingPublisher(), clock=clock, clients=unthrottled_client):
            yield clock
        bootstrap.reset()


def deliver_actions(client: CountingClient) -> None:
    publisher = bootstrap.publisher()
    for queue, body, _, _ in publisher.sent:
        if queue != "platform_actions":      # order writes send their ERP notes too
            continue
        action = decode(body)
        run_action(replace(bootstrap.action_deps(), clients=lambda _shop: client), action)
    publisher.sent.clear()


def burst(clock: fakes.FixedClock, shop_id: str, platform: Platform, sku_ids: list[str], orders: int,
          rng: random.Random) -> set[str]:
    touched: set[str] = set()
    for _ in range(orders):
        clock.advance(seconds=1)
        lines = tuple(CanonicalLine(str(n), sku_id, "p", "", "商品", "规格", rng.randint(1, 2), 100, 100)
                      for n, sku_id in enumerate(rng.sample(sku_ids, 2), 1))
        order = canonical_order(platform=platform, lines=lines,
                                modified_at=clock.now().astimezone(SHANGHAI))
        links = bootstrap.shop_skus().links_for(shop_id, {line.platform_sku_id for line in lines})
        apply_snapshot(bootstrap.orders(), clock, shop_id, order, links)
        settle_order(bootstrap.stock(), bootstrap.orders(), clock, f"{shop_id}-{order.order_no}")
        touched |= {line.platform_sku_id for line in lines}
    return touched


def sweep(clock: fakes.FixedClock) -> int:
    return sweep_due_pushes(bootstrap.stock(), bootstrap.shop_skus(), bootstrap.publisher(), clock.now())


def expected(shop_id: str, sku_id: str) -> int:
    sku = bootstrap.shop_skus().get(shop_id, sku_id)
    available = {c: s.available for c, s in bootstrap.stock().balances(k.sku_code for k in sku.links).items()}
    return push_quantity(available, sku.links, SETTINGS)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_given_a_burst_of_orders_then_the_sandbox_holds_the_formula_after_one_push_per_sku_per_window(
        world: fakes.FixedClock, platform: str) -> None:
    clock, rng = world, random.Random(7)
    sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=53)
    server = SandboxServer(sandbox).start()
    try:
        sb = sandbox.add_shop()
        shop = add_shop(bootstrap.shops(), bootstrap.platforms(), name="沙箱店", platform=Platform(platform), mode=AppMode.SELF_BUILT,
                        app_key=sb.app_key, app_secret=sb.app_secret, seller_id=sb.seller_id,
                        access_token=sb.access_token, refresh_token=sb.refresh_token, extra=dict(sb.extra),
                        base_url=server.url)
        client = CountingClient(bootstrap.clients()(shop))
        deps = bootstrap.link_deps(background=False)   # re-resolve inline: this test is about the stock push

        pulled = pull_catalog(deps, shop, client)
        assert pulled.added == len(sandbox.truth_stock(sb.seller_id)) and pulled.complete
        assert pull_catalog(deps, shop, client).added == 0, "a second pull adds no duplicates"
        skus = list(bootstrap.shop_skus().iterate_shop(shop.shop_id))
        for code in sorted({s.merchant_code for s in skus}):
            create_erp_sku(bootstrap.erp_skus(), deps, ErpSku(code, f"ERP {code}"))
            set_absolute_stock(bootstrap.stock(), code, 20, "erp:test", f"count-{code}", clock.now())
        linked = [s.platform_sku_id for s in bootstrap.shop_skus().iterate_shop(shop.shop_id) if s.links]
        assert linked == [s.platform_sku_id for s in skus], "every SKU auto-linked by merchant code"
        bootstrap.stock_sync().save_settings(shop.shop_id, SETTINGS, 0)

        clock.advance(seconds=61)      # linking and counting marked every SKU: the first push goes out
        assert sweep(clock) == len(linked)
        deliver_actions(client)
        assert client.pushes == Counter(linked)

        client.pushes.clear()
        touched = burst(clock, shop.shop_id, shop.platform, linked, orders=10, rng=rng)   # 10 s of orders
        assert sweep(clock) == 0, "the window of the first change is not over yet"
        clock.advance(seconds=61)
        assert sweep(clock) == len(touched)
        assert sweep(clock) == 0
        deliver_actions(client)
        # one push per SKU for the whole burst (none where the formula's answer did not change)
        assert client.pushes and set(client.pushes) <= touched and set(client.pushes.values()) == {1}
        truth = sandbox.truth_stock(sb.seller_id)
        assert {s: truth[s] for s in linked} == {s: expected(shop.shop_id, s) for s in linked}
        assert any(truth[s] < 13 for s in touched), "the orders did move the pushed stock"

        records = {r.platform_sku_id: r for r in bootstrap.stock_sync().pushes(shop.shop_id, limit=200).items}
        assert all(records[s].ok and records[s].quantity == truth[s] for s in linked)
    finally:
        server.stop()


def test_given_time_passes_then_the_marker_window_is_the_first_change_plus_the_debounce(world) -> None:
    clock = world
    set_absolute_stock(bootstrap.stock(), "A", 5, "erp:test", "k1", clock.now())
    first = bootstrap.stock().due_for_push(clock.now() + timedelta(seconds=61))
    assert [c for c, _ in first] == ["A"]
