"""`python -m local` as a newcomer runs it: it starts, answers /health and the UI page, writes local.json,
stops cleanly on Ctrl-C with its data saved, and starts again on the same state directory."""
from __future__ import annotations

import json
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.local_kit import ROOT, STOP_TIMEOUT, free_port, local_runtime  # noqa: F401

pytestmark = pytest.mark.e2e

TEMP_APP = '''from chalice import Chalice
app = Chalice(app_name="e2e-local")

@app.route("/health")
def health():
    return {"status": "ok"}
'''


def project_dir(tmp_path: Path) -> Path:
    """The project root once app.py exists; until then a throwaway app in the test's own tmp dir."""
    if (ROOT / "app.py").exists():
        return ROOT
    work = tmp_path / "project"
    work.mkdir()
    (work / "app.py").write_text(TEMP_APP)
    return work


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


def test_GIVEN_python_m_local_WHEN_started_interrupted_and_restarted_THEN_it_serves_and_keeps_its_state(
        tmp_path: Path) -> None:
    cwd = project_dir(tmp_path)
    state_dir = tmp_path / "state"
    with local_runtime(cwd, state_dir) as (proc, state):
        assert state["pid"] == proc.pid
        assert state["api"].startswith("http://127.0.0.1:") and state["moto"].startswith("http://127.0.0.1:")
        assert state["prefix"] == "qihang-oms-local"
        assert state["resources"]["tables"]["OrdersTable"]["name"] == "qihang-oms-local-orders"
        status, _, body = get(state["api"] + "/health")
        assert status == 200 and json.loads(body)
        status, ctype, body = get(state["ui"])
        assert status == 200 and ctype.startswith("text/html") and "<html" in body.lower()
        status, ctype, _ = get(state["ui"] + "orders/some-client-side-route")
        assert status == 200 and ctype.startswith("text/html")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(STOP_TIMEOUT) == 0
        stopped = json.loads((state_dir / "local.json").read_text())
        assert stopped["status"] == "stopped"
        assert (state_dir / "moto.snapshot").stat().st_size > 0
        first_started = state["started_at"], state["pid"]

    for name in ("jwt.secret", "local.key", "local.json", "moto.snapshot"):
        assert (state_dir / name).stat().st_mode & 0o777 == 0o600, name
    with local_runtime(cwd, state_dir) as (proc, state):
        assert (state["started_at"], state["pid"]) != first_started
        assert state["status"] == "running"
        assert get(state["api"] + "/health")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(STOP_TIMEOUT) == 0


def _admin_get(state: dict[str, Any], path: str) -> Any:
    login = urllib.request.Request(state["api"] + "/admin/auth/login", method="POST",
                                   headers={"Content-Type": "application/json"},
                                   data=json.dumps({"username": state["admin"]["username"],
                                                    "password": state["admin"]["password"]}).encode())
    with urllib.request.urlopen(login, timeout=60) as response:
        token = json.loads(response.read())["token"]
    request = urllib.request.Request(state["api"] + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _lagging(state: dict[str, Any], state_dir: Path, counts: dict[str, int]) -> str:
    """For a failure message, of each shop short of its orders: its sync health and the runtime's last lines
    naming it (the runtime's log is gone with the tmp dir, and an assert's repr would be cut short)."""
    health = {shop["shop_id"]: shop for shop in _admin_get(state, "/admin/sync")["items"]}
    lines = [ln for log in state_dir.parent.glob("local-*.log") for ln in log.read_text(errors="replace").splitlines()]
    parts = [f"orders stored per shop: {counts}"]
    for platform, n in counts.items():
        if n < 20:
            shop_id = state["sandbox"][platform]["shop_id"]
            parts += [f"--- {platform} {shop_id}: {json.dumps(health.get(shop_id), ensure_ascii=False)}",
                      *[ln for ln in lines if shop_id in ln][-30:]]
    parts += ["--- warnings and errors", *[ln for ln in lines if '"WARNING"' in ln or '"ERROR"' in ln][-20:]]
    return "\n".join(parts)


def _stored_orders_per_shop(state: dict[str, Any]) -> dict[str, int]:
    """Counted from the order list itself (one shop-keyed page each), not the sync counters: a redelivered
    message may count as "unchanged" on a loaded box, but the order is stored all the same."""
    return {platform: len(_admin_get(state, f"/admin/orders?shop_id={shop['shop_id']}&limit=200")["items"])
            for platform, shop in state["sandbox"].items()}


def test_GIVEN_the_demo_WHEN_the_runtime_runs_THEN_orders_from_every_sandbox_shop_arrive_and_survive_a_restart(
        tmp_path: Path) -> None:
    if not (ROOT / "local" / "demo.py").exists():
        pytest.skip("no demo hooks")
    state_dir = tmp_path / "state"
    platforms = {"taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs"}
    with local_runtime(ROOT, state_dir, "--tick-scale", "12", "--fire-schedules-on-start",
                       "--visibility-timeout", "5") as (proc, state):
        assert set(state["sandbox"]) == platforms and state["admin"]["password"]
        # Done when every demo shop's 20 seeded orders are stored. The cap only guards against a hang: a
        # loaded 2-core box runs seven pulls, their consumers and the UI's API in one process.
        cap = time.monotonic() + 600
        counts = _stored_orders_per_shop(state)
        while not all(n >= 20 for n in counts.values()) and time.monotonic() < cap:
            time.sleep(2)
            counts = _stored_orders_per_shop(state)
        if not all(n >= 20 for n in counts.values()):
            pytest.fail(_lagging(state, state_dir, counts), pytrace=False)
        orders_before = len(_admin_get(state, "/admin/orders?held=true&limit=200")["items"])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(STOP_TIMEOUT) == 0
    with local_runtime(ROOT, state_dir) as (_proc, state):
        assert len(_admin_get(state, "/admin/orders?held=true&limit=200")["items"]) >= orders_before > 0
