"""The orders queue consumer through the real app handler into DynamoDB (moto)."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.codec import to_doc
from chalicelib.domain.status import OrderStatus
from chalicelib.services.queue_messages import OrderMessage
from tests.aws import aws, create_queues
from tests.events import sqs_event
from tests.factories import canonical_order


@pytest.fixture
def client() -> Iterator[Client]:
    with aws(("orders", "shop_skus", "sync", "stock")):
        create_queues()
        bootstrap.reset()
        with Client(app, stage_name="test") as c:
            yield c
        bootstrap.reset()


def message(order_no: str, minutes: int = 0, status: OrderStatus = OrderStatus.AWAITING_SHIPMENT) -> str:
    snapshot = canonical_order(order_no, minutes=minutes, status=status)
    return OrderMessage(shop_id="shopA", order_no=order_no, version=snapshot.version,
                        snapshot=to_doc(snapshot)).model_dump_json()


def invoke(client: Client, bodies: list[str], groups: list[str] | None = None) -> dict:
    event = sqs_event(bodies, names.queue_name("orders"), groups)
    result = client.lambda_.invoke("on_order_message", event).payload
    return {"result": result, "ids": [r["messageId"] for r in event["Records"]]}


def test_given_order_messages_when_consumed_then_orders_are_in_dynamodb(client: Client) -> None:
    out = invoke(client, [message("5001"), message("5002")])
    assert out["result"] == {"batchItemFailures": []}
    stored = bootstrap.orders().get("shopA-5001")
    assert stored.order_no == "5001" and stored.revision == 1


def test_given_a_poison_message_then_only_it_is_reported_failed(client: Client) -> None:
    out = invoke(client, [message("5003"), "{not json", message("5004")])
    assert out["result"]["batchItemFailures"] == [{"itemIdentifier": out["ids"][1]}]
    assert bootstrap.orders().get("shopA-5004") is not None


def test_given_a_failure_in_a_fifo_group_then_later_messages_of_that_group_are_not_run(client: Client) -> None:
    bodies = [json.dumps({"kind": "order"}), message("6001", minutes=5), message("6002")]
    out = invoke(client, bodies, groups=["shopA-6001", "shopA-6001", "shopA-6002"])
    assert out["result"]["batchItemFailures"] == [{"itemIdentifier": i} for i in out["ids"][:2]]
    assert bootstrap.orders().get("shopA-6001") is None
    assert bootstrap.orders().get("shopA-6002") is not None


def test_given_duplicates_and_an_older_version_then_the_newest_stays(client: Client) -> None:
    shipped = message("7001", 9, OrderStatus.SHIPPED)
    invoke(client, [shipped, message("7001", 1), shipped])
    stored = bootstrap.orders().get("shopA-7001")
    assert stored.status is OrderStatus.SHIPPED and stored.revision == 1


def test_given_applied_orders_then_the_erp_events_queue_is_told_once_per_version(client: Client) -> None:
    import boto3
    invoke(client, [message("8001"), message("8001"), message("8002", 3)])
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name("erp_events"))["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    notes = sorted(json.loads(m["Body"])["id"] for m in got)
    assert notes == ["shopA-8001", "shopA-8002"]


class _PlatformDown:
    def get_order(self, order_no: str) -> None:
        from chalicelib.services.platform_errors import TransientError
        raise TransientError("system busy", code="15")


def test_GIVEN_a_push_the_platform_cannot_show_now_WHEN_consumed_THEN_it_is_let_go_for_the_next_pull(
        client: Client) -> None:
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from tests.fakes import InMemoryShopRepository
    shops = InMemoryShopRepository()
    shops.add(Shop("shopA", "店", Platform.DOUYIN, "seller-1", app_key="k"))
    push = OrderMessage(shop_id="shopA", order_no="7001", source="push").model_dump_json()
    repair = OrderMessage(shop_id="shopA", order_no="7002", source="repair").model_dump_json()
    with bootstrap.override(shops=shops, clients=lambda shop: _PlatformDown()):
        out = invoke(client, [push, repair], groups=["shopA-7001", "shopA-7002"])
    # the push does not hold its order's FIFO group for the visibility timeout; an operator's repair is retried
    assert out["result"]["batchItemFailures"] == [{"itemIdentifier": out["ids"][1]}]
    assert bootstrap.orders().get("shopA-7001") is None


def test_given_a_presale_before_its_date_when_consumed_then_it_waits_and_the_scheduled_look_releases_it(
        client: Client) -> None:
    from datetime import datetime, timedelta

    from chalicelib.domain.status import ErpHandoff, HoldReason
    from chalicelib.services.platform_types import SHANGHAI
    from chalicelib.services.presale import release_due_presales
    from tests.fakes import FixedClock

    now = datetime.now(SHANGHAI)
    snapshot = canonical_order("9101", order_type="presale", ship_by_at=now + timedelta(days=10))
    body = OrderMessage(shop_id="shopA", order_no="9101", version=snapshot.version,
                        snapshot=to_doc(snapshot)).model_dump_json()
    assert invoke(client, [body])["result"] == {"batchItemFailures": []}
    held = bootstrap.orders().get("shopA-9101")
    assert HoldReason.PRESALE_WAITING in held.holds and held.erp_handoff is ErpHandoff.NOT_READY
    assert release_due_presales(bootstrap.orders(), FixedClock(now + timedelta(days=6))) == 0
    assert release_due_presales(bootstrap.orders(), FixedClock(now + timedelta(days=7, minutes=1))) == 1
    released = bootstrap.orders().get("shopA-9101")
    assert HoldReason.PRESALE_WAITING not in released.holds
    assert released.history[-1].summary == "released: presale_waiting"
