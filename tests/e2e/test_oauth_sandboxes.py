"""OAuth round trips against every platform's sandbox, through the admin API and the public callback:
authorise (redirect, or the direct route where the platform has no redirect), refresh ahead of expiry by
the scheduled function, and the re-authorisation state when the refresh token is dead, with the other
shop (a self-built app with pasted tokens) carrying on."""
from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.domain.users import Role, User
from local.sandbox.core import SandboxServer, SandboxShop
from tests import fakes
from tests.aws import aws

PLATFORMS = ["taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs"]
ADMIN = User("root", "x", Role.ADMIN)


def clients_with_shared_wechat_tokens(shop: Shop) -> Any:
    """What the lead wires into platforms/shop_clients: WeChat shops share their token through DynamoDB."""
    from chalicelib.domain.platform import Platform
    from chalicelib.platforms.http import Transport
    from chalicelib.platforms.shop_clients import client_for_shop, credentials_for
    from chalicelib.storage.token_cache import DynamoTokenCache
    if shop.platform is not Platform.WECHAT:
        return client_for_shop(bootstrap.shops(), shop)
    from chalicelib.platforms.wechat.client import create_client
    secrets = bootstrap.shops().get_secrets(shop.shop_id)
    return create_client(credentials_for(shop, secrets), Transport(),
                         token_cache=DynamoTokenCache(shop.shop_id, bootstrap.shops().envelope))


@pytest.fixture
def api() -> Iterator[Client]:
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.idempotency import DynamoIdempotencyStore
    from chalicelib.storage.shops import DynamoShopRepository
    from chalicelib.storage.token_cache import DynamoShopLeases
    users = fakes.InMemoryUserRepository()
    users.add(ADMIN)
    with aws(("shops", "idempotency")):
        bootstrap.reset()
        with bootstrap.override(users=users, shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                idempotency=DynamoIdempotencyStore(), shop_leases=DynamoShopLeases(),
                                clients=clients_with_shared_wechat_tokens), Client(fakes.shops_app(), stage_name="test") as client:
            yield client
        bootstrap.reset()


def headers() -> dict[str, str]:
    from chalicelib.api import tokens
    token, _ = tokens.issue(bootstrap.users().get("root"), datetime.now(UTC))
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def call(api: Client, method: str, path: str, body: object = None) -> Any:
    response = getattr(api.http, method)(path, headers=headers(), body=json.dumps(body or {}))
    assert response.status_code == 200, (path, response.status_code, response.body)
    return response.json_body


def add_shop(api: Client, sandbox_shop: SandboxShop, url: str, **kw: object) -> dict[str, Any]:
    return call(api, "post", "/admin/shops", {
        "name": f"沙箱{sandbox_shop.platform}店", "platform": sandbox_shop.platform, "app_key": sandbox_shop.app_key,
        "app_secret": sandbox_shop.app_secret, "extra": dict(sandbox_shop.extra), "base_url": url, **kw})


def authorise(api: Client, shop_id: str, platform: str) -> dict[str, Any]:
    if platform == "wechat":     # no redirect exists: the token comes from the appid and secret
        return call(api, "post", f"/admin/shops/{shop_id}/authorize", {"mode": "direct"})["shop"]
    started = call(api, "post", f"/admin/shops/{shop_id}/authorize", {"mode": "redirect"})
    seller_page = httpx.get(started["authorize_url"], follow_redirects=False, trust_env=False)
    assert seller_page.status_code == 302
    target = urlsplit(seller_page.headers["location"])
    assert target.path == f"/oauth/{platform}/callback"
    answer = api.http.get(f"{target.path}?{target.query}")
    assert answer.status_code == 200, answer.body
    replay = api.http.get(f"{target.path}?{target.query}")
    assert replay.status_code == 401, "a state is good once"
    return answer.json_body["shop"]


def works(shop_id: str) -> bool:
    shop = bootstrap.shops().get(shop_id)
    try:
        bootstrap.clients()(shop).list_carriers()
    except Exception:
        return False
    return True


def due_soon(shop_id: str) -> None:
    shop = bootstrap.shops().get(shop_id)
    bootstrap.shops().save(replace(shop, token_expires_at=datetime.now(UTC) + timedelta(minutes=5)), shop.revision)


def run_scheduled_refresh() -> dict[str, str]:
    from chalicelib.services.tokens import refresh_due
    return refresh_due(bootstrap.shops(), bootstrap.clients(), bootstrap.platforms(), bootstrap.shop_leases(), bootstrap.clock())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_given_a_sandbox_shop_when_authorised_refreshed_and_its_refresh_token_dies_then_only_it_needs_reauth(
        api: Client, platform: str) -> None:
    sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=41)
    server = SandboxServer(sandbox).start()
    try:
        first = sandbox.add_shop()
        seller = {"seller_id": first.seller_id} if platform in ("kuaishou", "wechat") else {}
        added = add_shop(api, first, server.url, mode="third_party", **seller)
        assert added["status"] == ("active" if platform == "wechat" else "reauth_needed")
        shop_id = added["shop_id"]

        authorised = authorise(api, shop_id, platform)
        assert authorised["status"] == "active" and authorised["token_expires_at"]
        assert authorised["seller_id"] == first.seller_id
        assert works(shop_id)

        second = sandbox.add_shop()   # a self-built app: the seed's only mode, tokens pasted
        other = add_shop(api, second, server.url, seller_id=second.seller_id, access_token=second.access_token,
                         refresh_token=second.refresh_token, token_expires_at="2099-01-01T00:00:00+08:00")
        assert other["status"] == "active" and works(other["shop_id"])

        before = bootstrap.shops().get_secrets(shop_id)
        due_soon(shop_id)
        assert run_scheduled_refresh() == {shop_id: "refreshed"}
        after, shop = bootstrap.shops().get_secrets(shop_id), bootstrap.shops().get(shop_id)
        if platform != "wechat":   # WeChat's stable token stays the same until its last 5 minutes
            assert after.access_token != before.access_token
        assert shop.token_expires_at > datetime.now(UTC) + timedelta(minutes=30)
        assert works(shop_id)
        assert run_scheduled_refresh() == {}, "not due again right after a refresh"

        sandbox.kill_refresh_token(first.seller_id)
        due_soon(shop_id)
        assert run_scheduled_refresh() == {shop_id: "reauth_needed"}
        listed = {s["shop_id"]: s for s in call(api, "get", "/admin/shops")["items"]}
        assert listed[shop_id]["status"] == "reauth_needed" and "refresh" in listed[shop_id]["status_reason"]
        assert listed[other["shop_id"]]["status"] == "active" and works(other["shop_id"])
        assert shop_id not in {s.shop_id for s in bootstrap.shops().syncing()}
    finally:
        server.stop()


def test_given_a_forged_or_foreign_state_then_the_callback_refuses_it(api: Client) -> None:
    sandbox = importlib.import_module("local.sandbox.pdd").create_sandbox(seed=43)
    server = SandboxServer(sandbox).start()
    try:
        shop_id = add_shop(api, sandbox.add_shop(), server.url, mode="third_party")["shop_id"]
        started = call(api, "post", f"/admin/shops/{shop_id}/authorize", {"mode": "redirect"})
        query = dict(httpx.URL(httpx.get(started["authorize_url"], follow_redirects=False).headers["location"]).params)
        forged = api.http.get(f"/oauth/pdd/callback?code={query['code']}&state=abc.def")
        foreign = api.http.get(f"/oauth/taobao/callback?code={query['code']}&state={query['state']}")
        assert (forged.status_code, foreign.status_code) == (401, 401)
        assert bootstrap.shops().get(shop_id).status is ShopStatus.REAUTH_NEEDED
    finally:
        server.stop()


def test_given_parallel_refreshers_of_a_rotating_refresh_token_then_one_refreshes_and_the_shop_stays_active(
        api: Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.services.tokens import refresh_shop
    sandbox = importlib.import_module("local.sandbox.kuaishou").create_sandbox(seed=47)
    server = SandboxServer(sandbox).start()
    try:
        sb = sandbox.add_shop()
        shop_id = add_shop(api, sb, server.url, seller_id=sb.seller_id, access_token=sb.access_token,
                           refresh_token=sb.refresh_token, token_expires_at="2099-01-01T00:00:00+08:00")["shop_id"]
        due_soon(shop_id)
        with fakes.serialised_moto(), ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(lambda _n: refresh_shop(bootstrap.shops(), bootstrap.clients(), bootstrap.platforms(),
                                                             bootstrap.shop_leases(), bootstrap.clock(), shop_id),
                                     range(8)))
        assert sorted(o.value for o in outcomes).count("refreshed") == 1
        assert set(outcomes) <= {"refreshed", "busy", "not_due"}
        assert bootstrap.shops().get(shop_id).status is ShopStatus.ACTIVE and works(shop_id)
    finally:
        server.stop()


def test_given_a_ui_origin_when_the_callback_is_refused_then_the_seller_returns_to_the_ui_with_the_reason(
        api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import settings
    monkeypatch.setenv("UI_ORIGIN", "https://oms.example.test")
    settings.cache_clear()
    try:
        answer = api.http.get("/oauth/pdd/callback?code=fake-code&state=abc.def")
    finally:
        monkeypatch.delenv("UI_ORIGIN")
        settings.cache_clear()
    assert answer.status_code == 302
    location = {k.lower(): v for k, v in answer.headers.items()}["location"]
    assert location.startswith("https://oms.example.test/#/shops?authorise_error=")
