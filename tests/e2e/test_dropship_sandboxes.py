"""Drop-shipping end to end against the Taobao sandbox: an order of the sandbox is given to a supplier; the
supplier's user types its tracking number (twice: a double click, a retry); the platform-actions consumer
writes it back; the sandbox received exactly one ship call and shows the order shipped with that number,
and the supplier's own list shows it shipped."""
from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus, RefundState, ShipmentStatus
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import ShopCredentials
from local.sandbox.core import SHANGHAI, SandboxServer
from tests.contract.platform_suite import fast_transport
from tests.dropship_kit import call, supplier
from tests.erp_kit import moto_world

SHIP_METHOD = "taobao.logistics.offline.send"
END = datetime.now(SHANGHAI) - timedelta(minutes=5)


class Counting:
    """The sandbox, counting the ship calls it answers."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox, self.ships = sandbox, 0

    def handle(self, request: Any) -> Any:
        self.ships += request.params.get("method") == SHIP_METHOD
        return self.sandbox.handle(request)


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w:
        sandbox = importlib.import_module("local.sandbox.taobao").create_sandbox(seed=71)
        counting = Counting(sandbox)
        server = SandboxServer(counting).start()
        shop = sandbox.add_shop()
        from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
        from chalicelib.storage.shops import DynamoShopRepository
        # in DynamoDB: an order is found by its platform number through the shops stored there
        shops = DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))
        shops.add(Shop(shop_id="STB", name="淘宝店", platform=Platform.TAOBAO, seller_id=shop.seller_id,
                       app_key=shop.app_key, base_url=server.url))
        creds = ShopCredentials(platform=Platform.TAOBAO, app_key=shop.app_key, app_secret=shop.app_secret,
                                access_token=shop.access_token, refresh_token=shop.refresh_token,
                                seller_id=shop.seller_id, base_url=server.url, extra=dict(shop.extra))

        def client_for(_: Shop) -> Any:
            return importlib.import_module("chalicelib.platforms.taobao.client").create_client(creds, fast_transport())
        try:
            with bootstrap.override(shops=shops, clients=client_for), Client(app, stage_name="test") as main:
                yield {**w, "client": main, "main": main, "sandbox": sandbox, "shop": shop, "counting": counting,
                       "client_for": client_for}
        finally:
            server.stop()


def _an_order(world: dict[str, Any]) -> tuple[str, str]:
    sandbox, shop = world["sandbox"], world["shop"]
    client = world["client_for"](None)
    for order_no in sandbox.generate_orders(shop.seller_id, 25, END - timedelta(hours=6), END):
        order = client.get_order(order_no)
        if order.status is OrderStatus.AWAITING_SHIPMENT and order.refund_state is RefundState.NONE:
            links = {line.platform_sku_id: (SkuLink(f"ERP-{line.platform_sku_id}"),) for line in order.lines}
            apply_snapshot(bootstrap.orders(), bootstrap.clock(), "STB", order, links)
            return f"STB-{order_no}", order_no
    raise AssertionError("the sandbox made no shippable order")


def _run_platform_actions(world: dict[str, Any]) -> None:
    sqs = boto3.client("sqs")
    url = world["queues"]["platform_actions"]
    arn = f"arn:aws:sqs:us-east-1:123456789012:{names.queue_name('platform_actions')}"
    for _ in range(10):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
        if not got:
            return
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "us-east-1"} for m in got]
        result = world["main"].lambda_.invoke("on_platform_action", {"Records": records}).payload
        assert not result["batchItemFailures"], json.dumps(result)
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_GIVEN_a_drop_ship_order_WHEN_its_supplier_types_the_tracking_no_twice_THEN_the_sandbox_ships_it_once(
        world: dict[str, Any]) -> None:
    maker = supplier(world, "义乌小商品厂", "maker")
    order_id, order_no = _an_order(world)
    assigned = call(world, "POST", "/admin/dropship/assign", {"order_ids": [order_no], "supplier_id": maker})
    assert assigned.json_body["results"][0]["ok"], assigned.body
    body = {"order_no": order_no, "carrier_code": "ZTO", "tracking_no": "ZT900100200"}
    answers = [call(world, "POST", "/admin/supplier/shipments", body, user="maker") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    _run_platform_actions(world)
    assert call(world, "POST", "/admin/supplier/shipments", body, user="maker").status_code == 200   # after, too
    _run_platform_actions(world)
    assert world["counting"].ships == 1
    truth = world["sandbox"].truth_orders(world["shop"].seller_id)[order_no]
    assert truth.tracking_no == "ZT900100200"
    stored = bootstrap.orders().get(order_id)
    assert stored.status is OrderStatus.SHIPPED and stored.supplier_id == maker
    [shipment] = bootstrap.shipments().for_order(order_id)
    assert shipment.status is ShipmentStatus.CONFIRMED and shipment.source == f"supplier:{maker}"
    mine = call(world, "GET", "/admin/supplier/orders?status=all", user="maker").json_body["items"]
    assert [(o["order_no"], o["status"], o["tracking_no"]) for o in mine] == [(order_no, "shipped", "ZT900100200")]
    assert call(world, "GET", "/admin/supplier/orders", user="maker").json_body["items"] == []


def _a_two_line_order(world: dict[str, Any]) -> tuple[str, str, list[str]]:
    sandbox, shop = world["sandbox"], world["shop"]
    client = world["client_for"](None)
    for order_no in sandbox.generate_orders(shop.seller_id, 60, END - timedelta(hours=6), END):
        order = client.get_order(order_no)
        if (order.status is OrderStatus.AWAITING_SHIPMENT and order.refund_state is RefundState.NONE
                and len(order.lines) >= 2):
            links = {line.platform_sku_id: (SkuLink(f"ERP-{line.platform_sku_id}"),) for line in order.lines}
            apply_snapshot(bootstrap.orders(), bootstrap.clock(), "STB", order, links)
            return f"STB-{order_no}", order_no, [line.line_id for line in order.lines]
    raise AssertionError("the sandbox made no shippable order of two lines")


def test_GIVEN_one_line_drop_shipped_WHEN_the_supplier_and_then_the_seller_ship_THEN_taobao_gets_two_split_parcels(
        world: dict[str, Any]) -> None:
    maker = supplier(world, "义乌小商品厂", "maker")
    order_id, order_no, line_ids = _a_two_line_order(world)
    given = call(world, "PUT", f"/admin/dropship/orders/{order_id}/lines", {"supplier_id": maker,
                                                                             "line_ids": line_ids[:1]})
    assert given.status_code == 200, given.body
    body = {"order_no": order_no, "carrier_code": "ZTO", "tracking_no": "ZT900100300"}
    assert call(world, "POST", "/admin/supplier/shipments", body, user="maker").status_code == 201
    _run_platform_actions(world)
    trade = world["sandbox"].store.seller(world["shop"].seller_id).trade(int(order_no))
    assert trade.status == "SELLER_CONSIGNED_PART"
    assert {str(x.oid): x.invoice_no for x in trade.lines} == {i: ("ZT900100300" if i == line_ids[0] else "")
                                                               for i in line_ids}
    assert bootstrap.orders().get(order_id).status is OrderStatus.PARTIALLY_SHIPPED
    assert call(world, "GET", "/admin/supplier/orders", user="maker").json_body["items"] == [], "its part is done"
    [mine] = call(world, "GET", "/admin/supplier/orders?status=all", user="maker").json_body["items"]
    assert [x["line_id"] for x in mine["items"]] == line_ids[:1] and len(mine["shipments"]) == 1
    ours = call(world, "POST", "/admin/shipments", {"order_id": order_id, "carrier_code": "SF",
                                                      "tracking_no": "SF900100300"})
    assert ours.status_code == 201, ours.body
    assert [x["line_id"] for x in ours.json_body["shipment"]["lines"]] == line_ids[1:]
    _run_platform_actions(world)
    assert world["counting"].ships == 2
    trade = world["sandbox"].store.seller(world["shop"].seller_id).trade(int(order_no))
    assert trade.status == "WAIT_BUYER_CONFIRM_GOODS"
    assert {x.invoice_no for x in trade.lines if str(x.oid) != line_ids[0]} == {"SF900100300"}
    assert bootstrap.orders().get(order_id).status is OrderStatus.SHIPPED
