"""The reports export through the admin API (issue 26 item 3, "reports"): the reports page's own filters (a
range, a grouping, a shop) start a background job like every export; the worker writes a row per day and
shop, platform or SKU from the aggregates, amounts in yuan; the xlsx reads back with openpyxl, the CSV has
a BOM. Bad filters are a 400 naming `filters.<name>` with the report API's own reason, nothing queued."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.export_jobs import run_export
from chalicelib.services.report_fold import FoldDeps, fold_orders
from chalicelib.services.users import create_user
from tests import fakes
from tests.audit_fakes import InMemoryAuditLog
from tests.export_kit import DirectoryFiles, InMemoryExportStore
from tests.factories import make_order
from tests.report_fakes import InMemoryReportStore

PASSWORD = "Fake-Passw0rd-for-tests"
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)          # 12:00 in Shanghai
YESTERDAY, TODAY = "2026-12-06", "2026-12-07"


def _folded(orders: Any) -> InMemoryReportStore:
    """Yesterday: 旗舰店 (taobao) 35.80 + 10.01, 京东店 (jd) 99.99 shipped in 3 hours; today: 旗舰店 35.80."""
    day2 = NOW - timedelta(days=1)
    for order in (make_order(1, "S1", created_at=day2, paid_at=day2),
                  make_order(2, "S1", created_at=day2, paid_at=day2, paid_fen=1001),
                  make_order(3, "S2", platform=Platform.JD, created_at=day2, paid_at=day2, paid_fen=9999,
                             status=OrderStatus.SHIPPED, shipped_at=day2 + timedelta(hours=3)),
                  make_order(4, "S1", created_at=NOW, paid_at=NOW)):
        orders.add(order)
    store = InMemoryReportStore()
    fold_orders(FoldDeps(store=store, orders=orders, cases=fakes.InMemoryAfterSaleRepository(),
                         clock=fakes.FixedClock(NOW)), ["S1-1", "S1-2", "S2-3", "S1-4"])
    return store


@pytest.fixture
def api(tmp_path: Path) -> Iterator[dict[str, Any]]:
    users, orders, shops = fakes.InMemoryUserRepository(), fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository()
    create_user(users, "ops", PASSWORD, Role.OPERATOR)
    shops.add(Shop("S1", "旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
    shops.add(Shop("S2", "京东店", Platform.JD, "seller-2", app_key="k"))
    deps = {"users": users, "orders": orders, "shops": shops, "publisher": fakes.RecordingPublisher(), "audit_log": InMemoryAuditLog(),
            "report_store": _folded(orders), "export_store": InMemoryExportStore(),
            "export_files": DirectoryFiles(tmp_path / "bucket")}
    with bootstrap.override(**deps), Client(app, stage_name="test") as client:
        login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                 body=json.dumps({"username": "ops", "password": PASSWORD}))
        headers = {"Authorization": f"Bearer {login.json_body['token']}", "Content-Type": "application/json"}
        with bootstrap.override(clock=fakes.FixedClock(NOW)):        # after the login: its token checks real time
            yield {"client": client, "headers": headers, **deps}


def _export(api: dict[str, Any], fmt: str, filters: dict[str, str], language: str = "zh") -> Any:
    started = api["client"].http.post("/admin/exports", headers=api["headers"], body=json.dumps(
        {"kind": "reports", "format": fmt, "language": language, "filters": filters}))
    assert started.status_code == 202, started.json_body
    for message in api["publisher"].bodies("exports"):
        run_export(bootstrap.export_deps(), message["export_id"])
    shown = api["client"].http.get(f"/admin/exports/{started.json_body['export_id']}", headers=api["headers"])
    assert shown.json_body["state"] == "done", shown.json_body
    return shown.json_body, api["export_files"].read(f"exports/{shown.json_body['export_id']}/{shown.json_body['filename']}")


def test_given_the_reports_page_by_shop_when_exported_as_xlsx_then_openpyxl_reads_a_row_per_day_and_shop(
        api: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    job, data = _export(api, "xlsx", {"date_from": YESTERDAY, "date_to": TODAY, "by": "shop"})

    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.active
    header, *rows = list(sheet.values)
    assert (sheet.title, job["rows"], job["filename"].startswith("reports-")) == ("每日销售", 3, True)
    assert header == ("日期", "分组", "编码", "名称", "订单数", "件数", "销售额(元)", "退款数", "退款金额(元)",
                      "已发货", "超时发货", "平均发货时长(小时)")
    picked = [(r[0], r[2], r[3], r[4], r[6], r[9], r[11]) for r in rows]
    assert picked == [(YESTERDAY, "S2", "京东店", 1, pytest.approx(99.99), 1, 3),
                      (YESTERDAY, "S1", "旗舰店", 2, pytest.approx(45.81), 0, None),
                      (TODAY, "S1", "旗舰店", 1, pytest.approx(35.80), 0, None)]


def test_given_the_total_as_csv_then_a_bom_a_row_every_day_and_exact_yuan(api: dict[str, Any]) -> None:
    _, data = _export(api, "csv", {"date_from": "2026-12-05", "date_to": TODAY, "by": "total"})

    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["日期"], r["名称"], r["订单数"], r["销售额(元)"]) for r in rows] == [
        ("2026-12-05", "全部店铺", "0", "0.00"), (YESTERDAY, "全部店铺", "3", "145.80"), (TODAY, "全部店铺", "1", "35.80")]


def test_given_one_shop_by_platform_in_english_is_refused_but_by_total_gives_its_days(api: dict[str, Any]) -> None:
    refused = api["client"].http.post("/admin/exports", headers=api["headers"], body=json.dumps(
        {"kind": "reports", "filters": {"by": "sku", "shop_id": "S2"}}))
    assert refused.status_code == 400
    assert (refused.json_body["error"]["fields"][0]["field"], refused.json_body["error"]["reason"]) == (
        "filters.shop_id", "reports.shop_grouping")

    _, data = _export(api, "csv", {"date_from": YESTERDAY, "date_to": TODAY, "by": "total", "shop_id": "S2"}, "en")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
    assert [(r["Day"], r["Code"], r["Orders"], r["Sales (CNY)"], r["Avg. time to ship (hours)"]) for r in rows] == [
        (YESTERDAY, "S2", "1", "99.99", "3.0"), (TODAY, "S2", "0", "0.00", "")]


def test_given_no_dates_then_the_last_30_days_as_the_page_opens(api: dict[str, Any]) -> None:
    job, data = _export(api, "csv", {"by": "platform"})
    assert job["rows"] == 3
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))
    assert [(r["日期"], r["名称"], r["销售额(元)"]) for r in rows] == [
        (YESTERDAY, "京东", "99.99"), (YESTERDAY, "淘宝/天猫", "45.81"), (TODAY, "淘宝/天猫", "35.80")]


@pytest.mark.parametrize(("filters", "field", "reason"), [
    ({"date_from": "2026-13-01"}, "filters.date_from", "reports.date"),
    ({"date_from": TODAY, "date_to": YESTERDAY}, "filters.date_to", "reports.date_range"),
    ({"date_from": "2026-01-01", "date_to": TODAY}, "filters.date_to", "reports.range_too_long"),
    ({"by": "warehouse"}, "filters.by", "reports.by"),
    ({"shop_id": "S9"}, "filters.shop_id", "exports.filter"),
    ({"status": "shipped"}, "filters.status", "exports.filter"),
])
def test_given_bad_report_filters_then_400_naming_the_filter_and_nothing_queued(
        api: dict[str, Any], filters: dict[str, str], field: str, reason: str) -> None:
    response = api["client"].http.post("/admin/exports", headers=api["headers"],
                                       body=json.dumps({"kind": "reports", "filters": filters}))
    assert response.status_code == 400, response.json_body
    assert (response.json_body["error"]["fields"][0]["field"], response.json_body["error"]["reason"]) == (field, reason)
    assert api["publisher"].bodies("exports") == [] and not api["export_store"].rows
