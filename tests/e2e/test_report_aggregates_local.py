"""The report aggregates in the local runtime (issue 26 item 1, end to end): the demo's seeded orders go
through pulls, pushes and the orders consumer, the reports consumer folds them, and the report API's daily
figures then equal what the orders list says for the same days: the count of orders placed and the amount
paid.

A closed window, or the comparison chases a moving target: the demo's trickle of new orders is stopped (a
demo tick of a day), so the orders are the 20 each demo shop is seeded with, placed over the last few days
(Asia/Shanghai). Both sides are read afresh on every look, so an order still
changing (a refund asked, a status pulled late) only delays the match. The caps guard against a hang, they
assert no speed: a loaded 2-core box runs seven pulls, their consumers and the API in one process."""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from tests.local_kit import ROOT, local_runtime
from tests.mcp_kit import http_json, sign_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEDED_PER_SHOP = 20
UNPAID_STATUSES = ("pending_payment", "cancelled")      # paid only if the order says when (domain: paid())


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state_dir = tmp_path_factory.mktemp("reports") / "state"
    with local_runtime(ROOT, state_dir, "--tick-scale", "12", "--fire-schedules-on-start",
                       "--visibility-timeout", "5", demo_tick="86400") as (_proc, state):
        api = state["api"]
        yield {"api": api, "token": sign_in(api, state["admin"]["username"], state["admin"]["password"]),
               "shops": [shop["shop_id"] for shop in state["sandbox"].values()]}


def _get(rt: dict[str, Any], path: str, **params: Any) -> Any:
    status, body = http_json(f"{rt['api']}{path}?{urlencode(params)}", token=rt["token"])
    assert status == 200, (path, status, body)
    return body


def _all_orders(rt: dict[str, Any], **filters: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = _get(rt, "/admin/orders", limit=200, **filters, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page.get("cursor")
        if not cursor:
            return items


def _day(order: dict[str, Any]) -> str:
    return datetime.fromisoformat(order["created_at"]).astimezone(SHANGHAI).date().isoformat()


def _paid(rt: dict[str, Any], order: dict[str, Any]) -> bool:
    if order["status"] not in UNPAID_STATUSES:
        return True
    return bool(_get(rt, f"/admin/orders/{order['order_id']}").get("paid_at"))


def _orders_list_says(rt: dict[str, Any], days: list[str]) -> dict[str, tuple[int, int]]:
    """Per day: the orders placed that day and their amount paid, from the orders list filtered by that day."""
    said = {}
    for day in days:
        orders = _all_orders(rt, date_field="created", date_from=day, date_to=day)
        assert all(_day(o) == day for o in orders), day
        said[day] = (len(orders), sum(o["paid_fen"] for o in orders if _paid(rt, o)))
    return said


def _report_says(rt: dict[str, Any], days: list[str]) -> dict[str, tuple[int, int]]:
    daily = _get(rt, "/admin/reports/daily", by="total", date_from=days[0], date_to=days[-1])
    points = dict(zip(daily["days"], daily["series"][0]["points"], strict=True))
    assert all(points[day]["orders"] == 0 for day in daily["days"] if day not in days)
    return {day: (points[day]["orders"], points[day]["gmv_fen"]) for day in days}


def _seeded(rt: dict[str, Any]) -> list[dict[str, Any]]:
    cap = time.monotonic() + 900
    while time.monotonic() < cap:
        orders = _all_orders(rt)
        per_shop = {shop: sum(1 for o in orders if o["shop_id"] == shop) for shop in rt["shops"]}
        if all(n >= SEEDED_PER_SHOP for n in per_shop.values()):
            return orders
        time.sleep(3)
    raise AssertionError(f"the demo's seeded orders were not all stored: {per_shop}")


def test_GIVEN_the_demos_seeded_orders_WHEN_folded_THEN_the_reports_daily_figures_equal_the_orders_list(
        runtime: dict[str, Any]) -> None:
    orders = _seeded(runtime)
    assert len(orders) == SEEDED_PER_SHOP * len(runtime["shops"])         # the window is closed: no trickle
    days = sorted({_day(o) for o in orders})         # placed over a few days (some sandboxes date them back)

    cap = time.monotonic() + 600
    while True:
        said, reported = _orders_list_says(runtime, days), _report_says(runtime, days)
        if said == reported or time.monotonic() > cap:
            break
        time.sleep(3)
    assert reported == said
    assert sum(n for n, _ in said.values()) == len(orders) and any(fen for _, fen in said.values())
    by_shop = _get(runtime, "/admin/reports/daily", by="shop", date_from=days[0], date_to=days[-1])
    assert {s["key"] for s in by_shop["series"]} == set(runtime["shops"])
    assert sum(p["orders"] for s in by_shop["series"] for p in s["points"]) == len(orders)
