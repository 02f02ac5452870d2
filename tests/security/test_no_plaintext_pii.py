"""A representative run on moto — a sign-in, an ERP client created, a shop of every platform added with
its tokens through the admin API, its sandbox orders pulled, enqueued and applied by the orders consumer,
an ERP hand-off, a hold and a raw-payload view — then EVERY item of EVERY table and EVERY S3 object is
scanned for plaintext mainland mobile numbers and for the secrets and tokens used. (Log lines are scanned
for the whole session by tests/security/logscan.py; the secrets used here are registered with it.)"""
from __future__ import annotations

import gzip
import importlib
import json
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.domain.users import Role
from chalicelib.services.pull import PullDeps, run_pull
from chalicelib.services.queue_messages import PullJobMessage
from local.sandbox.core import SandboxServer
from tests import fakes
from tests.events import sqs_event
from tests.security import logscan
from tests.security.logscan import plain_phones

PLATFORMS = ("taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs")
PASSWORD = "Fake-Passw0rd-for-the-scan"
ORDERS_PER_SHOP = 8
BINARY_MAGIC = (b"\x78\x9c", b"\x78\x01", b"\x78\xda", b"\x78\x5e")    # zlib: CompressedJSONAttribute


def unthrottled_client(shop: Any) -> Any:
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    from tests.contract.platform_suite import fast_transport
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


def api(client: Client, method: str, path: str, token: str = "", body: Any = None) -> Any:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    response = client.http.request(method, path, headers=headers, body=json.dumps(body).encode() if body is not None else b"")
    assert response.status_code < 300, (method, path, response.status_code, response.body)
    return response.json_body


@pytest.fixture(scope="module")
def flow() -> Iterator[dict[str, Any]]:
    from chalicelib.services.users import create_user
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.erp import DynamoErpClientRepository
    from chalicelib.storage.raw import S3RawStore
    from chalicelib.storage.shops import DynamoShopRepository
    from tests.aws import aws, create_queues
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))
    secrets: set[str] = {PASSWORD}
    with aws():
        create_queues()
        boto3.client("s3").create_bucket(Bucket=names.bucket_name("raw"))
        bootstrap.reset()
        envelope = Envelope(LocalKeyWrapper(os.urandom(32)))
        publisher = fakes.RecordingPublisher()
        with bootstrap.override(shops=DynamoShopRepository(envelope), erp_clients=DynamoErpClientRepository(envelope),
                                publisher=publisher, clock=clock, clients=unthrottled_client, raw_store=S3RawStore()), \
                Client(app, stage_name="test") as client:
            create_user(bootstrap.users(), "root", PASSWORD, Role.ADMIN)
            login = api(client, "POST", "/admin/auth/login", body={"username": "root", "password": PASSWORD})
            token = login["token"]
            secrets.add(token)
            created = api(client, "POST", "/admin/erp/clients", token,
                          {"name": "scan ERP", "scopes": ["orders", "shipments", "after_sales", "stock"]})
            secrets.add(created["secret"])
            erp = (created["client"]["key_id"], created["secret"])
            servers = []
            try:
                for platform in PLATFORMS:
                    servers.append(_shop_with_orders(client, token, platform, clock, publisher, secrets))
                order_ids = _consume(client, publisher)
                _erp_and_admin_actions(client, token, erp, order_ids)
                answers = _read_views(client, token, erp, order_ids)
            finally:
                for server in servers:
                    server.stop()
            logscan.watch(*secrets)
            yield {"secrets": secrets, "order_ids": order_ids, "erp": erp, "answers": answers}
        bootstrap.reset()


def _shop_with_orders(client: Client, token: str, platform: str, clock: fakes.FixedClock,
                      publisher: fakes.RecordingPublisher, secrets: set[str]) -> Any:
    sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=11, clock=clock.now)
    server = SandboxServer(sandbox).start()
    sb = sandbox.add_shop()
    secrets.update(s for s in (sb.app_secret, sb.access_token, sb.refresh_token) if s and len(s) >= 8)
    shop = api(client, "POST", "/admin/shops", token, {
        "name": f"{platform} 扫描店", "platform": platform, "app_key": sb.app_key, "app_secret": sb.app_secret,
        "seller_id": sb.seller_id, "access_token": sb.access_token, "refresh_token": sb.refresh_token,
        "extra": dict(sb.extra), "base_url": server.url})
    now = clock.now()
    sandbox.generate_orders(sb.seller_id, ORDERS_PER_SHOP, now - timedelta(hours=2), now - timedelta(hours=1))
    from chalicelib.storage.sync import DynamoSyncRepository
    deps = PullDeps(shops=bootstrap.shops(), sync=DynamoSyncRepository(), clients=bootstrap.clients(),
                    raw=bootstrap.raw_store(), publisher=publisher, clock=clock, time_left=lambda: 900.0)
    run_pull(PullJobMessage(shop_id=shop["shop_id"], stream="orders", job_id=f"scan-{platform}"), deps)
    return server


def _consume(client: Client, publisher: fakes.RecordingPublisher) -> list[str]:
    sent = [m for m in publisher.sent if m[0] == "orders"]
    publisher.sent.clear()
    assert len(sent) >= len(PLATFORMS) * ORDERS_PER_SHOP // 2, "the sandboxes gave orders"
    event = sqs_event([body for _, body, _, _ in sent], names.queue_name("orders"), [g for _, _, g, _ in sent])
    result = client.lambda_.invoke("on_order_message", event).payload
    assert result == {"batchItemFailures": []}
    return [f"{json.loads(body)['shop_id']}-{json.loads(body)['order_no']}" for _, body, _, _ in sent]


def _erp_and_admin_actions(client: Client, token: str, erp: tuple[str, str], order_ids: list[str]) -> None:
    from tests.erp_kit import signed
    taken = signed(client, erp[0], erp[1], "POST", "/erp/v1/orders/take", {"limit": 20})
    assert taken.status_code == 200, taken.body
    order_id = order_ids[0]
    api(client, "GET", f"/admin/orders/{order_id}/raw", token)
    api(client, "POST", f"/admin/orders/{order_id}/hold", token, {"reason": "manual_hold", "note": "scan"})
    api(client, "GET", f"/admin/orders/{order_id}", token)


def _read_views(client: Client, token: str, erp: tuple[str, str], order_ids: list[str]) -> dict[str, str]:
    """What the admin and ERP APIs show after creation: every read a secret or PII could surface in."""
    from tests.erp_kit import signed
    paths = ["/admin/shops", "/admin/erp/clients", f"/admin/erp/clients/{erp[0]}", "/admin/audit?limit=200",
             "/admin/orders?limit=200", *(f"/admin/orders/{order_id}" for order_id in order_ids[::5])]
    shops = api(client, "GET", "/admin/shops", token)["items"]
    paths += [f"/admin/shops/{shop['shop_id']}" for shop in shops]
    answers = {path: json.dumps(api(client, "GET", path, token), ensure_ascii=False) for path in paths}
    for order_id in order_ids[::5]:
        answer = signed(client, erp[0], erp[1], "GET", f"/erp/v1/orders/{order_id}")
        assert answer.status_code == 200, answer.body
        answers[f"/erp/v1/orders/{order_id}"] = answer.body.decode()
    return answers


# ------------------------------------------------------------------ reading everything back
def _readable(value: Any) -> str:
    """Every attribute as text; binary attributes decompressed when they are zlib (compressed docs)."""
    from boto3.dynamodb.types import Binary
    if isinstance(value, Binary):
        value = value.value
    if isinstance(value, bytes | bytearray):
        raw = bytes(value)
        if raw[:2] in BINARY_MAGIC:
            try:
                return zlib.decompress(raw).decode("utf-8", "replace")
            except zlib.error:
                pass
        return raw.decode("utf-8", "replace")
    if isinstance(value, dict):
        return " ".join(f"{k}={_readable(v)}" for k, v in value.items())
    if isinstance(value, list | set | tuple):
        return " ".join(_readable(v) for v in value)
    return str(value)


def every_table_item() -> Iterator[tuple[str, str]]:
    resource = boto3.resource("dynamodb")
    for table_name in boto3.client("dynamodb").list_tables()["TableNames"]:
        table = resource.Table(table_name)
        page = table.scan()
        while True:
            for item in page["Items"]:
                yield table_name, _readable(item)
            if "LastEvaluatedKey" not in page:
                break
            page = table.scan(ExclusiveStartKey=page["LastEvaluatedKey"])


def every_s3_object() -> Iterator[tuple[str, str]]:
    s3 = boto3.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        for obj in s3.list_objects_v2(Bucket=bucket["Name"]).get("Contents", []):
            body = s3.get_object(Bucket=bucket["Name"], Key=obj["Key"])["Body"].read()
            if body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            yield f"s3://{bucket['Name']}/{obj['Key']}", body.decode("utf-8", "replace")


def phones(text: str) -> list[str]:
    return plain_phones(text)


# ------------------------------------------------------------------ the scans
def test_given_the_flow_then_it_really_stored_orders_shops_and_clients(flow: dict[str, Any]) -> None:
    tables = {name for name, _ in every_table_item()}
    for key in ("orders", "shops", "users", "api_clients", "audit"):
        assert names.table_name(key) in tables, key
    assert any(True for _ in every_s3_object())


def test_given_every_table_item_then_no_plaintext_phone_number(flow: dict[str, Any]) -> None:
    leaks = [(table, phone) for table, text in every_table_item() for phone in phones(text)]
    assert leaks == []


def test_given_every_table_item_then_no_secret_or_token_in_plaintext(flow: dict[str, Any]) -> None:
    leaks = [(table, secret[:6] + "…") for table, text in every_table_item() for secret in flow["secrets"]
             if secret in text]
    assert leaks == []


def test_given_every_s3_object_then_no_plaintext_phone_number_or_secret(flow: dict[str, Any]) -> None:
    leaks = [(key, phone) for key, text in every_s3_object() for phone in phones(text)]
    leaks += [(key, secret[:6] + "…") for key, text in every_s3_object() for secret in flow["secrets"]
              if secret in text]
    assert leaks == []


def test_given_the_admin_and_erp_reads_then_no_secret_token_or_plaintext_phone_is_returned(
        flow: dict[str, Any]) -> None:
    leaks = [(path, phone) for path, text in flow["answers"].items() for phone in phones(text)]
    leaks += [(path, secret[:6] + "…") for path, text in flow["answers"].items() for secret in flow["secrets"]
              if secret in text]
    assert leaks == []
    assert len(flow["answers"]) > 10


def test_given_the_flow_then_the_raw_view_and_the_changes_are_in_the_audit_log(flow: dict[str, Any]) -> None:
    actions = [text for table, text in every_table_item() if table == names.table_name("audit")]
    joined = "\n".join(actions)
    for action in ("GET /admin/orders/{order_id}/raw", "POST /admin/orders/{order_id}/hold", "POST /admin/shops",
                   "POST /admin/erp/clients", f"erp:{flow['erp'][0]}"):
        assert action in joined, action


def test_given_a_planted_plaintext_phone_and_secret_then_the_scans_find_them(flow: dict[str, Any]) -> None:
    """The scan's own check: a miss here would make the scans above pass vacuously."""
    table = boto3.resource("dynamodb").Table(names.table_name("users"))
    planted_secret = sorted(flow["secrets"])[0]
    table.put_item(Item={"username": "planted", "doc": zlib.compress(
        json.dumps({"phone": "13912345678", "note": planted_secret}).encode())})
    try:
        texts = [text for name, text in every_table_item() if name == table.name]
        assert any("13912345678" in phones(text) for text in texts)
        assert any(planted_secret in text for text in texts)
    finally:
        table.delete_item(Key={"username": "planted"})
    assert phones("138****5678 and 13812345678") == ["13812345678"]
