"""moto's server, in this process, on loopback. Every request passes a gate, so a snapshot can pause
the emulator between requests and pickle a consistent state."""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from moto.moto_server import werkzeug_app
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from local.runtime.journal import Journal, is_candidate, read_body, record
from local.runtime.keepalive import KeepAliveRequestHandler

FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_SESSION_TOKEN": "testing", "AWS_SECURITY_TOKEN": "testing"}


# operations that change nothing: they do not make a new snapshot necessary (a receive that returned
# messages does: it moved their visibility and receive count)
_READS = frozenset({
    "DynamoDB_20120810.GetItem", "DynamoDB_20120810.BatchGetItem", "DynamoDB_20120810.Query",
    "DynamoDB_20120810.Scan", "DynamoDB_20120810.TransactGetItems", "DynamoDB_20120810.DescribeTable",
    "DynamoDB_20120810.ListTables", "DynamoDB_20120810.DescribeTimeToLive",
    "DynamoDB_20120810.DescribeContinuousBackups", "DynamoDB_20120810.ListTagsOfResource",
    "AmazonSQS.GetQueueUrl", "AmazonSQS.GetQueueAttributes", "AmazonSQS.ListQueues",
    "TrentService.Encrypt", "TrentService.Decrypt", "TrentService.GenerateDataKey",
    "TrentService.GenerateDataKeyWithoutPlaintext", "TrentService.DescribeKey", "TrentService.ListKeys",
    "TrentService.ListAliases", "TrentService.ListResourceTags", "TrentService.GetKeyRotationStatus",
    "DynamoDBStreams_20120810.DescribeStream", "DynamoDBStreams_20120810.ListStreams",
    "DynamoDBStreams_20120810.GetRecords", "DynamoDBStreams_20120810.GetShardIterator",
})


def is_change(environ: dict[str, Any], body: list[bytes]) -> bool:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target == "AmazonSQS.ReceiveMessage":
        return any(b"ReceiptHandle" in chunk for chunk in body)
    if target:
        return target not in _READS
    return environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD")     # S3 and the query protocols


class Gate:
    """Many requests at once, or one snapshot alone (the snapshot waits for running requests and
    blocks new ones). `changes` counts the requests that may have changed state, so an idle emulator
    (pollers finding empty queues included) is not snapshotted again."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._exclusive = False
        self._waiting = 0
        self.changes = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def changed(self) -> None:
        with self._cond:
            self.changes += 1

    def _acquire_exclusive(self) -> None:
        with self._cond:
            self._waiting += 1
            while self._exclusive or self._active:
                self._cond.wait()
            self._waiting -= 1
            self._exclusive = True

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        self._acquire_exclusive()
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()

    def close(self) -> None:
        """Exclusive for good: a process about to exit takes its last snapshot and no request runs after
        it, so nothing is answered (acknowledged) that the snapshot does not hold."""
        self._acquire_exclusive()


DYNAMODB = "DynamoDB_20120810."


class DynamoSerialiser:
    """One DynamoDB call at a time, as DynamoDB's per-item atomicity needs: moto's tables are plain dicts
    that a Query walks (`all_items`) while another request thread inserts ("dictionary changed size during
    iteration", a 500 seen in the browser tier), and a conditional write checks and then writes, so two
    threads could both pass one condition. Other services are left concurrent: an SQS receive long-polls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def around(self, environ: dict[str, Any]) -> AbstractContextManager[Any]:
        return self._lock if environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB) else nullcontext()


class GatedMotoServer(ThreadedMotoServer):
    def __init__(self, host: str, port: int, gate: Gate) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self.gate = gate
        self.error: BaseException | None = None
        # moto answers every origin by default (flask-cors on every service): off, so the buckets' own CORS
        # rules decide, as on S3 (the images bucket allows only the UI's origin). Only the browser's uploads
        # reach moto cross-origin; everything else is a server-side SDK call, which CORS does not concern.
        werkzeug_app.DISABLE_GLOBAL_CORS = True
        self.app = DomainDispatcherApplication(create_backend_app)
        self.journal: Journal | None = None       # set once the runtime's first snapshot is taken

    def _server_entry(self) -> None:
        app = self.app
        gate = self.gate
        dynamo = DynamoSerialiser()

        def gated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            with gate.shared():
                journal = self.journal
                if journal is not None and journal.enabled and is_candidate(environ, _READS):
                    return journaled(journal, environ, start_response)
                # moto answers with a complete body: materialise it inside the gate
                with dynamo.around(environ):
                    body = list(app(environ, start_response))
                if is_change(environ, body):
                    gate.changed()
                return body

        def journaled(journal: Journal, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            """Applied and appended under one lock (the journal's order is moto's), appended before the
            answer leaves: what the caller sees answered is on its way to disk."""
            entry = record(environ, read_body(environ))
            status: list[str] = []

            def seen(code: str, headers: Any, exc_info: Any = None) -> Any:
                status.append(code)
                return start_response(code, headers, exc_info)

            with dynamo.around(environ), journal.lock:      # always in this order: no deadlock
                body = list(app(environ, seen))
                if status and status[0].startswith("2"):
                    journal.append(entry)
            gate.changed()
            return body

        try:
            self._server = make_server(self._ip_address, self._port, gated, True,
                                       request_handler=KeepAliveRequestHandler)
        except (Exception, SystemExit) as e:    # werkzeug exits when the port is taken; start() would hang
            self.error = e
            self._server_ready_event.set()
            return
        self._server_ready_event.set()
        self._server.serve_forever()


def start_moto(host: str, port: int, gate: Gate) -> GatedMotoServer:
    from local.runtime import arrivals, moto_bounds, moto_cors, moto_speedups
    moto_speedups.apply()
    moto_cors.apply()
    moto_bounds.apply()
    arrivals.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = GatedMotoServer(host, port, gate)
    server.start()
    if server.error is not None:
        reason = "the port is in use" if isinstance(server.error, SystemExit) else repr(server.error)
        raise OSError(f"the AWS emulator cannot listen on {host}:{port}: {reason}")
    return server


def aws_env(endpoint: str, region: str) -> dict[str, str]:
    """The process environment that sends every boto3/pynamodb client to the local emulator."""
    return {**FAKE_CREDENTIALS, "AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region}


def apply_env(env: dict[str, str]) -> None:
    os.environ.update(env)
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
