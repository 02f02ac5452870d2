"""Polls each queue the app consumes (`@app.on_sqs_message`) and calls the app's own handler with the
Lambda SQS event, the way the SQS event source mapping does with ReportBatchItemFailures: the messages
listed in `batchItemFailures` stay (and come back after the visibility timeout), the others are deleted;
an exception fails the whole batch. Retries and dead-lettering are the queue's RedrivePolicy, in moto."""
from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError
from chalice.app import SQSEventConfig
from chalice.local import LambdaContext

from local.runtime import arrivals

log = logging.getLogger("local.queues")


@dataclass(frozen=True)
class RunnerOptions:
    endpoint_url: str
    region: str
    account_id: str
    visibility_timeout: int | None = None    # None: the queue's own; a small number speeds up local retries
    idle_wait: float = 0.2                   # seconds between receives when a queue is empty
    wake_on_send: bool = False               # moto runs in this process: a send wakes the poller at once
    wait_seconds: int = 0                    # moto in another process: long-poll it instead
    memory_mb: int = 256
    timeout_ms: int = 900_000
    # pollers per handler (default 1). Lambda runs a FIFO queue's message groups side by side; moto hands a
    # group's next message to nobody while one of its messages is in flight, so N pollers keep that rule
    concurrency: tuple[tuple[str, int], ...] = ()


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"dataType": value["DataType"], "stringListValues": [], "binaryListValues": []}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        out["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return out


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    body = message["Body"]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body,
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {k: _message_attribute(v)
                              for k, v in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def failed_ids(result: Any, batch_ids: set[str]) -> set[str]:
    """The message ids to keep. Like Lambda: a malformed response or an unknown id fails the batch."""
    if not isinstance(result, dict) or "batchItemFailures" not in result:
        return set()
    failures = result["batchItemFailures"] or []
    ids = {f.get("itemIdentifier") if isinstance(f, dict) else None for f in failures}
    if None in ids or "" in ids or not ids <= batch_ids:
        log.error("invalid batchItemFailures %r: the whole batch fails", failures)
        return set(batch_ids)
    return {str(i) for i in ids}


class QueueWorker:
    def __init__(self, app: Any, source: SQSEventConfig, options: RunnerOptions, index: int = 0) -> None:
        self.app = app
        self.source = source
        self.options = options
        self.queue_arn = source.queue_arn or (
            f"arn:aws:sqs:{options.region}:{options.account_id}:{source.queue}")
        self._sqs = boto3.client("sqs", endpoint_url=options.endpoint_url, region_name=options.region,
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"sqs-{source.name}-{index}", daemon=True)
        self.batches = 0
        self.cpu_seconds = 0.0     # the handler's own CPU time (this thread's), for the pipeline bench

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        arrivals.ring(self._queue_name())

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _queue_name(self) -> str:
        return str(self.source.queue_arn.rsplit(":", 1)[-1] if self.source.queue_arn else self.source.queue)

    def _loop(self) -> None:
        try:
            url = self._sqs.get_queue_url(QueueName=self._queue_name())["QueueUrl"]
        except ClientError:
            log.error("%s: queue %s does not exist (is it in infra/?); not polling it", self.source.name,
                      self._queue_name())
            return
        name = self._queue_name()
        while not self._stop.is_set():
            before = arrivals.seen(name)
            try:
                handled = self.poll_once(url)
            except Exception:
                log.exception("%s: polling %s failed", self.source.name, name)
                handled = 0
            if handled:
                continue
            if self.options.wake_on_send:
                arrivals.wait(name, before, self.options.idle_wait, self._stop)
            else:
                self._stop.wait(self.options.idle_wait)

    def poll_once(self, url: str) -> int:
        args: dict[str, Any] = {"QueueUrl": url, "WaitTimeSeconds": self.options.wait_seconds,
                                "MaxNumberOfMessages": max(1, min(self.source.batch_size, 10)),
                                "AttributeNames": ["All"], "MessageAttributeNames": ["All"],
                                "MessageSystemAttributeNames": ["All"]}
        if self.options.visibility_timeout is not None:
            args["VisibilityTimeout"] = self.options.visibility_timeout
        messages = self._sqs.receive_message(**args).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [lambda_record(m, self.queue_arn, self.options.region) for m in messages]}
        context = LambdaContext(self.source.name, self.options.memory_mb, self.options.timeout_ms)
        batch_ids = {m["MessageId"] for m in messages}
        cpu_before = time.thread_time()
        try:
            result = self.app.handler_map[self.source.name](event, context)
        except Exception:
            log.exception("%s: handler raised; the batch of %d stays on the queue", self.source.name,
                          len(messages))
            keep = batch_ids
        else:
            keep = failed_ids(result, batch_ids)
        finally:
            self.cpu_seconds += time.thread_time() - cpu_before
        done = [m for m in messages if m["MessageId"] not in keep]
        if keep:
            log.info("%s: %d of %d messages failed and will be retried", self.source.name, len(keep),
                     len(messages))
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            response = self._sqs.delete_message_batch(QueueUrl=url, Entries=entries)
            for failure in response.get("Failed", []):
                log.error("%s: delete failed: %s", self.source.name, failure)
        self.batches += 1
        return len(messages)


class QueueRunner:
    def __init__(self, app: Any, options: RunnerOptions) -> None:
        pollers = dict(options.concurrency)
        self.workers = [QueueWorker(app, source, options, n) for source in app.event_sources
                        if isinstance(source, SQSEventConfig) for n in range(max(1, pollers.get(source.name, 1)))]

    def start(self) -> None:
        for worker in self.workers:
            worker.start()
            log.info("polling %s for %s (batch %d)", worker.source.queue, worker.source.name,
                     worker.source.batch_size)

    def stop(self, timeout: float = 30.0) -> None:
        """Running batches get `timeout` seconds in all to finish; one still running after that is left
        to the process's exit (its messages come back after their visibility timeout, as on Lambda)."""
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + timeout
        for worker in self.workers:
            worker.join(max(0.0, deadline - time.monotonic()))
