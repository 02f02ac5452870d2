"""The local queue pollers sleep until a message is sent to their queue (moto runs in the same process)."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from local.runtime import arrivals


@pytest.fixture
def queues() -> Iterator[dict[str, str]]:
    arrivals.apply()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        yield {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("watched", "other")}


def _waiter(name: str, stop: threading.Event) -> tuple[threading.Thread, list[bool]]:
    woke: list[bool] = []
    since = arrivals.seen(name)
    thread = threading.Thread(target=lambda: woke.append(arrivals.wait(name, since, 30, stop)))
    thread.start()
    return thread, woke


def test_given_a_waiting_poller_when_a_message_is_sent_to_its_queue_then_it_wakes(queues: dict[str, str]) -> None:
    thread, woke = _waiter("watched", threading.Event())
    boto3.client("sqs", region_name="us-east-1").send_message(QueueUrl=queues["watched"], MessageBody="x")
    thread.join(10)
    assert woke == [True]


def test_given_a_waiting_poller_when_a_batch_goes_to_another_queue_then_it_sleeps_on(queues: dict[str, str]) -> None:
    stop = threading.Event()
    since = arrivals.seen("watched")
    boto3.client("sqs", region_name="us-east-1").send_message_batch(
        QueueUrl=queues["other"], Entries=[{"Id": "1", "MessageBody": "x"}])
    assert arrivals.seen("watched") == since
    assert arrivals.wait("watched", since, 0.05, stop) is False


def test_given_a_waiting_poller_when_stopped_then_it_wakes() -> None:
    stop = threading.Event()
    thread, woke = _waiter("watched", stop)
    stop.set()
    arrivals.ring("watched")
    thread.join(10)
    assert woke == [True]
