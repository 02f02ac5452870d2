"""The scheduled TMC poll: Taobao's messages become queue messages once, and are confirmed."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import ShopSecrets
from chalicelib.platforms.http import Transport
from chalicelib.platforms.shop_clients import credentials_for
from chalicelib.platforms.taobao.tmc import TmcFeed
from chalicelib.services.shops import register_shop
from local.sandbox.core import SHANGHAI, SandboxServer
from local.sandbox.taobao import create_sandbox
from tests import fakes


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    sandbox = create_sandbox(seed=8)
    server = SandboxServer(sandbox).start()
    demo = sandbox.add_shop()
    deps = {"shops": fakes.InMemoryShopRepository(), "idempotency": fakes.InMemoryIdempotencyStore(),
            "publisher": fakes.RecordingPublisher()}
    with bootstrap.override(**deps), Client(app, stage_name="test") as client:
        shop = register_shop(bootstrap.shops(), name="淘宝店", platform=Platform.TAOBAO, seller_id=demo.seller_id,
                             app_key=demo.app_key, base_url=server.url,
                             secrets=ShopSecrets(demo.app_secret, demo.access_token, demo.refresh_token))
        TmcFeed(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), Transport()).permit()
        yield {"client": client, "sandbox": sandbox, "demo": demo, "shop": shop, **deps}
    server.stop()


def poll(client: Client) -> dict[str, Any]:
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                            resources=["arn:aws:events:us-east-1:123456789012:rule/tmc"])
    return client.lambda_.invoke("poll_taobao_messages", event).payload


def test_given_new_orders_on_taobao_when_tmc_is_polled_then_each_is_queued_once_and_confirmed(world) -> None:
    now = datetime.now(SHANGHAI)
    orders = set(world["sandbox"].generate_orders(world["demo"].seller_id, 5, now - timedelta(minutes=5), now))
    first = poll(world["client"])
    queued = {m["order_no"] for m in world["publisher"].bodies("orders")}
    assert first["queued"] >= len(orders) and queued == orders
    assert all(m["source"] == "push" and "snapshot" not in m for m in world["publisher"].bodies("orders"))
    assert poll(world["client"])["queued"] == 0, "confirmed messages do not come back"
