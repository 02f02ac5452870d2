"""The reports page's 导出 button (issue 26 item 3, "reports"): the page's days and grouping become a background
export whose progress shows beside the button; the .xlsx downloads when it is done and opens with openpyxl
with the page's grouping, Chinese headers and amounts in yuan as numbers."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.workbench_kit import orders_of

pytestmark = pytest.mark.browser
PLATFORM_WORDS = {"淘宝/天猫", "京东", "拼多多", "抖店", "微信小店", "快手", "小红书", "线下"}


def test_GIVEN_the_reports_page_by_platform_WHEN_exported_as_xlsx_THEN_the_file_holds_its_rows_in_yuan(
        page: Any, runtime: dict[str, Any]) -> None:
    from openpyxl import load_workbook
    orders_of(runtime, minimum=3)
    login(page, runtime)
    page.goto("/reports?by=platform")
    expect(page.locator("[data-test=series-table] .el-table__body .el-table__row").first).to_be_visible(
        timeout=120_000)

    with page.expect_download(timeout=10 * 60_000) as download:
        page.locator("[data-test=report-export] button").click()
        page.locator("[data-test=report-export-xlsx]").click()
        expect(page.locator("[data-test=report-export-progress]")).to_be_visible(timeout=60_000)
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True).active

    header, *rows = list(sheet.values)
    assert sheet.title == "每日销售"
    assert header[:7] == ("日期", "分组", "编码", "名称", "订单数", "件数", "销售额(元)")
    assert rows and {row[1] for row in rows} == {"平台"}
    assert {row[3] for row in rows} <= PLATFORM_WORDS
    assert all(isinstance(row[4], int) and isinstance(row[6], int | float) for row in rows)
    assert sum(row[4] for row in rows) > 0
