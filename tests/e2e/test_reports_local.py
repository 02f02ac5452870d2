"""The report aggregates in the local runtime: the demo's orders reach the reports queue (the ERP notes'
copy), its consumer folds them, and the dashboard's summary counts exactly the orders the list shows for
today and yesterday."""
from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.local_kit import ROOT, local_runtime


def _token(state: dict[str, Any]) -> str:
    login = urllib.request.Request(state["api"] + "/admin/auth/login", method="POST",
                                   headers={"Content-Type": "application/json"},
                                   data=json.dumps({"username": state["admin"]["username"],
                                                    "password": state["admin"]["password"]}).encode())
    with urllib.request.urlopen(login, timeout=60) as response:
        return str(json.loads(response.read())["token"])


def _get(state: dict[str, Any], token: str, path: str) -> Any:
    request = urllib.request.Request(state["api"] + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_GIVEN_the_demo_WHEN_orders_arrive_THEN_the_summary_counts_the_orders_the_list_shows(tmp_path: Path) -> None:
    with local_runtime(ROOT, tmp_path / "state", "--tick-scale", "12", "--fire-schedules-on-start") as (_, state):
        token = _token(state)
        cap, seen = time.monotonic() + 600, None
        while time.monotonic() < cap:
            summary = _get(state, token, "/admin/reports/summary")
            listed = (_get(state, token, "/admin/orders?range=today&limit=1")["total"],
                      _get(state, token, "/admin/orders?range=yesterday&limit=1")["total"])
            seen = ((summary["today"]["orders"], summary["yesterday"]["orders"]), listed)
            if sum(listed) >= 20 and seen[0] == listed:
                break
            time.sleep(3)
        assert seen is not None and seen[0] == seen[1] and sum(seen[1]) >= 20, seen
        assert summary["to_ship"] >= 0 and summary["date"]
        daily = _get(state, token, f"/admin/reports/daily?date_from={summary['date']}&date_to={summary['date']}"
                                   "&by=platform")
        assert sum(s["points"][0]["orders"] for s in daily["series"]) == summary["today"]["orders"]
