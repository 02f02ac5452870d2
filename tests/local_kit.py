"""Local-runtime test pieces shared by several test modules (moved out of test modules: no test module
imports another)."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalice import Chalice

from local.runtime import LocalRuntime, RuntimeConfig
from local.runtime.web import WebServer

ROOT = Path(__file__).resolve().parents[1]

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
MAX_RECEIVES = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_runtime(cwd: Path, state_dir: Path, *extra: str, demo_tick: str = "3"
                  ) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, Any]]]:
    """`demo_tick`: the seconds between the demo's new orders (a very long one: only the seeded orders)."""
    state_file = state_dir / "local.json"
    before = state_file.stat().st_mtime_ns if state_file.exists() else None
    port, moto_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "OMS_SANDBOX_PORTS": "any",
           "OMS_DEMO_TICK_SECONDS": demo_tick}
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("OMS_PREFIX", None)
    log = (state_dir.parent / f"local-{port}.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "local", "--state-dir", str(state_dir), "--port", str(port),
                             "--moto-port", str(moto_port), "--snapshot-interval", "1", *extra],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            assert proc.poll() is None, (state_dir.parent / f"local-{port}.log").read_text()
            if state_file.exists() and state_file.stat().st_mtime_ns != before:
                state = json.loads(state_file.read_text())
                if state.get("status") == "running":
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("local.json was not written in time")
        yield proc, state
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log.close()


def _runtime(state_dir: Path, reset: bool = False) -> LocalRuntime:
    config = RuntimeConfig(state_dir=state_dir, port=0, moto_port=0, snapshot_interval=0, ui_dir=None,
                           run_queues=False, run_schedules=False, run_hooks=False, reset=reset)
    return LocalRuntime(config, Chalice(app_name="persistence-test"))


def _names(rt: LocalRuntime) -> tuple[str, str, str, str]:
    p = rt.provisioned
    return (p.tables["OrdersTable"]["name"], p.buckets["RawBucket"]["name"],
            p.queues["OrdersQueue"]["url"], p.queues["PullJobsQueue"]["url"])


def make_app() -> Chalice:
    app = Chalice(app_name="web-test")

    @app.route("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.route("/admin/echo", methods=["POST"], content_types=["application/json"])
    def echo() -> dict[str, object]:
        request = app.current_request
        return {"body": request.json_body, "q": request.query_params}

    return app


def request(server: WebServer, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def _queue(name: str, dlq: str | None = None, fifo: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {"QueueName": name, "VisibilityTimeout": 300}
    if fifo:
        props.update(FifoQueue=True, ContentBasedDeduplication=True)
    if dlq:
        props["RedrivePolicy"] = {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                                  "maxReceiveCount": MAX_RECEIVES}
    return {"Type": "AWS::SQS::Queue", "Properties": props}


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def moto_emulator(monkeypatch: Any, prefix: str) -> Iterator[str]:
    """moto's server on a free port, this process's AWS settings pointed at it, under `prefix`."""
    from local.runtime import snapshot
    from local.runtime.moto_server import Gate, aws_env, start_moto
    monkeypatch.setenv("OMS_PREFIX", prefix)
    server = start_moto("127.0.0.1", 0, Gate())
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in aws_env(endpoint, "us-east-1").items():
        monkeypatch.setenv(key, value)
    yield endpoint
    server.stop()
    snapshot.reset_backends()
