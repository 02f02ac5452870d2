"""Creates the tables and queues of infra/ inside moto, as the local runtime and AWS do."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3

from chalicelib import names
from infra.tables import TABLE_SPECS, create_table_args, table_properties


def create_tables(only: tuple[str, ...] = ()) -> None:
    client = boto3.client("dynamodb")
    wanted = set(only) | ({"reports"} if "orders" in only else set())   # the counters are report aggregates
    for key in TABLE_SPECS:
        if only and key not in wanted:
            continue
        client.create_table(**create_table_args(table_properties(key, names.table_name(key))))


def create_queues() -> dict[str, str]:
    sqs = boto3.client("sqs")
    urls: dict[str, str] = {}
    for key, (fifo, timeout) in names.QUEUES.items():
        attrs: dict[str, Any] = {"FifoQueue": "true"} if fifo else {}
        dlq = sqs.create_queue(QueueName=names.dlq_name(key), Attributes=attrs)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "5"})
        urls[key] = sqs.create_queue(QueueName=names.queue_name(key), Attributes={
            **attrs, "VisibilityTimeout": str(6 * timeout), "RedrivePolicy": redrive})["QueueUrl"]
    return urls


@contextmanager
def aws(tables: tuple[str, ...] = ()) -> Iterator[None]:
    from moto import mock_aws
    with mock_aws():
        create_tables(tables)
        yield


@contextmanager
def one_request_at_a_time() -> Iterator[None]:
    """DynamoDB applies each request atomically (a conditional write is checked and written as one); moto's
    in-process backend does not when threads call it at once (CI saw two threads both pass one conditional
    write), so race tests send moto's requests one at a time: the races between requests stay real."""
    import threading

    from botocore.client import BaseClient
    lock, call = threading.Lock(), BaseClient._make_api_call

    def atomic(client: Any, operation: str, params: Any) -> Any:
        with lock:
            return call(client, operation, params)

    BaseClient._make_api_call = atomic  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseClient._make_api_call = call  # type: ignore[method-assign]
