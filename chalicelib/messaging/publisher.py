"""Sends messages to our queues, ten per call (SQS's batch limit), FIFO group and dedup ids kept."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from chalicelib import names


class PublishError(Exception):
    pass


class SqsPublisher:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only callers of this pay
            self._client = boto3.client("sqs")
        return self._client

    def publish(self, queue: str, messages: Iterable[tuple[str, str, str]]) -> None:
        url = self._url(queue)
        fifo = url.endswith(".fifo")
        batch: list[dict[str, Any]] = []
        for n, (body, group, dedup) in enumerate(messages):
            entry: dict[str, Any] = {"Id": str(n), "MessageBody": body}
            if fifo:
                entry["MessageGroupId"] = group
                entry["MessageDeduplicationId"] = dedup[:128]
            batch.append(entry)
            if len(batch) == 10:
                self._send(url, batch)
                batch = []
        if batch:
            self._send(url, batch)

    def _send(self, url: str, entries: list[dict[str, Any]]) -> None:
        response = self.client.send_message_batch(QueueUrl=url, Entries=entries)
        failed = response.get("Failed", [])
        if failed:
            # the caller (a pull job or a webhook) must not move on: it retries the whole set, and the
            # FIFO deduplication id makes the re-sent messages that did go through harmless
            raise PublishError(f"{len(failed)} of {len(entries)} messages not sent: {failed[0].get('Message')}")

    def _url(self, queue: str) -> str:
        return _queue_url(self.client, names.queue_name(queue))


@cache
def _queue_url(client: Any, name: str) -> str:
    return str(client.get_queue_url(QueueName=name)["QueueUrl"])


class CopyingPublisher:
    """Sends what goes to one queue to others as well: every ERP note also feeds the report aggregates
    (services/report_fold.py), so no use case that tells the ERP can forget to tell the reports."""

    def __init__(self, inner: SqsPublisher, copies: dict[str, tuple[str, ...]]) -> None:
        self.inner = inner
        self.copies = copies

    def publish(self, queue: str, messages: Iterable[tuple[str, str, str]]) -> None:
        batch = list(messages)
        self.inner.publish(queue, batch)
        for other in self.copies.get(queue, ()):
            self.inner.publish(other, batch)
