"""The report API on DynamoDB (moto): orders folded by the reports consumer's use case, then read through the
admin routes; the summary reads the same few items whatever the number of orders; bad input is a 400
naming the field and its reason."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.report_fold import FoldDeps, fold_orders
from chalicelib.services.users import create_user
from tests import fakes
from tests.aws import aws
from tests.factories import make_order

PASSWORD = "Fake-Passw0rd-for-tests"
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)          # 12:00 in Shanghai
F = {"orders", "units", "gmv_fen", "refunds", "refund_fen", "shipped", "shipped_late", "avg_ship_seconds"}


def _orders(count: int, first: int = 1) -> list[Any]:
    out = []
    for n in range(first, first + count):
        created = NOW - timedelta(hours=n % 30)                 # today (Shanghai) and yesterday
        shop, platform = ("S1", Platform.TAOBAO) if n % 2 else ("S2", Platform.JD)
        shipped = n % 3 == 0
        out.append(make_order(n, shop, platform=platform, created_at=created, paid_at=created,
                              status=OrderStatus.SHIPPED if shipped else OrderStatus.AWAITING_SHIPMENT,
                              shipped_at=created + timedelta(hours=50 if n % 9 == 0 else 3) if shipped else None,
                              ship_by_at=NOW + timedelta(hours=(n % 5) * 10 - 5)))
    return out


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[Client, dict[str, str], Any]]:
    from chalicelib.storage.orders import DynamoOrderRepository
    from chalicelib.storage.reports import DynamoReportStore
    from chalicelib.storage.shops import DynamoShopRepository
    with aws(("orders", "shops", "audit", "reports", "after_sales")):
        orders, shops = DynamoOrderRepository(), DynamoShopRepository()
        shops.add(Shop("S1", "淘宝旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
        shops.add(Shop("S2", "京东店", Platform.JD, "seller-2", app_key="k"))
        users = fakes.InMemoryUserRepository()
        create_user(users, "eye", PASSWORD, Role.VIEWER)
        store = DynamoReportStore()
        with bootstrap.override(users=users, orders=orders, shops=shops, report_store=store), \
                Client(app, stage_name="test") as client:
            login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"username": "eye", "password": PASSWORD}))
            with bootstrap.override(clock=fakes.FixedClock(NOW)):
                yield client, {"Authorization": f"Bearer {login.json_body['token']}"}, _Folder(orders, store)


class _Folder:
    def __init__(self, orders: Any, store: Any) -> None:
        self.orders, self.store = orders, store
        self.deps = FoldDeps(store=store, orders=orders, cases=bootstrap.after_sales(), clock=fakes.FixedClock(NOW))

    def add(self, orders: list[Any]) -> None:
        for order in orders:
            self.orders.add(order)
        ids = [o.order_id for o in orders]
        for start in range(0, len(ids), 500):
            fold_orders(self.deps, ids[start:start + 500])


def _get(api: Any, path: str, status: int = 200, **params: str) -> dict[str, Any]:
    client, headers, _ = api
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.http.get(f"{path}?{query}" if query else path, headers=headers)
    assert response.status_code == status, response.body
    return response.json_body  # type: ignore[no-any-return]


def _expected_today(orders: list[Any]) -> tuple[int, int]:
    today = [o for o in orders if (o.created_at + timedelta(hours=8)).date().isoformat() == "2026-12-07"]
    return len(today), sum(o.paid_fen for o in today)


class _Reads:
    """Counts the DynamoDB requests made while it is open."""

    def __enter__(self) -> _Reads:
        from botocore.client import BaseClient
        self.calls: list[str] = []
        self._original = BaseClient._make_api_call
        calls = self.calls

        def counting(client: Any, operation: str, params: Any) -> Any:
            calls.append(operation)
            return self._original(client, operation, params)
        BaseClient._make_api_call = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from botocore.client import BaseClient
        BaseClient._make_api_call = self._original  # type: ignore[method-assign]


def test_given_folded_orders_then_the_summary_counts_today_yesterday_to_ship_and_at_risk(api: Any) -> None:
    orders = _orders(60)
    api[2].add(orders)
    got = _get(api, "/admin/reports/summary")
    assert set(got) == {"today", "yesterday", "to_ship", "to_ship_tabs", "at_risk", "date"}
    assert got["date"] == "2026-12-07"
    assert set(got["today"]) == F == set(got["yesterday"])
    assert (got["today"]["orders"], got["today"]["gmv_fen"]) == _expected_today(orders)
    assert got["today"]["orders"] + got["yesterday"]["orders"] == 60
    open_orders = [o for o in orders if o.status is OrderStatus.AWAITING_SHIPMENT]
    assert got["to_ship"] == len(open_orders)
    # ship-by hours up to 24 h from now (12:00 Shanghai): the hour 2026-12-08T12 still counts
    assert got["at_risk"] == sum(1 for o in open_orders if o.ship_by_at < NOW + timedelta(hours=25))


def test_given_orders_not_yet_folded_then_the_to_ship_card_and_its_tabs_agree_before_and_after_the_fold(
        api: Any) -> None:
    """The dashboard's 已付款未发货 card and its three sub-counts (the workbench tabs) are one set of numbers:
    they once read 118 against 0+125+0 (the card from the aggregates, the tabs from counters written with
    each order). Now both are the counters the reports consumer folds, equal while it lags and after."""
    def card_and_tabs() -> tuple[int, dict[str, int], dict[str, int]]:
        summary = _get(api, "/admin/reports/summary")
        counts = _get(api, "/admin/dashboard")["counts"]
        return summary["to_ship"], summary["to_ship_tabs"], {k: counts[k] for k in summary["to_ship_tabs"]}

    before = card_and_tabs()
    assert set(before[1]) == {"to_ship", "exception", "pending_review"}
    assert before[0] == sum(before[1].values()) and before[1] == before[2]
    orders = _orders(10, first=9001)
    for order in orders:
        api[2].orders.add(order)                                 # stored, the consumer not there yet
    assert card_and_tabs() == before
    fold_orders(api[2].deps, [o.order_id for o in orders])
    card, tabs, workbench = card_and_tabs()
    opened = sum(1 for o in orders if o.status is OrderStatus.AWAITING_SHIPMENT)
    assert card == before[0] + opened == sum(tabs.values()) and tabs == workbench


def test_given_10_times_more_orders_then_the_summary_makes_the_same_few_reads(api: Any) -> None:
    with _Reads() as before:
        _get(api, "/admin/reports/summary")
    api[2].add(_orders(600, first=1000))
    with _Reads() as after:
        _get(api, "/admin/reports/summary")
    assert before.calls == after.calls and len(after.calls) <= 20, after.calls


def test_given_a_range_then_daily_series_top_skus_and_after_sales_answer_the_contract(api: Any) -> None:
    daily = _get(api, "/admin/reports/daily", date_from="2026-12-05", date_to="2026-12-07", by="shop")
    assert daily["days"] == ["2026-12-05", "2026-12-06", "2026-12-07"]
    assert {s["key"] for s in daily["series"]} == {"S1", "S2"}
    assert {s["name"] for s in daily["series"]} == {"淘宝旗舰店", "京东店"}
    assert all(len(s["points"]) == 3 and set(s["points"][0]) == F for s in daily["series"])
    total = _get(api, "/admin/reports/daily", date_from="2026-12-05", date_to="2026-12-07")
    assert [p["orders"] for p in total["series"][0]["points"]] == [
        sum(s["points"][i]["orders"] for s in daily["series"]) for i in range(3)]
    platforms = _get(api, "/admin/reports/daily", date_from="2026-12-06", date_to="2026-12-07", by="platform")
    assert {s["key"] for s in platforms["series"]} == {"taobao", "jd"}
    top = _get(api, "/admin/reports/top-skus", date_from="2026-12-06", date_to="2026-12-07", limit="5")
    assert top["items"][0]["sku"] == "MC-1" and set(top["items"][0]) == {"sku", "name", "units", "gmv_fen", "orders",
                                                                          "refunds"}
    rates = _get(api, "/admin/reports/after-sales", date_from="2026-12-06", date_to="2026-12-07", by="sku")
    assert set(rates["items"][0]) == {"key", "name", "orders", "refunds", "rate"}


@pytest.mark.parametrize(("params", "field", "reason"), [
    ({"date_from": "2026-12-07", "date_to": "2026-12-01"}, "date_to", "reports.date_range"),
    ({"date_from": "2026-01-01", "date_to": "2026-12-01"}, "date_to", "reports.range_too_long"),
    ({"date_from": "07/12/2026"}, "date_from", "reports.date"),
    ({"by": "sku"}, "by", "reports.by"),
])
def test_given_bad_input_then_a_400_names_the_field(api: Any, params: dict[str, str], field: str,
                                                     reason: str) -> None:
    got = _get(api, "/admin/reports/daily", 400, **params)
    assert got["error"]["reason"] == reason and field in json.dumps(got["error"])
