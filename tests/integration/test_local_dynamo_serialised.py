"""The local AWS emulator runs one DynamoDB call at a time (local/runtime/moto_server.DynamoSerialiser):
moto walks a table's dict on every index Query while other request threads insert into it, and checks a
condition before it writes. Under threads that gave 500s ("dictionary changed size during iteration") in
the browser tier; DynamoDB itself never fails a read for a concurrent write, nor lets two conditional
creates of one key both succeed."""
from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local.runtime.moto_server import Gate, GatedMotoServer, start_moto

TABLE = "serialised"
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=20)


@pytest.fixture(scope="module")
def emulator() -> Iterator[GatedMotoServer]:
    server = start_moto("127.0.0.1", 0, Gate())
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(emulator: GatedMotoServer) -> Any:
    host, port = emulator.get_host_and_port()
    dynamodb = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                            aws_access_key_id="fake", aws_secret_access_key="fake", config=NO_RETRIES)
    dynamodb.create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    for start in range(0, 3000, 25):       # a walk long enough for the writers' threads to cut into
        dynamodb.batch_write_item(RequestItems={TABLE: [
            {"PutRequest": {"Item": {"pk": {"S": f"seed-{i}"}, "g": {"S": "one"}}}} for i in range(start, start + 25)]})
    return dynamodb


def _run(threads: list[threading.Thread]) -> None:
    """The server runs in this process: switching threads every microsecond cuts into moto's walks."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)


def test_GIVEN_writers_inserting_WHEN_index_queries_run_at_once_THEN_no_call_fails(client: Any) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(150):
                client.put_item(TableName=TABLE, Item={"pk": {"S": f"w{n}-{i}"}, "g": {"S": "one"}})
        except BaseException as exc:
            errors.append(exc)

    def query() -> None:
        try:
            for _ in range(60):
                client.query(TableName=TABLE, IndexName="by_g", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "one"}}, Limit=5)
        except BaseException as exc:
            errors.append(exc)

    _run([threading.Thread(target=write, args=(n,)) for n in range(4)] + [threading.Thread(target=query)
                                                                          for _ in range(4)])
    assert errors == []


def test_GIVEN_many_threads_WHEN_each_creates_one_key_if_absent_THEN_exactly_one_succeeds(client: Any) -> None:
    wins: list[int] = []
    refused: list[int] = []

    def create(n: int) -> None:
        try:
            client.put_item(TableName=TABLE, Item={"pk": {"S": "contested"}, "g": {"S": str(n)}},
                            ConditionExpression="attribute_not_exists(pk)")
            wins.append(n)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                refused.append(n)

    _run([threading.Thread(target=create, args=(n,)) for n in range(16)])
    assert len(wins) == 1 and len(refused) == 15
