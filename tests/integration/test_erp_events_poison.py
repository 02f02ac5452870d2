"""Poison notes on the erp-events queue (issue 18): a body that can never be processed reaches the DLQ after
the queue's receives, without the backoff meant for a down ERP, and without holding back the notes queued
behind it in its FIFO group; on moto's queues (real redrive policy) with the real consumer, polled the way
the local queue runner polls."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from app import app
from chalicelib import bootstrap, names
from chalicelib.services.erp_events import Note
from local.runtime.queue_runner import QueueWorker, RunnerOptions
from tests.erp_kit import moto_world, new_client, ready_order

POISON = {
    "not JSON": "{nope",
    "empty": "",
    "a list": "[1, 2]",
    "null": "null",
    "no id": json.dumps({"kind": "order", "shop_id": "S1"}),
    "an unknown kind": json.dumps({"kind": "invoice", "id": "S1-1", "shop_id": "S1"}),
    "an id that is an object": json.dumps({"kind": "order", "id": {"a": 1}, "shop_id": "S1"}),
    "a kind that is a number": json.dumps({"kind": 5, "id": "S1-1"}),
    "an id over DynamoDB's key limit": json.dumps({"kind": "order", "id": "S1-" + "9" * 3000, "shop_id": "S1"}),
    "deeply nested": "[" * 100_000 + "]" * 100_000,
}


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w:
        new_client()          # a subscribed client: notes are read, not skipped
        yield w


def send(url: str, body: str, group: str, n: int) -> None:
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group,
                                     MessageDeduplicationId=f"d{n}")


def counts(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(v) for v in attributes["Attributes"].values())


def test_given_poison_notes_then_each_reaches_the_dlq_after_the_queues_receives_and_good_notes_go_on(
        world: dict[str, Any]) -> None:
    queue = world["queues"]["erp_events"]
    dlq = boto3.client("sqs").get_queue_url(QueueName=names.dlq_name("erp_events"))["QueueUrl"]
    good = ready_order()
    for n, body in enumerate(POISON.values()):
        send(queue, body, f"G{n}", n)
    send(queue, json.dumps({"kind": "order", "id": good, "shop_id": "S1"}), "G0", 100)   # behind a poison note
    source = next(s for s in app.event_sources if getattr(s, "name", "") == "on_erp_event")
    # mock_aws answers for AWS's own endpoint in this process: the runner needs no moto server
    worker = QueueWorker(app, source, RunnerOptions(endpoint_url="https://sqs.us-east-1.amazonaws.com",
                                                    region="us-east-1", account_id="123456789012"))
    for _ in range(12):                          # maxReceiveCount is 5: a sixth receive moves a note
        worker.poll_once(queue)
    assert counts(dlq) == len(POISON)
    assert counts(queue) == 0
    assert [e["type"] for e in bootstrap.webhook_sender().events()] == ["order.created"]


@pytest.mark.parametrize("case", POISON)
def test_given_a_body_that_is_no_note_then_parsing_refuses_it(case: str) -> None:
    with pytest.raises(ValueError):
        Note.parse(POISON[case])
