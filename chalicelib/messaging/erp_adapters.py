"""The ERP integration's edge adapters: the webhook HTTP sender (httpx) and the erp-events queue's
visibility change (boto3). Both import their library lazily (a Lambda that never sends a webhook does not
pay for httpx or boto3); bootstrap builds them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.services.erp_ports import SendResult


class HttpxWebhookSender:
    def __init__(self, timeout: float = 5.0) -> None:
        import httpx  # cold start: httpx costs ~1.0 s (importtime, dev box); only webhook senders pay
        self._client = httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)

    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        import httpx  # cold start: httpx costs ~1.0 s (importtime, dev box); only webhook senders pay
        try:
            response = self._client.post(url, headers=dict(headers), content=body)
        except httpx.HTTPError as exc:
            return SendResult(False, 0, f"{type(exc).__name__}: {exc}")
        if 200 <= response.status_code < 300:
            return SendResult(True, response.status_code, body=response.text[:1000])
        return SendResult(False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}",
                          body=response.text[:1000])


class SqsQueueAdmin:
    """Visibility changes on the erp-events queue (its DLQ is inspected and redriven through
    messaging/dlq.py, bootstrap.dead_letters())."""

    def __init__(self, client: Any = None, queue: str = "erp_events") -> None:
        self._client = client
        self.queue = queue

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only callers of this pay
            self._client = boto3.client("sqs")
        return self._client

    def _url(self, name: str) -> str:
        return str(self.client.get_queue_url(QueueName=name)["QueueUrl"])

    def delay(self, source_arn: str, receipt_handle: str, seconds: int) -> None:
        url = self._url(source_arn.rsplit(":", 1)[-1])
        self.client.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)
