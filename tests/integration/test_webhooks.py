"""Platform pushes through the real routes: real pushes recorded from the sandboxes are replayed into
the app; valid ones reach the queue exactly once, tampered ones are refused and enqueue nothing."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import ShopSecrets
from chalicelib.services.shops import register_shop
from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
from chalicelib.storage.shops import DynamoShopRepository
from local.sandbox.core import SHANGHAI
from tests.aws import aws, create_queues
from tests.capture import Captured, capture_server


def _now() -> datetime:
    # read when a test runs, not at import: under xdist a module is collected minutes before its tests, and
    # the platforms refuse pushes whose newest event is older than 5 minutes
    return datetime.now(SHANGHAI)


@dataclass
class World:
    client: Client
    shop_id: str
    app_key: str


@pytest.fixture
def world() -> Iterator[Client]:
    with aws(("shops", "idempotency")):
        create_queues()
        repo = DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))
        with bootstrap.override(shops=repo), Client(app, stage_name="test") as client:
            yield client
        bootstrap.reset()


def register(platform: Platform, shop: Any) -> str:
    secrets = ShopSecrets(shop.app_secret, shop.access_token, shop.refresh_token, tuple(sorted(shop.extra.items())))
    return register_shop(bootstrap.shops(), name="测试店", platform=platform, seller_id=shop.seller_id,
                         app_key=shop.app_key, secrets=secrets).shop_id


def queued(queue: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name(queue))["QueueUrl"]
    out: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        out += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]}
                                                        for m in batch])
    return out


def replay(client: Client, path: str, push: Captured, body: bytes | None = None,
           headers: dict[str, str] | None = None) -> Any:
    query = urlsplit(push.path).query
    return client.http.post(f"{path}?{query}" if query else path, headers=headers or _headers(push),
                            body=push.body if body is None else body)


def _headers(push: Captured) -> dict[str, str]:
    return {k: v for k, v in push.headers.items() if k.lower() not in ("content-length", "host", "connection")}


def flip(body: bytes, at: int = -10) -> bytes:
    raw = bytearray(body)
    raw[at] ^= 0x01
    return bytes(raw)


# ---------------------------------------------------------------- Douyin
@pytest.fixture
def douyin_pushes(world: Client) -> Iterator[tuple[World, list[Captured]]]:
    from local.sandbox.douyin import create_sandbox
    sandbox = create_sandbox(seed=3)
    shop = sandbox.add_shop()
    shop_id = register(Platform.DOUYIN, shop)
    with capture_server() as (url, captured):
        sandbox.subscribe(url)
        now = _now()
        sandbox.generate_orders(shop.seller_id, 3, now - timedelta(minutes=3), now)
        assert sandbox.flush_pushes()
        yield World(world, shop_id, shop.app_key), list(captured)


def test_given_douyin_pushes_then_each_order_is_queued_once_and_acknowledged(douyin_pushes) -> None:
    w, pushes = douyin_pushes
    assert pushes, "the sandbox pushed nothing"
    for push in pushes + pushes:   # every push delivered twice, as platforms retry
        response = replay(w.client, f"/webhooks/douyin/{w.app_key}", push)
        assert response.status_code == 200
        assert json.loads(response.body) == {"code": 0, "msg": "success"}
    messages = queued("orders") + queued("after_sales")
    assert len(messages) == len(pushes)
    assert all(m["shop_id"] == w.shop_id and m["source"] == "push" and "snapshot" not in m for m in messages)


@pytest.mark.parametrize("tamper", ["flipped_byte", "wrong_signature", "missing_header", "reserialised"])
def test_given_a_tampered_douyin_push_then_401_and_nothing_queued(douyin_pushes, tamper: str) -> None:
    w, pushes = douyin_pushes
    push = pushes[0]
    headers, body = _headers(push), push.body
    if tamper == "flipped_byte":
        body = flip(body)
    elif tamper == "wrong_signature":
        headers["event-sign"] = "0" * 32
    elif tamper == "missing_header":
        headers = {k: v for k, v in headers.items() if k.lower() != "event-sign"}
    else:
        body = json.dumps(json.loads(body), indent=1).encode()
    response = replay(w.client, f"/webhooks/douyin/{w.app_key}", push, body=body, headers=headers)
    assert response.status_code == 401
    assert queued("orders") == []


def test_given_an_unknown_douyin_app_then_404(douyin_pushes) -> None:
    w, pushes = douyin_pushes
    assert replay(w.client, "/webhooks/douyin/not-our-app", pushes[0]).status_code == 404


# ---------------------------------------------------------------- WeChat
@pytest.fixture
def wechat_pushes(world: Client) -> Iterator[tuple[World, list[Captured]]]:
    from local.sandbox.wechat import create_sandbox
    sandbox = create_sandbox(seed=4)
    shop = sandbox.add_shop()
    shop_id = register(Platform.WECHAT, shop)
    with capture_server() as (url, captured):
        sandbox.subscribe(url, shop.extra["push_token"], shop.extra["encoding_aes_key"])
        now = _now()
        sandbox.generate_orders(shop.seller_id, 3, now - timedelta(minutes=3), now)
        assert sandbox.pusher.drain()
        yield World(world, shop_id, shop.app_key), list(captured)


def test_given_wechat_encrypted_pushes_then_each_order_is_queued_once(wechat_pushes) -> None:
    w, pushes = wechat_pushes
    assert pushes
    for push in pushes + pushes:
        response = replay(w.client, f"/webhooks/wechat/{w.shop_id}", push)
        assert (response.status_code, response.body) == (200, b"success")
    assert len(queued("orders") + queued("after_sales")) == len({p.body for p in pushes})


@pytest.mark.parametrize("tamper", ["flipped_byte", "stale", "missing_signature"])
def test_given_a_tampered_wechat_push_then_refused_and_nothing_queued(wechat_pushes, tamper: str) -> None:
    w, pushes = wechat_pushes
    push = pushes[0]
    path, body = push.path, push.body
    if tamper == "flipped_byte":
        envelope = json.loads(body)
        envelope["Encrypt"] = envelope["Encrypt"][:-8] + ("A" if envelope["Encrypt"][-8] != "A" else "B") + \
            envelope["Encrypt"][-7:]
        body = json.dumps(envelope).encode()
    elif tamper == "stale":
        old = str(int((_now() - timedelta(hours=2)).timestamp()))
        path = "&".join(f"timestamp={old}" if p.startswith("timestamp=") else p for p in path.split("&"))
    else:
        path = "&".join(p for p in path.split("&") if not p.startswith("msg_signature="))
    response = replay(w.client, f"/webhooks/wechat/{w.shop_id}", Captured("POST", path, push.headers, body))
    assert response.status_code in (400, 401)
    assert queued("orders") == []
