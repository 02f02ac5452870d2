"""Background exports through the admin API (issue 26 item 3): a request answers 202 with a job, the worker
writes the list's rows under its filters (Chinese or English headers, yuan, masked receivers), the job shows
its progress and a download link, and both ends are in the audit log. Bad input is a 400 naming the field."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.export_jobs import run_export
from chalicelib.services.users import create_user
from tests import fakes
from tests.audit_fakes import InMemoryAuditLog
from tests.export_kit import DirectoryFiles, InMemoryExportStore
from tests.factories import make_order

PASSWORD = "Fake-Passw0rd-for-tests"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[dict[str, Any]]:
    users, orders, shops = fakes.InMemoryUserRepository(), fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository()
    create_user(users, "ops", PASSWORD, Role.OPERATOR)
    create_user(users, "viewer", PASSWORD, Role.VIEWER)
    shops.add(Shop("S1", "旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
    for n in range(1, 451):
        order = make_order(n, "S1", paid_fen=12345 + n,
                           status=OrderStatus.SHIPPED if n % 2 else OrderStatus.AWAITING_SHIPMENT)
        orders.add(replace(order, holds=frozenset({HoldReason.REFUND_REQUESTED})) if n in (2, 6) else order)
    deps = {"users": users, "orders": orders, "export_orders": orders, "shops": shops,
            "clock": fakes.FixedClock(datetime.now(UTC)), "publisher": fakes.RecordingPublisher(),
            "audit_log": InMemoryAuditLog(), "export_store": InMemoryExportStore(),
            "export_files": DirectoryFiles(tmp_path / "bucket")}
    with bootstrap.override(**deps), Client(app, stage_name="test") as client:
        tokens = {}
        for name in ("ops", "viewer"):
            login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"username": name, "password": PASSWORD}))
            tokens[name] = {"Authorization": f"Bearer {login.json_body['token']}", "Content-Type": "application/json"}
        yield {"client": client, "headers": tokens["ops"], "viewer": tokens["viewer"], **deps}


def _start(api: dict[str, Any], body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return api["client"].http.post("/admin/exports", headers=headers or api["headers"], body=json.dumps(body))


def _run_queued(api: dict[str, Any]) -> None:
    for message in api["publisher"].bodies("exports"):
        run_export(bootstrap.export_deps(), message["export_id"])


def test_given_a_hold_filter_when_exported_as_csv_then_a_job_writes_only_those_orders_in_chinese_and_yuan(
        api: dict[str, Any]) -> None:
    started = _start(api, {"kind": "orders", "format": "csv", "filters": {"hold": "refund_requested"}})
    assert started.status_code == 202, started.json_body
    job = started.json_body
    assert (job["state"], job["total"], job["download_url"]) == ("queued", 2, None)

    _run_queued(api)

    shown = api["client"].http.get(f"/admin/exports/{job['export_id']}", headers=api["headers"]).json_body
    assert (shown["state"], shown["rows"]) == ("done", 2)
    assert shown["download_url"].startswith("file://")
    text = api["export_files"].read(f"exports/{job['export_id']}/{shown['filename']}").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert sorted(r["订单号"] for r in rows) == ["2", "6"]
    two = next(r for r in rows if r["订单号"] == "2")
    assert (two["实付金额(元)"], two["订单状态"], two["挂起原因"], two["店铺"]) == ("123.47", "待发货", "申请退款", "旗舰店")
    assert "*" in two["收件人"] or two["收件人"] == ""          # the list's masked name, never the full one


def test_given_an_xlsx_of_more_than_a_page_when_run_then_every_order_with_amounts_as_numbers(
        api: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    job = _start(api, {"kind": "orders", "format": "xlsx", "filters": {}}).json_body
    _run_queued(api)
    shown = api["export_store"].get(job["export_id"])
    assert (shown.state.value, shown.rows) == ("done", 450)
    sheet = load_workbook(io.BytesIO(api["export_files"].read(shown.key)), read_only=True).active
    header, *rows = list(sheet.values)
    assert header[0] == "订单号" and len(rows) == 450
    paid = {row[0]: row[header.index("实付金额(元)")] for row in rows}
    assert paid["7"] == pytest.approx(123.52)


def test_given_english_when_exported_then_english_headers_and_words(api: dict[str, Any]) -> None:
    job = _start(api, {"kind": "orders", "format": "csv", "language": "en",
                       "filters": {"status": "shipped", "order_no": "7"}}).json_body
    _run_queued(api)
    done = api["export_store"].get(job["export_id"])
    rows = list(csv.DictReader(io.StringIO(api["export_files"].read(done.key).decode().lstrip("\ufeff"))))
    assert [(r["Order no."], r["Status"], r["Paid (CNY)"]) for r in rows] == [("7", "shipped", "123.52")]


def test_given_order_lines_when_exported_then_one_row_per_line(api: dict[str, Any]) -> None:
    job = _start(api, {"kind": "order_lines", "format": "csv", "filters": {"order_no": "3"}}).json_body
    _run_queued(api)
    done = api["export_store"].get(job["export_id"])
    rows = list(csv.DictReader(io.StringIO(api["export_files"].read(done.key).decode().lstrip("\ufeff"))))
    order = api["orders"].get(next(iter(o for o in api["orders"].rows if api["orders"].rows[o].order_no == "3")))
    assert len(rows) == len(order.lines) and rows[0]["订单号"] == "3" and rows[0]["商品名称"] == order.lines[0].title


def test_given_a_finished_export_then_the_request_and_the_outcome_are_audited(api: dict[str, Any]) -> None:
    job = _start(api, {"kind": "orders", "format": "csv"}).json_body
    _run_queued(api)
    actions = [(e.actor, e.action, e.target) for e in api["audit_log"].entries]
    assert ("ops", "POST /admin/exports", "") in actions
    assert ("ops", "export.finished", f"export/{job['export_id']}") in actions


def test_given_exports_then_the_list_is_newest_first_and_paged(api: dict[str, Any]) -> None:
    for fmt in ("csv", "xlsx", "csv"):
        _start(api, {"kind": "orders", "format": fmt})
    first = api["client"].http.get("/admin/exports?limit=2", headers=api["headers"]).json_body
    assert len(first["items"]) == 2 and first["cursor"]
    rest = api["client"].http.get(f"/admin/exports?limit=2&cursor={first['cursor']}", headers=api["headers"]).json_body
    ids = [j["export_id"] for j in first["items"] + rest["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)


def test_given_a_delivery_twice_then_the_file_is_written_once(api: dict[str, Any]) -> None:
    _start(api, {"kind": "orders", "format": "csv"})
    _run_queued(api)
    _run_queued(api)
    assert len(api["export_files"].uploads) == 1


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "invoices"}, "kind"),
    ({"kind": "orders", "format": "pdf"}, "format"),
    ({"kind": "orders", "filters": {"colour": "red"}}, "filters.colour"),
    ({"kind": "orders", "filters": {"status": "lost"}}, "filters.status"),
    ({"kind": "after_sales", "filters": {"type": "gift"}}, "filters.type"),
    ({"kind": "shipments", "filters": {"from": "yesterday"}}, "filters.from"),
    ({"kind": "orders", "language": "fr"}, "language"),
    ({"kind": "orders", "extra": 1}, "extra"),
])
def test_given_bad_input_then_400_naming_the_field_and_nothing_queued(api: dict[str, Any], body: dict[str, Any],
                                                                       field: str) -> None:
    response = _start(api, body)
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["fields"][0]["field"] == field
    assert api["publisher"].bodies("exports") == [] and not api["export_store"].rows


def test_given_a_viewer_then_starting_an_export_is_refused(api: dict[str, Any]) -> None:
    assert _start(api, {"kind": "orders"}, api["viewer"]).status_code == 403


def test_given_an_unknown_export_then_404(api: dict[str, Any]) -> None:
    response = api["client"].http.get("/admin/exports/exp_nope", headers=api["headers"])
    assert response.status_code == 404 and response.json_body["error"]["reason"] == "exports.not_found"
