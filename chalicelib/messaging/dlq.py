"""Dead-letter queues: how many messages each holds, and moving them back to their source queue once the
cause is fixed. Moves copy the FIFO group id (order within a group survives) and delete only after the
copy is sent, so a crash mid-way duplicates at worst — which every consumer tolerates."""
from __future__ import annotations

import uuid
from typing import Any

from chalicelib import names


class SqsDeadLetters:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only callers of this pay
            self._client = boto3.client("sqs")
        return self._client

    def counts(self) -> dict[str, int]:
        out = {}
        for key in names.QUEUES:
            url = self._url(names.dlq_name(key))
            attrs = self.client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            out[key] = int(attrs["Attributes"]["ApproximateNumberOfMessages"])
        return out

    def peek(self, key: str, limit: int = 10) -> list[dict[str, Any]]:
        url = self._url(names.dlq_name(key))
        got = self.client.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, limit), VisibilityTimeout=0,
                                          AttributeNames=["All"]).get("Messages", [])
        return [{"message_id": m["MessageId"], "body": m["Body"],
                 "receive_count": m.get("Attributes", {}).get("ApproximateReceiveCount")} for m in got]

    def redrive(self, key: str, limit: int = 500) -> int:
        source, dlq = self._url(names.queue_name(key)), self._url(names.dlq_name(key))
        fifo = source.endswith(".fifo")
        moved = 0
        while moved < limit:
            batch = self.client.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                                AttributeNames=["All"]).get("Messages", [])
            if not batch:
                break
            for m in batch:
                entry: dict[str, Any] = {"QueueUrl": source, "MessageBody": m["Body"]}
                if fifo:
                    entry["MessageGroupId"] = m.get("Attributes", {}).get("MessageGroupId", "redrive")
                    entry["MessageDeduplicationId"] = f"redrive-{uuid.uuid4().hex}"
                self.client.send_message(**entry)
                self.client.delete_message(QueueUrl=dlq, ReceiptHandle=m["ReceiptHandle"])
                moved += 1
        return moved

    def _url(self, name: str) -> str:
        return str(self.client.get_queue_url(QueueName=name)["QueueUrl"])
