"""The local runtime's demo: the first admin, a sandbox gateway per platform with a demo shop each,
registered in the OMS and pointed at its sandbox, pushes wired to the local webhooks, and a trickle of
new orders so the whole flow can be watched. Everything it makes is listed in local.json."""
from __future__ import annotations

import logging
import os
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any

from local.runtime.hooks import StartContext, on_started, on_stopping
from local.sandbox.core import SHANGHAI, SandboxServer, SandboxShop
from local.sandbox.registry import describe, start_all

log = logging.getLogger("local.demo")

ORDERS_PER_TICK = 2
TICK_SECONDS = float(os.environ.get("OMS_DEMO_TICK_SECONDS", "20"))
PORT_BASE = os.environ.get("OMS_SANDBOX_PORTS", "fixed")   # "any": free ports (tests running side by side)

_servers: list[SandboxServer] = []
_stop = threading.Event()


@on_started
def create_admin(ctx: StartContext) -> None:
    from chalicelib import bootstrap
    from chalicelib.services.users import ensure_admin
    password_file = ctx.state_dir / "admin.password"
    if not password_file.exists():
        password_file.write_text(f"Oms-{secrets.token_urlsafe(12)}")
        password_file.chmod(0o600)
    password = password_file.read_text().strip()
    ensure_admin(bootstrap.users(), "admin", password)
    ctx.publish("admin", {"username": "admin", "password": password, "login": ctx.ui_url})


@on_started
def start_sandboxes(ctx: StartContext) -> None:
    listing: dict[str, Any] = {}
    for r in start_all(any_port=PORT_BASE == "any"):
        _servers.append(r.server)
        shop_id = _register(r.platform, r.name, r.shop, r.server.url)
        _subscribe(r.platform, r.sandbox, r.shop, ctx.base_url, shop_id)
        now = datetime.now(SHANGHAI)
        made = r.sandbox.generate_orders(r.shop.seller_id, 20, now - timedelta(hours=6), now - timedelta(minutes=5))
        _buyers_ask_refunds(r.platform, r.sandbox, r.shop, made)
        listing[r.platform] = {"shop_id": shop_id, **describe(r)}
        threading.Thread(target=_trickle, args=(r.platform, r.sandbox, r.shop), daemon=True,
                         name=f"demo-{r.platform}").start()
    ctx.publish("sandbox", listing)


@on_stopping
def stop_sandboxes(ctx: StartContext) -> None:
    _stop.set()
    for server in _servers:
        server.stop()


def _register(platform: str, name: str, demo: SandboxShop, base_url: str) -> str:
    """The same seller on every start (the sandbox is seeded): refresh its URL and credentials."""
    from dataclasses import replace

    from chalicelib import bootstrap
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import ShopSecrets
    from chalicelib.services.shops import register_shop
    shops = bootstrap.shops()
    extra = dict(demo.extra)
    if platform == "xhs":
        extra.setdefault("push_secret", secrets.token_urlsafe(16))
    fresh = ShopSecrets(demo.app_secret, demo.access_token, demo.refresh_token, tuple(sorted(extra.items())))
    shop = register_shop(shops, name=name, platform=Platform(platform), seller_id=demo.seller_id,
                         app_key=demo.app_key, secrets=fresh, base_url=base_url)
    current = shops.get_secrets(shop.shop_id)
    if current is not None and current.access_token != fresh.access_token:
        kept = dict(current.extra) | dict(fresh.extra)
        shops.put_secrets(shop.shop_id, replace(fresh, extra=tuple(sorted(kept.items()))), current.revision)
    if shop.base_url != base_url:
        shops.save(replace(shop, base_url=base_url), shop.revision)
    return shop.shop_id


def _subscribe(platform: str, sandbox: Any, demo: SandboxShop, base_url: str, shop_id: str) -> None:
    from chalicelib import bootstrap
    if platform == "douyin":
        sandbox.subscribe(f"{base_url}/webhooks/douyin/{demo.app_key}")
    elif platform == "wechat":
        sandbox.subscribe(f"{base_url}/webhooks/wechat/{shop_id}", demo.extra["push_token"],
                          demo.extra["encoding_aes_key"])
    elif platform == "kuaishou":
        sandbox.subscribe(f"{base_url}/webhooks/kuaishou/{demo.app_key}")
    elif platform == "xhs":
        stored = bootstrap.shops().get_secrets(shop_id)
        assert stored is not None, "the demo shop was just added with its secrets"
        sandbox.subscribe(f"{base_url}/webhooks/xhs/{shop_id}/{stored.extra_dict()['push_secret']}")
    elif platform == "taobao":
        _permit_tmc(shop_id)


def _permit_tmc(shop_id: str) -> None:
    from chalicelib import bootstrap
    from chalicelib.platforms.http import Transport
    from chalicelib.platforms.shop_clients import credentials_for
    from chalicelib.platforms.taobao.tmc import TmcFeed
    shop, secrets = bootstrap.shops().get(shop_id), bootstrap.shops().get_secrets(shop_id)
    assert shop is not None and secrets is not None, "the demo shop was just added with its secrets"
    TmcFeed(credentials_for(shop, secrets), Transport()).permit()


def _buyers_ask_refunds(platform: str, sandbox: Any, demo: SandboxShop, order_nos: list[str], wanted: int = 2) -> None:
    """A few refund requests, so the after-sales center has cases to act on from the first minute."""
    asked = 0
    for order_no in order_nos:
        if asked == wanted:
            return
        try:
            sandbox.request_after_sale(demo.seller_id, order_no, "refund_only")
            asked += 1
        except (ValueError, KeyError, LookupError):   # an order in a state that cannot ask (unpaid, closed...)
            continue
    log.info("demo refunds for %s: %d asked", platform, asked)


def _trickle(platform: str, sandbox: Any, demo: SandboxShop) -> None:
    while not _stop.wait(TICK_SECONDS):
        now = datetime.now(SHANGHAI)
        try:
            sandbox.generate_orders(demo.seller_id, ORDERS_PER_TICK, now - timedelta(seconds=TICK_SECONDS), now)
            if hasattr(sandbox, "deliver_pushes"):
                sandbox.deliver_pushes()
        except Exception:   # the demo must not take the runtime down
            log.exception("demo orders for %s failed", platform)


