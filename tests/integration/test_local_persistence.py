"""What the local runtime holds survives a stop and a start on the same state directory: DynamoDB items,
S3 objects, SQS messages (visible and in flight, with their group ids and receive counts), KMS keys."""
from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import boto3
import pytest
from chalice import Chalice

from local.runtime import LocalRuntime, RuntimeConfig
from local.runtime.snapshot import SnapshotVersionError
from tests.local_kit import _names, _runtime

pytestmark = pytest.mark.integration


def test_GIVEN_items_objects_and_messages_WHEN_the_runtime_restarts_THEN_everything_is_still_there(
        tmp_path: Path) -> None:
    with _runtime(tmp_path) as rt:
        table, bucket, fifo_url, std_url = _names(rt)
        ddb, s3, sqs, kms = (boto3.client(s) for s in ("dynamodb", "s3", "sqs", "kms"))
        for i in range(50):
            ddb.put_item(TableName=table, Item={"order_id": {"S": f"o-{i}"}, "shop_id": {"S": "shop-1"},
                                                "updated_at": {"S": f"2026-01-01T00:00:{i:02d}"}})
        s3.put_object(Bucket=bucket, Key="raw/taobao/1.json", Body=b'{"tid": 1}')
        sqs.send_message(QueueUrl=fifo_url, MessageBody="fifo-1", MessageGroupId="shop-1",
                         MessageDeduplicationId="dedup-1")
        sqs.send_message(QueueUrl=std_url, MessageBody="job-1", MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "pull"}})
        sqs.send_message(QueueUrl=std_url, MessageBody="job-2")
        inflight = sqs.receive_message(QueueUrl=std_url, MaxNumberOfMessages=1, VisibilityTimeout=2)["Messages"]
        key_id = rt.provisioned.keys["SecretsKey"]["id"]
        sealed = kms.encrypt(KeyId=key_id, Plaintext=b"shop token")["CiphertextBlob"]
        secret_before = (tmp_path / "jwt.secret").read_text()

    assert "AWS_ENDPOINT_URL" not in os.environ       # the stopped runtime put the environment back
    with _runtime(tmp_path) as rt:
        assert _names(rt)[:2] == (table, bucket)
        assert rt.provisioned.created == []
        assert rt.provisioned.keys["SecretsKey"]["id"] == key_id
        ddb, s3, sqs, kms = (boto3.client(s) for s in ("dynamodb", "s3", "sqs", "kms"))
        _, _, fifo_url, std_url = _names(rt)
        assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 50
        found = ddb.query(TableName=table, IndexName="by_shop_updated",
                          KeyConditionExpression="shop_id = :s", ExpressionAttributeValues={":s": {"S": "shop-1"}})
        assert found["Count"] == 50
        assert s3.get_object(Bucket=bucket, Key="raw/taobao/1.json")["Body"].read() == b'{"tid": 1}'
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"shop token"
        fifo = sqs.receive_message(QueueUrl=fifo_url, AttributeNames=["All"])["Messages"]
        assert [m["Body"] for m in fifo] == ["fifo-1"]
        assert fifo[0]["Attributes"]["MessageGroupId"] == "shop-1"
        assert fifo[0]["Attributes"]["MessageDeduplicationId"] == "dedup-1"
        visible = sqs.receive_message(QueueUrl=std_url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                      MessageAttributeNames=["All"], WaitTimeSeconds=3)["Messages"]
        bodies = {m["Body"]: m for m in visible}
        # the in-flight message comes back once its visibility timeout has passed, with its receive count
        if len(bodies) < 2:
            more = sqs.receive_message(QueueUrl=std_url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                       MessageAttributeNames=["All"], WaitTimeSeconds=3)["Messages"]
            bodies.update({m["Body"]: m for m in more})
        assert set(bodies) == {"job-1", "job-2"}
        assert bodies["job-1"]["MessageAttributes"]["kind"]["StringValue"] == "pull"
        assert bodies[inflight[0]["Body"]]["Attributes"]["ApproximateReceiveCount"] == "2"
        assert (tmp_path / "jwt.secret").read_text() == secret_before
        assert (tmp_path / "jwt.secret").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "local.key").stat().st_mode & 0o777 == 0o600


def test_GIVEN_a_saved_state_WHEN_started_with_reset_THEN_the_data_is_gone(tmp_path: Path) -> None:
    with _runtime(tmp_path) as rt:
        table = rt.provisioned.tables["UsersTable"]["name"]
        boto3.client("dynamodb").put_item(TableName=table, Item={"username": {"S": "admin"}})
    with _runtime(tmp_path, reset=True) as rt:
        assert boto3.client("dynamodb").scan(TableName=table, Select="COUNT")["Count"] == 0
        assert "UsersTable" in rt.provisioned.created


def test_GIVEN_a_snapshot_from_another_moto_WHEN_starting_THEN_it_is_refused_and_left_untouched(
        tmp_path: Path) -> None:
    with _runtime(tmp_path):
        pass
    snapshot = tmp_path / "moto.snapshot"
    forged = pickle.dumps({"format": 1, "moto": "4.0.0", "python": [3, 11], "saved_at": 0.0}) + b"junk"
    snapshot.write_bytes(forged)
    with pytest.raises(SnapshotVersionError, match=r"moto 4\.0\.0.*--reset"):
        _runtime(tmp_path).start()
    assert snapshot.read_bytes() == forged


def test_GIVEN_a_periodic_interval_WHEN_writes_happen_THEN_a_snapshot_is_written_without_a_stop(
        tmp_path: Path) -> None:
    config = RuntimeConfig(state_dir=tmp_path, port=0, moto_port=0, snapshot_interval=0.2, ui_dir=None,
                           run_queues=False, run_schedules=False, run_hooks=False)
    with LocalRuntime(config, Chalice(app_name="persistence-test")) as rt:
        snapshot = tmp_path / "moto.snapshot"
        table = rt.provisioned.tables["UsersTable"]["name"]
        boto3.client("dynamodb").put_item(TableName=table, Item={"username": {"S": "u1"}})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (snapshot.exists() and b"u1" in snapshot.read_bytes()):
            time.sleep(0.05)
        assert b"u1" in snapshot.read_bytes()
        assert not list(tmp_path.glob(".*.tmp"))
