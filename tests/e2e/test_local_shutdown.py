"""`python -m local` under load: SIGTERM stops it promptly (the time is printed; the bound asserted is
only a hang guard) and every write it answered is there after a restart."""
from __future__ import annotations

import json
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.local_kit import ROOT, local_runtime

pytestmark = pytest.mark.e2e

HANG_GUARD = 15.0      # seconds: not a speed target (that is the README's figure), a hang detector


def _call(state: dict[str, Any], method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    request = urllib.request.Request(state["api"] + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, None


def login(state: dict[str, Any]) -> str:
    status, body = _call(state, "POST", "/admin/auth/login", {"username": state["admin"]["username"],
                                                               "password": state["admin"]["password"]})
    assert status == 200
    return str(body["token"])


class Writer:
    """Creates ERP clients one after another; remembers the names the runtime answered 201 for."""

    def __init__(self, state: dict[str, Any], token: str) -> None:
        self.state, self.token = state, token
        self.answered: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self.stop.is_set():
            name = f"w-{n:05d}"
            n += 1
            try:
                status, _ = _call(self.state, "POST", "/admin/erp/clients",
                                  {"name": name, "scopes": ["orders"]}, self.token)
            except OSError:            # the server went away mid-request: not answered, not promised
                return
            if status == 201:
                self.answered.append(name)


def stored_client_names(state: dict[str, Any]) -> set[str]:
    status, body = _call(state, "GET", "/admin/erp/clients", token=login(state))
    assert status == 200
    return {c["name"] for c in body["items"]}


def run_writers_then(signum: int, tmp_path: Path, writers: int = 3, seconds: float = 4.0) -> tuple[float, list[str]]:
    """Writes under load, then `signum` while they still run: (seconds to exit, the answered names)."""
    state_dir = tmp_path / "state"
    with local_runtime(ROOT, state_dir, "--snapshot-interval", "5") as (proc, state):
        token = login(state)
        pool = [Writer(state, token) for _ in range(writers)]
        for w in pool:
            w.thread.start()
        time.sleep(seconds)
        sent = time.monotonic()
        proc.send_signal(signum)
        proc.wait(HANG_GUARD)
        took = time.monotonic() - sent
        for w in pool:
            w.stop.set()
            w.thread.join(30)
    answered = [name for w in pool for name in w.answered]
    assert answered, "no write was answered before the signal"
    return took, answered


def test_GIVEN_writes_under_way_WHEN_sigterm_THEN_it_exits_promptly_and_every_answered_write_survives(
        tmp_path: Path) -> None:
    took, answered = run_writers_then(signal.SIGTERM, tmp_path)
    print(f"\nSIGTERM to exit: {took:.2f} s ({len(answered)} writes answered before it)")
    assert took < HANG_GUARD
    with local_runtime(ROOT, tmp_path / "state") as (_proc, state):
        missing = set(answered) - stored_client_names(state)
    assert not missing, f"{len(missing)} of {len(answered)} answered writes lost: {sorted(missing)[:5]}"


def test_GIVEN_writes_under_way_WHEN_killed_with_sigkill_THEN_every_answered_write_survives(tmp_path: Path) -> None:
    _, answered = run_writers_then(signal.SIGKILL, tmp_path)
    with local_runtime(ROOT, tmp_path / "state") as (_proc, state):
        missing = set(answered) - stored_client_names(state)
    print(f"\nSIGKILL during writes: {len(answered)} answered, {len(missing)} lost")
    assert not missing, f"{len(missing)} of {len(answered)} answered writes lost: {sorted(missing)[:5]}"
