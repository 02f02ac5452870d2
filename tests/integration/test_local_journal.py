"""A hard kill loses nothing the runtime answered: the changes since the last snapshot are journaled
before the answer and replayed on top of the snapshot at the next start."""
from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest

from local.runtime import LocalRuntime, journal, snapshot
from tests.local_kit import _names, _runtime

pytestmark = pytest.mark.integration


def killed(rt: LocalRuntime) -> None:
    """What SIGKILL leaves: no final snapshot, the emulator's memory gone, the files as they are."""
    assert rt.moto is not None and rt.journal is not None
    rt.moto.stop()
    snapshot.reset_backends()
    rt.journal.close()
    for key, value in rt._saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_GIVEN_writes_after_the_last_snapshot_WHEN_killed_THEN_a_restart_has_every_answered_one(
        tmp_path: Path) -> None:
    rt = _runtime(tmp_path).start()          # no periodic snapshot: only the start's
    table, bucket, fifo_url, _ = _names(rt)
    ddb, s3, sqs = (boto3.client(s) for s in ("dynamodb", "s3", "sqs"))
    for i in range(40):
        ddb.put_item(TableName=table, Item={"order_id": {"S": f"o-{i}"}, "memo": {"S": f"v{i}"}})
    ddb.update_item(TableName=table, Key={"order_id": {"S": "o-3"}}, UpdateExpression="SET memo = :m",
                    ConditionExpression="memo = :old",
                    ExpressionAttributeValues={":m": {"S": "edited"}, ":old": {"S": "v3"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):    # refused: not journaled
        ddb.put_item(TableName=table, Item={"order_id": {"S": "o-4"}, "memo": {"S": "lost"}},
                     ConditionExpression="attribute_not_exists(order_id)")
    ddb.delete_item(TableName=table, Key={"order_id": {"S": "o-5"}})
    s3.put_object(Bucket=bucket, Key="raw/after-snapshot.json", Body=b"{}")
    sqs.send_message(QueueUrl=fifo_url, MessageBody="sent-after", MessageGroupId="g", MessageDeduplicationId="d")
    killed(rt)

    with _runtime(tmp_path) as again:
        table, bucket, fifo_url, _ = _names(again)
        ddb, s3, sqs = (boto3.client(s) for s in ("dynamodb", "s3", "sqs"))
        assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 39
        assert ddb.get_item(TableName=table, Key={"order_id": {"S": "o-3"}})["Item"]["memo"]["S"] == "edited"
        assert ddb.get_item(TableName=table, Key={"order_id": {"S": "o-4"}})["Item"]["memo"]["S"] == "v4"
        assert s3.get_object(Bucket=bucket, Key="raw/after-snapshot.json")["Body"].read() == b"{}"
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo_url)["Messages"]] == ["sent-after"]
    assert journal.generations(tmp_path) == [max(journal.generations(tmp_path))]   # older ones dropped


def test_GIVEN_a_record_torn_by_the_kill_THEN_the_records_before_it_replay(tmp_path: Path) -> None:
    rt = _runtime(tmp_path).start()
    table = _names(rt)[0]
    ddb = boto3.client("dynamodb")
    for i in range(5):
        ddb.put_item(TableName=table, Item={"order_id": {"S": f"o-{i}"}})
    killed(rt)
    path = journal.journal_path(tmp_path, max(journal.generations(tmp_path)))
    path.write_bytes(path.read_bytes()[:-7])
    with _runtime(tmp_path) as again:
        assert boto3.client("dynamodb").scan(TableName=_names(again)[0], Select="COUNT")["Count"] == 4
