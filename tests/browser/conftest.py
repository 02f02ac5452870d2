"""The admin UI in Debian's Chromium against a real `python -m local` with its sandbox demo.

One runtime per test worker (session fixture), one browser per session, one context per test. Every test
fails on any console error or uncaught page error. Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 90.0
# CI runs the tiers side by side on a loaded box (the browser tier averaged 39 s a test there): a page
# that answers in 1 s here took over 15 s there. A wait that passes returns at once; only a failure waits longer.
WAIT_MS = 45_000


def _newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for base in paths if base.exists()
                for p in ([base] if base.is_file() else base.rglob("*")) if p.is_file()), default=0.0)


def build_ui() -> None:
    """`make ui` does this too; here so `pytest tests/browser` works on its own."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    index = UI / "dist" / "index.html"
    sources = [UI / "src", UI / "public", UI / "index.html", UI / "vite.config.js", UI / "package-lock.json"]
    if index.exists() and index.stat().st_mtime >= _newest(sources):
        return
    if not (UI / "node_modules" / ".package-lock.json").exists():
        subprocess.run(["npm", "ci"], cwd=UI, check=True)
    subprocess.run(["npm", "run", "build"], cwd=UI, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: `make browser-deps` installs Debian's chromium")
    build_ui()
    state_dir = tmp_path_factory.mktemp("browser") / "state"
    port, moto_port = _free_port(), _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "OMS_SANDBOX_PORTS": "any",
           "OMS_DEMO_TICK_SECONDS": "3"}
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("OMS_PREFIX", None)
    log_path = state_dir.parent / "local.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "local", "--state-dir", str(state_dir), "--port", str(port),
                             "--moto-port", str(moto_port), "--tick-scale", "12", "--fire-schedules-on-start",
                             "--visibility-timeout", "5"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        state_file = state_dir / "local.json"
        deadline = time.monotonic() + START_TIMEOUT
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            assert proc.poll() is None, log_path.read_text()
            if state_file.exists():
                state = json.loads(state_file.read_text())
                if state.get("status") == "running":
                    break
            time.sleep(0.2)
        else:
            raise AssertionError("local.json was not written in time:\n" + log_path.read_text())
        state["log"] = str(log_path)
        yield state
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log.close()


def api(state: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    """The admin API straight, for setting up and checking what a journey did."""
    def call(m: str, p: str, b: Any, token: str = "") -> Any:
        req = urllib.request.Request(state["api"] + p, method=m, data=None if b is None else json.dumps(b).encode(),
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(req, timeout=20) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:   # the API's reason in the failure, not only "409 Conflict"
            e.msg = f"{e.msg} {m} {p}: {e.read()[:500].decode(errors='replace')}"
            raise
    token = call("POST", "/admin/auth/login", {"username": state["admin"]["username"],
                                               "password": state["admin"]["password"]})["token"]
    return call(method, path, body, token)


@pytest.fixture(scope="session")
def browser(runtime: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=WAIT_MS // 2)     # 5 s by default; an assertion that holds returns at once
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Console:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[str] = []

    def allow(self, fragment: str) -> None:
        """An error the journey provokes on purpose (a 4xx it tests for)."""
        self.allowed.append(fragment)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, runtime: dict[str, Any], console: Console, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                  base_url=runtime["ui"].rstrip("/"))
    context.set_default_timeout(WAIT_MS)
    p = context.new_page()
    p.on("console", lambda m: console.errors.append(f"{m.type}: {m.text} @ {m.location.get('url', '')}")
         if m.type in ("error", "warning") and not _benign(m.text) else None)
    p.on("pageerror", lambda e: console.errors.append(f"pageerror: {e}"))
    yield p
    context.close()
    failed = getattr(request.node, "rep_call", None)
    if failed is None or failed.passed:
        assert not console.unexpected(), "console errors:\n" + "\n".join(console.unexpected())


def _benign(text: str) -> bool:
    # Chromium's own notices, not the app's
    return "Download the Vue Devtools" in text or ("DevTools" in text and "extension" in text)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    # the page's own loading masks gone (a table waiting for its data is no screenshot of the page)
    page.locator(".el-loading-mask:visible").first.wait_for(state="detached", timeout=WAIT_MS)
    page.wait_for_timeout(300)           # transitions settle
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, runtime: dict[str, Any]) -> None:
    page.goto("/login")
    page.fill("input[name=username]", runtime["admin"]["username"])
    page.fill("input[name=password]", runtime["admin"]["password"])
    page.click("[data-test=login-submit]")
    page.wait_for_url("**/dashboard")
