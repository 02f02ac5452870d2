"""The reports path through the real app handlers on DynamoDB and SQS (moto): the orders consumer applies
orders and sends its ERP notes, the publisher copies them to the reports queue, the reports consumer folds
them (duplicates and all) into the aggregates the summary reads."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.codec import to_doc
from chalicelib.domain.report_aggregates import day_key
from chalicelib.domain.status import OrderStatus
from chalicelib.services.queue_messages import OrderMessage
from chalicelib.services.reports import summary
from tests.aws import aws, create_queues
from tests.events import sqs_event
from tests.factories import canonical_order


@pytest.fixture
def client() -> Iterator[Client]:
    with aws(("orders", "shop_skus", "sync", "stock", "reports", "after_sales", "shipments")):
        create_queues()
        bootstrap.reset()
        with Client(app, stage_name="test") as c:
            yield c
        bootstrap.reset()


def _message(order_no: str, status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, minutes: int = 0) -> str:
    snapshot = canonical_order(order_no, minutes=minutes, status=status)
    return OrderMessage(shop_id="shopA", order_no=order_no, version=snapshot.version,
                        snapshot=to_doc(snapshot)).model_dump_json()


def _drain_reports() -> list[str]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name("reports"))["QueueUrl"]
    bodies: list[str] = []
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [m["Body"] for m in got]
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(got)])
    return bodies


def test_given_orders_consumed_when_the_reports_consumer_folds_their_notes_twice_then_each_counts_once(
        client: Client) -> None:
    orders_event = sqs_event([_message("9101"), _message("9102"), _message("9103")], names.queue_name("orders"))
    assert client.lambda_.invoke("on_order_message", orders_event).payload == {"batchItemFailures": []}
    notes = _drain_reports()
    assert len(notes) == 3
    reports_event = sqs_event([*notes, *reversed(notes)], names.queue_name("reports"))
    assert client.lambda_.invoke("on_report_note", reports_event).payload == {"batchItemFailures": []}
    shipped = sqs_event([_message("9101", OrderStatus.SHIPPED, minutes=5)], names.queue_name("orders"))
    client.lambda_.invoke("on_order_message", shipped)
    client.lambda_.invoke("on_report_note", sqs_event(_drain_reports() * 2, names.queue_name("reports")))
    got = bootstrap.report_store().get([day_key("2026-11-20", "t")])[day_key("2026-11-20", "t")].values
    assert (got["o"], got["u"], got["g"], got["s"]) == (3, 6, 3 * 3580, 1)
    figures = summary(bootstrap.report_store(), datetime(2026, 11, 20, 6, 0, tzinfo=UTC), ["shopA"])
    assert (figures["today"]["orders"], figures["to_ship"]) == (3, 2)
