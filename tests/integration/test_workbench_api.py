"""The order workbench's API on DynamoDB (moto): every filter answers full pages (or the last), a total and
the query it answers; "all" means every status; the tabs' counts and the dashboard come from the counters
(folded by the reports consumer: the fixture runs it once the orders are stored).
Sparse matches are put among the oldest orders on purpose: the old list read a few index entries per
partition and answered empty or sparse first pages for them (issue #21)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.report_fold import fold_orders
from chalicelib.services.users import create_user
from tests import fakes
from tests.aws import aws
from tests.factories import make_order
from tests.report_kit import fold_deps

PASSWORD = "Fake-Passw0rd-for-tests"
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)          # 12:00 in Shanghai
N = 240


def _order(n: int) -> Any:
    """240 orders over 10 days, newest last; the sparse ones are the oldest."""
    shop, platform = ("S1", Platform.TAOBAO) if n % 2 else ("S2", Platform.JD)
    created = NOW - timedelta(hours=N - n)
    status = [OrderStatus.AWAITING_SHIPMENT, OrderStatus.SHIPPED, OrderStatus.COMPLETED,
              OrderStatus.CANCELLED][n % 4]
    order = make_order(n, shop, platform=platform, created_at=created, modified_at=created, updated_at=created,
                       paid_at=created + timedelta(minutes=5), status=status,
                       erp_handoff=ErpHandoff.READY if status is OrderStatus.AWAITING_SHIPMENT else ErpHandoff.TAKEN)
    if n <= 48 and status is OrderStatus.AWAITING_SHIPMENT:          # 12 refund holds among the oldest
        order = replace(order, holds=frozenset({HoldReason.REFUND_REQUESTED}), erp_handoff=ErpHandoff.NOT_READY)
    if n in (3, 7, 11, 15, 19, 23, 27):
        line = replace(order.lines[0], platform_sku_id="RARE-SKU")
        order = replace(order, lines=(line,), receiver=replace(order.receiver, phone_masked="139****4242"))
    return order


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[Client, dict[str, str]]]:
    from chalicelib.storage.orders import DynamoOrderRepository
    from chalicelib.storage.shops import DynamoShopRepository
    with aws(("orders", "shops", "audit")):
        orders, shops = DynamoOrderRepository(), DynamoShopRepository()
        shops.add(Shop("S1", "淘宝旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
        shops.add(Shop("S2", "京东店", Platform.JD, "seller-2", app_key="k"))
        for n in range(1, N + 1):
            orders.add(_order(n))
        from chalicelib.storage.reports import DynamoReportStore
        fold_orders(fold_deps(DynamoReportStore(), orders), [_order(n).order_id for n in range(1, N + 1)])
        users = fakes.InMemoryUserRepository()
        create_user(users, "eye", PASSWORD, Role.VIEWER)
        with bootstrap.override(users=users, orders=orders, shops=shops), Client(app, stage_name="test") as client:
            login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"username": "eye", "password": PASSWORD}))
            with bootstrap.override(clock=fakes.FixedClock(NOW)):     # the token on today's clock, lists on NOW
                yield client, {"Authorization": f"Bearer {login.json_body['token']}"}


def _get(api: Any, path: str, **params: str) -> dict[str, Any]:
    client, headers = api
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.http.get(f"{path}?{query}" if query else path, headers=headers)
    assert response.status_code == 200, response.body
    return response.json_body  # type: ignore[no-any-return]


def _walk(api: Any, **params: str) -> tuple[list[list[str]], int | None]:
    """Every page's order numbers, and the total the first page announced."""
    pages, cursor, total = [], None, None
    while True:
        got = _get(api, "/admin/orders", **params, **({"cursor": cursor} if cursor else {}))
        pages.append([o["order_no"] for o in got["items"]])
        total = got["total"] if total is None else total
        cursor = got["next"]
        if cursor is None:
            return pages, total


def _expected(keep: Any) -> list[str]:
    return [str(n) for n in range(N, 0, -1) if keep(_order(n))]


FILTERS = {
    "refund hold": ({"hold": "refund_requested"}, lambda o: HoldReason.REFUND_REQUESTED in o.holds),
    "held": ({"held": "true"}, lambda o: bool(o.holds)),
    "ERP ready": ({"erp_handoff": "ready"}, lambda o: o.erp_handoff is ErpHandoff.READY),
    "to ship tab": ({"status": "to_ship"}, lambda o: o.status is OrderStatus.AWAITING_SHIPMENT and not o.holds),
    "exception tab": ({"status": "exception"}, lambda o: bool(o.holds)),
    "shipped": ({"status": "shipped"}, lambda o: o.status is OrderStatus.SHIPPED),
    "all": ({"status": "all"}, lambda o: True),
    "no status": ({}, lambda o: True),
    "platform": ({"platform": "jd"}, lambda o: o.platform is Platform.JD),
    "shop and status": ({"shop_id": "S2", "status": "awaiting_shipment"},
                        lambda o: o.shop_id == "S2" and o.status is OrderStatus.AWAITING_SHIPMENT),
    "sku": ({"sku": "RARE-SKU"}, lambda o: o.lines[0].platform_sku_id == "RARE-SKU"),
    "buyer phone": ({"q": "4242"}, lambda o: "4242" in o.receiver.phone_masked),
    "order number": ({"order_no": "17"}, lambda o: o.order_no == "17"),
    "created yesterday": ({"range": "yesterday"}, lambda o: "2026-12-05T16" <= o.created_at.isoformat() < "2026-12-06T16"),
    "paid, dates": ({"date_field": "paid", "date_from": "2026-12-01", "date_to": "2026-12-01"},
                    lambda o: "2026-11-30T16" <= o.paid_at.isoformat() < "2026-12-01T16"),
    "shop, refund hold, 7 days": ({"shop_id": "S2", "hold": "refund_requested", "range": "7d"},
                                  lambda o: o.shop_id == "S2" and bool(o.holds)
                                  and o.created_at.isoformat() >= "2026-11-30T16"),
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_given_a_filter_then_every_page_is_full_until_the_last_and_the_total_is_exact(api: Any, name: str) -> None:
    params, keep = FILTERS[name]
    expected = _expected(keep)
    size = 5 if len(expected) <= 30 else 40
    pages, total = _walk(api, **params, limit=str(size))
    assert [no for page in pages for no in page] == expected
    assert all(len(page) == size for page in pages[:-1]) and len(pages[-1]) <= size
    assert total in (len(expected), None)
    if not ({"q", "sku", "date_field"} & set(params)):      # the counters serve these: never unknown
        assert total == len(expected)


def test_given_no_status_then_every_status_is_listed_not_only_awaiting_shipment(api: Any) -> None:
    got = _get(api, "/admin/orders", limit="8")
    assert {o["status"] for o in got["items"]} == {"awaiting_shipment", "shipped", "completed", "cancelled"}
    assert got["total"] == N and got["query"]["status"] == "all"


def test_given_filters_then_the_answer_echoes_the_query_it_answers(api: Any) -> None:
    got = _get(api, "/admin/orders", shop_id="S1", hold="refund_requested", range="today", limit="5")
    assert got["query"] == {"shop_id": "S1", "status": "all", "hold": "refund_requested", "date_field": "created",
                            "date_from": "2026-12-07T00:00:00+08:00", "date_to": "2026-12-08T00:00:00+08:00",
                            "limit": 5}


def test_given_filters_then_the_tabs_count_from_counters(api: Any) -> None:
    got = _get(api, "/admin/orders/counts", platform="taobao")
    assert got["counts"] == {"pending_review": 0, "to_ship": 0, "shipped": 60, "completed": 0, "cancelled": 60,
                             "exception": 0, "unpaid": 0, "all": 120}       # odd numbers: shipped or cancelled
    assert got["query"] == {"platform": "taobao"}
    today = _get(api, "/admin/orders/counts", range="today")["counts"]
    assert today["all"] == sum(1 for n in range(1, N + 1) if _order(n).created_at >= datetime(2026, 12, 6, 16, tzinfo=UTC))


def test_given_the_dashboard_then_its_figures_are_the_counters_not_a_sample(api: Any) -> None:
    got = _get(api, "/admin/dashboard")
    assert got["held"] == 12 and got["holds"]["refund_requested"] == 12
    assert got["counts"]["all"] == N
    assert got["today"]["new"] == 13               # hourly, from 16:00 UTC the day before to 04:00 UTC


def test_given_a_bad_filter_value_then_400_naming_it_with_a_reason(api: Any) -> None:
    client, headers = api
    for param in ("status=teleported", "platform=moon", "range=fortnight", "date_from=yesterday"):
        response = client.http.get(f"/admin/orders?{param}", headers=headers)
        assert response.status_code == 400
        error = response.json_body["error"]
        assert error["fields"][0]["field"] == param.split("=")[0]
        assert error["reason"] in ("orders.filter_value", "orders.date_range")
