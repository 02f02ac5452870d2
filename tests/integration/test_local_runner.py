"""The local runtime runs an app's own SQS handlers and schedules, the way Lambda would: messages land in
DynamoDB, partial batch failures keep only the failed messages, poison messages reach the DLQ after
maxReceiveCount receives, schedules fire."""
from __future__ import annotations

import collections
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice import Chalice, Rate

from local.runtime import LocalRuntime, RuntimeConfig
from tests.local_kit import MAX_RECEIVES, _queue, wait_for

pytestmark = pytest.mark.integration



def resources() -> dict[str, Any]:
    return {
        "ItemsTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": "rt-items", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
        "ItemsDlq": _queue("rt-items-dlq.fifo", fifo=True),
        "ItemsQueue": _queue("rt-items.fifo", "ItemsDlq", fifo=True),
        "PartialDlq": _queue("rt-partial-dlq"),
        "PartialQueue": _queue("rt-partial", "PartialDlq"),
    }


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bodies: collections.Counter[str] = collections.Counter()
        self.receives: collections.Counter[str] = collections.Counter()
        self.ticks: list[dict[str, Any]] = []


def make_app(rec: Recorder) -> Chalice:
    app = Chalice(app_name="runner-test")

    @app.on_sqs_message(queue="rt-items.fifo", batch_size=5)
    def store(event: Any) -> None:
        table = boto3.resource("dynamodb").Table("rt-items")
        for record in event:
            raw = record.to_dict()
            table.put_item(Item={"id": record.body, "group": raw["attributes"]["MessageGroupId"],
                                 "source": raw["eventSourceARN"],
                                 "note": raw["messageAttributes"]["note"]["stringValue"]})

    @app.on_sqs_message(queue="rt-partial", batch_size=10)
    def partial(event: Any) -> dict[str, Any]:
        failures = []
        for record in event:
            raw = record.to_dict()
            with rec.lock:
                rec.receives[record.body] += 1
            if record.body.startswith("poison"):
                failures.append({"itemIdentifier": raw["messageId"]})
            else:
                with rec.lock:
                    rec.bodies[record.body] += 1
        return {"batchItemFailures": failures}

    @app.schedule(Rate(1, unit=Rate.MINUTES))
    def every_minute(event: Any) -> None:
        rec.ticks.append(event.to_dict())

    return app


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[tuple[LocalRuntime, Recorder]]:
    rec = Recorder()
    config = RuntimeConfig(state_dir=tmp_path / "state", port=0, moto_port=0, snapshot_interval=0,
                           tick_scale=240, visibility_timeout=1, idle_wait=0.05, ui_dir=None, run_hooks=False)
    rt = LocalRuntime(config, make_app(rec), resources=resources)
    rt.start()
    yield rt, rec
    rt.stop()


def test_GIVEN_messages_on_a_fifo_queue_WHEN_the_runner_polls_THEN_the_handler_writes_them_to_dynamodb(
        runtime: tuple[LocalRuntime, Recorder]) -> None:
    rt, _ = runtime
    sqs = boto3.client("sqs")
    url = rt.provisioned.queue_url("rt-items.fifo")
    for i in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"item-{i}", MessageGroupId=f"g{i % 3}",
                         MessageAttributes={"note": {"DataType": "String", "StringValue": f"n{i}"}})
    table = boto3.resource("dynamodb").Table("rt-items")
    wait_for(lambda: table.scan()["Count"] == 12)
    item = table.get_item(Key={"id": "item-4"})["Item"]
    assert item == {"id": "item-4", "group": "g1", "note": "n4",
                    "source": "arn:aws:sqs:us-east-1:123456789012:rt-items.fifo"}
    wait_for(lambda: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"][
        "ApproximateNumberOfMessagesNotVisible"] == "0")
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_GIVEN_a_poison_message_in_a_batch_WHEN_the_handler_reports_it_THEN_it_reaches_the_dlq_and_the_rest_run_once(
        runtime: tuple[LocalRuntime, Recorder]) -> None:
    rt, rec = runtime
    sqs = boto3.client("sqs")
    url = rt.provisioned.queue_url("rt-partial")
    dlq = rt.provisioned.queue_url("rt-partial-dlq")
    assert url and dlq
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": body} for i, body in enumerate(["ok-1", "poison-1", "ok-2", "ok-3"])])

    def in_dlq() -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, AttributeNames=["All"],
                                   VisibilityTimeout=0).get("Messages", [])

    wait_for(lambda: len(in_dlq()) == 1, timeout=20)
    dead = in_dlq()[0]
    assert dead["Body"] == "poison-1"
    assert rec.receives["poison-1"] == MAX_RECEIVES
    time.sleep(1.5)       # longer than the visibility timeout: nothing processed comes back
    assert rec.bodies == {"ok-1": 1, "ok-2": 1, "ok-3": 1}
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_GIVEN_a_handler_that_raises_WHEN_polled_THEN_the_whole_batch_stays_for_a_retry(
        runtime: tuple[LocalRuntime, Recorder]) -> None:
    rt, _ = runtime
    assert rt.runner is not None
    worker = next(w for w in rt.runner.workers if w.source.name == "store")
    sqs = boto3.client("sqs")
    url = rt.provisioned.queue_url("rt-items.fifo")
    assert url
    worker.stop()
    worker.join(5)
    sqs.send_message(QueueUrl=url, MessageBody="no-note", MessageGroupId="g")   # handler: KeyError
    assert worker.poll_once(url) == 1
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    time.sleep(1.1)
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    assert again[0]["Body"] == "no-note" and again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_GIVEN_a_rate_schedule_WHEN_time_is_scaled_THEN_it_fires_with_a_scheduled_event(
        runtime: tuple[LocalRuntime, Recorder]) -> None:
    _, rec = runtime
    wait_for(lambda: len(rec.ticks) >= 2, timeout=5)
    tick = rec.ticks[0]
    assert tick["detail-type"] == "Scheduled Event" and tick["source"] == "aws.events"
    assert tick["resources"][0].startswith("arn:aws:events:us-east-1:123456789012:rule/")
