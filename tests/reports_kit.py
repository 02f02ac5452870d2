"""Helpers for the dashboard and reports browser tests (#26): the report routes answered by the page itself
(Playwright route interception) for the states the real runtime cannot be put in on demand (empty, failing).
The answers follow the report API's contract: amounts in fen, days YYYY-MM-DD (Asia/Shanghai)."""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

FIGURES = ("orders", "units", "gmv_fen", "refunds", "refund_fen", "shipped", "shipped_late", "avg_ship_seconds")


def empty_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _days(query: dict[str, list[str]]) -> list[str]:
    first, last = date.fromisoformat(query["date_from"][0]), date.fromisoformat(query["date_to"][0])
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def empty_answer(url: str) -> dict[str, Any]:
    """What the report API says for a seller with no orders yet."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    if parsed.path.endswith("/summary"):
        return {"today": empty_figures(), "yesterday": empty_figures(), "to_ship": 0, "at_risk": 0,
                "date": date.today().isoformat()}
    if parsed.path.endswith("/daily"):
        return {"days": _days(query), "series": []}
    return {"items": []}


def answer_reports(page: Any, status: int = 200, paths: tuple[str, ...] = ("summary", "daily", "top-skus",
                                                                           "after-sales")) -> None:
    """Every report route named in `paths` answers empty (200) or with the API's error shape (`status`)."""
    def fulfil(route: Any) -> None:
        if not any(f"/admin/reports/{p}" in route.request.url for p in paths):
            route.continue_()
            return
        body: Any = empty_answer(route.request.url) if status == 200 else {
            "error": {"code": "internal_error", "reason": "internal", "message": "report store unavailable"}}
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))
    page.route(lambda url: "/admin/reports/" in url, fulfil)


# ---------------------------------------------------------------- a filled report (the look of the pages)
DEMO_SHOPS = (("S-demo-taobao", "淘宝旗舰店", "taobao"), ("S-demo-pdd", "拼多多专营店", "pdd"),
              ("S-demo-douyin", "抖店直播间", "douyin"))


def _figures(seed: int) -> dict[str, int]:
    orders = 5 + seed % 17
    return {"orders": orders, "units": orders + seed % 5, "gmv_fen": orders * (4990 + seed * 37 % 9000),
            "refunds": seed % 3, "refund_fen": (seed % 3) * 3990, "shipped": orders - seed % 4,
            "shipped_late": seed % 2, "avg_ship_seconds": 3600 * (4 + seed % 20)}


def demo_answer(url: str) -> dict[str, Any]:
    """A filled answer for every report route: three shops, every day of the range."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    if parsed.path.endswith("/summary"):
        return {"today": _figures(11), "yesterday": _figures(7), "to_ship": 42,
                "to_ship_tabs": {"to_ship": 30, "exception": 9, "pending_review": 3}, "at_risk": 5,
                "date": date.today().isoformat()}
    if parsed.path.endswith("/daily"):
        days = _days(query)
        by = query.get("by", ["total"])[0]
        keys = [("total", "total")] if by == "total" else (
            [(s, n) for s, n, _ in DEMO_SHOPS] if by == "shop" else [(p, p) for _, _, p in DEMO_SHOPS])
        return {"days": days, "series": [{"key": k, "name": n, "points": [_figures(i * 7 + j) for j in range(len(days))]}
                                         for i, (k, n) in enumerate(keys)]}
    if parsed.path.endswith("/top-skus"):
        return {"items": [{"sku": f"SKU-{100 + i}", "name": f"纯棉T恤 {i + 1} 号", "units": 90 - i * 7,
                           "gmv_fen": (90 - i * 7) * 5990, "orders": 80 - i * 6, "refunds": i % 3} for i in range(8)]}
    by = query.get("by", ["shop"])[0]
    rows = [(s, n) for s, n, _ in DEMO_SHOPS] if by == "shop" else [(f"SKU-{100 + i}", f"纯棉T恤 {i + 1} 号")
                                                                      for i in range(5)]
    return {"items": [{"key": k, "name": n, "orders": 100 + i * 10, "refunds": 3 + i * 4,
                       "rate": round((3 + i * 4) / (100 + i * 10), 4)} for i, (k, n) in enumerate(rows)]}


def answer_reports_demo(page: Any) -> None:
    page.route(lambda url: "/admin/reports/" in url, lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(demo_answer(route.request.url))))
