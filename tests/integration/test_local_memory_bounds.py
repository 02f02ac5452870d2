"""The local runtime runs for hours: what moto would keep forever (stream records nobody reads, the
receipt handles of every deleted message) stays bounded."""
from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from infra.tables import TABLE_SPECS, table_properties
from local.runtime import moto_bounds
from local.runtime.cfn import Pseudo
from local.runtime.provision import provision
from tests.local_kit import moto_emulator

pytestmark = pytest.mark.integration
PREFIX = "qihang-oms-boundtest"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from moto_emulator(monkeypatch, PREFIX)


def test_GIVEN_the_table_definitions_THEN_no_table_has_a_stream_nobody_reads() -> None:
    for key in TABLE_SPECS:
        assert "StreamSpecification" not in table_properties(key, f"t-{key}"), key


def test_GIVEN_a_saved_orders_table_with_a_stream_WHEN_provisioned_THEN_the_stream_and_its_records_are_gone(
        emulator: str) -> None:
    from moto.backends import get_backend

    from infra.template import resources
    name = f"{PREFIX}-orders"
    ddb = boto3.client("dynamodb")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    for n in range(5):
        ddb.put_item(TableName=name, Item={"order_id": {"S": f"o{n}"}})
    table = get_backend("dynamodb")["123456789012"]["us-east-1"].tables[name]   # type: ignore[call-overload]
    assert len(table.stream_shard.items) == 5

    provision(resources(), emulator, Pseudo(stack_name=PREFIX))

    assert not ddb.describe_table(TableName=name)["Table"].get("StreamSpecification", {}).get("StreamEnabled")
    assert table.stream_shard is None
    ddb.put_item(TableName=name, Item={"order_id": {"S": "after"}})
    assert ddb.get_item(TableName=name, Key={"order_id": {"S": "o1"}})["Item"]


def test_GIVEN_many_deleted_messages_THEN_the_queue_remembers_only_the_newest_handles_and_a_repeat_delete_works(
        emulator: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.backends import get_backend
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"{PREFIX}-q")["QueueUrl"]
    queue = get_backend("sqs")["123456789012"]["us-east-1"].queues[f"{PREFIX}-q"]   # type: ignore[call-overload]
    monkeypatch.setattr(queue.deleted_messages, "limit", 20)
    last = ""
    for n in range(60):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
        (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
        last = message["ReceiptHandle"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=last)

    assert len(queue.deleted_messages) == 20
    sqs.delete_message(QueueUrl=url, ReceiptHandle=last)      # deleting twice succeeds, as on AWS


def test_GIVEN_a_restored_queue_with_a_plain_set_THEN_it_is_bounded() -> None:
    class Queue:
        def __init__(self) -> None:
            self.deleted_messages: object = {f"h{n}" for n in range(30)}

    class Backend:
        def __init__(self) -> None:
            self.queues = {"q": Queue()}

    backend = Backend()
    moto_bounds.bound_restored({"123": {"us-east-1": backend}})
    handles = backend.queues["q"].deleted_messages
    assert isinstance(handles, moto_bounds.RecentHandles)
    assert len(handles) == 30 and "h3" in handles
