"""The workbench export follows every filter, speaks Chinese, shows yuan with two decimals, as xlsx or CSV
(the old export followed only shop and status, with fen)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.users import create_user
from tests import fakes
from tests.factories import make_order

PASSWORD = "Fake-Passw0rd-for-tests"


@pytest.fixture
def api() -> Iterator[tuple[Client, dict[str, str]]]:
    users, orders, shops = fakes.InMemoryUserRepository(), fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository()
    create_user(users, "ops", PASSWORD, Role.OPERATOR)
    shops.add(Shop("S1", "旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
    for n in range(1, 9):
        order = make_order(n, "S1", paid_fen=12345 + n, status=OrderStatus.SHIPPED if n > 4 else OrderStatus.AWAITING_SHIPMENT)
        orders.add(replace(order, holds=frozenset({HoldReason.REFUND_REQUESTED})) if n in (2, 6) else order)
    orders.add(make_order(9, "S1", buyer_memo="=HYPERLINK(\"x\")", holds=frozenset({HoldReason.REFUND_REQUESTED})))
    deps = {"users": users, "orders": orders, "shops": shops, "clock": fakes.FixedClock(datetime.now(UTC))}
    with bootstrap.override(**deps), Client(app, stage_name="test") as client:
        login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                 body=json.dumps({"username": "ops", "password": PASSWORD}))
        yield client, {"Authorization": f"Bearer {login.json_body['token']}"}


def test_given_a_hold_filter_when_exported_as_csv_then_only_those_orders_in_chinese_and_yuan(api: Any) -> None:
    client, headers = api
    response = client.http.get("/admin/orders/export?hold=refund_requested&format=csv", headers=headers)
    text = response.body.decode()
    assert response.status_code == 200 and text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(r["订单号"] for r in rows) == ["2", "6", "9"]
    two = next(r for r in rows if r["订单号"] == "2")
    assert (two["实付金额(元)"], two["订单状态"], two["挂起原因"], two["店铺"], two["平台"]) == (
        "123.47", "待发货", "申请退款", "旗舰店", "淘宝/天猫")
    assert next(r for r in rows if r["订单号"] == "9")["买家留言"].startswith("'=")


def test_given_filters_when_exported_as_xlsx_then_a_sheet_with_amounts_as_numbers(api: Any) -> None:
    from openpyxl import load_workbook
    client, headers = api
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = client.http.get("/admin/orders/export?status=shipped&hold=refund_requested",
                               headers={**headers, "Accept": xlsx})
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats"), response.body[:300]
    sheet = load_workbook(io.BytesIO(response.body)).active
    header, *rows = list(sheet.values)
    assert header[0] == "订单号" and [r[0] for r in rows] == ["6"]
    paid = rows[0][header.index("实付金额(元)")]
    assert float(paid) == 123.51
    assert sheet.cell(row=2, column=header.index("实付金额(元)") + 1).number_format == "0.00"


def test_given_a_wrong_format_then_400_naming_it(api: Any) -> None:
    client, headers = api
    response = client.http.get("/admin/orders/export?format=pdf", headers=headers)
    assert response.status_code == 400 and response.json_body["error"]["fields"][0]["field"] == "format"
