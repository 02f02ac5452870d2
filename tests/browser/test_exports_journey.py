"""A background export from the order workbench (issue 26 item 3): 10,000 orders of one shop, the 导出
button starts a job under the list's filters, its progress shows beside the button, the .xlsx downloads
when it is done (a presigned link to moto's S3) and opens with openpyxl: 10,000 rows, Chinese headers and
words, amounts in yuan as numbers. The 导出任务 page lists the job as done with its download link."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, login, shot
from tests.export_kit import SEED_SHOP, SEED_SHOP_NAME, seeded_paid_fen

pytestmark = pytest.mark.browser
ORDERS = 10_000


def _seed(runtime: dict[str, Any]) -> float:
    """Written through the storage layer into the runtime's moto (a child process: the prefix and the
    endpoint are the runtime's, bound when the models are imported)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMS_PREFIX": runtime["prefix"], "AWS_ENDPOINT_URL": runtime["moto"],
           "AWS_DEFAULT_REGION": runtime["region"], "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tests.export_kit", str(ORDERS)], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def test_GIVEN_10000_orders_WHEN_exported_from_the_workbench_THEN_the_xlsx_holds_them_in_chinese_and_yuan(
        page: Any, runtime: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    _seed(runtime)
    login(page, runtime)
    page.goto(f"/orders?shop_id={SEED_SHOP}")
    expect(page.locator("[data-test=orders-table] .el-table__row").first).to_be_visible(timeout=60_000)

    with page.expect_download(timeout=20 * 60_000) as download:
        page.click("[data-test=export]")
        expect(page.locator("[data-test=export-progress]")).to_be_visible(timeout=60_000)
        shot(page, "exports-workbench-progress")
    path = download.value.path()

    sheet = load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True).active
    header, *rows = list(sheet.values)
    assert header[:4] == ("订单号", "店铺", "平台", "订单状态")
    assert len(rows) == ORDERS
    col = {name: header.index(name) for name in ("订单号", "店铺", "平台", "订单状态", "实付金额(元)", "买家留言", "收件人")}
    by_no = {row[col["订单号"]]: row for row in rows}
    assert len(by_no) == ORDERS
    for i in (0, 1, 4321, ORDERS - 1):
        row = by_no[f"EX{i:06d}"]
        assert row[col["实付金额(元)"]] == pytest.approx(seeded_paid_fen(i) / 100)
        assert (row[col["店铺"]], row[col["平台"]], row[col["订单状态"]]) == (SEED_SHOP_NAME, "京东", "已发货")
        assert (row[col["买家留言"]], row[col["收件人"]]) == ("请用顺丰，谢谢", "王*")

    page.goto("/system/exports")
    done = page.locator("[data-test=exports-table] .el-table__row").first
    expect(done.locator("[data-test=export-state-done]")).to_be_visible()
    expect(done).to_contain_text("10000")
    expect(done.locator("[data-test=export-download]")).to_be_visible()
    shot(page, "exports-page")
