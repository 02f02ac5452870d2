"""Warehouses and stock documents in the browser: a warehouse with locations is created, stock is received
with a stock-in document and audited, part of it transferred to a second warehouse and received there, and
a stock count posts its difference; the stock per warehouse page shows the result."""
from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import api, login, shot

pytestmark = pytest.mark.browser
SKU = "WH-CUP-500"


def _choose(page: Any, select: str, option: str) -> None:
    """option: the option's own data-test (a closing dropdown's options are still on the page)."""
    page.click(f"[data-test={select}]")
    page.locator(f"[data-test={option}]").click()


def _document(page: Any, doc_id: str, doc_type: str, warehouse: str, quantity: int, target: str = "") -> None:
    page.click("[data-test=add-document]")
    page.fill("[data-test=doc-id]", doc_id)
    if doc_type:
        _choose(page, "doc-type", f"doc-type-{doc_type}")
    _choose(page, "doc-warehouse", f"doc-warehouse-{warehouse}")
    if target:
        _choose(page, "doc-target", f"doc-target-{target}")
    page.fill("[data-test=line-sku-0]", SKU)
    page.fill("[data-test=line-qty-0] input", str(quantity))
    page.click("[data-test=doc-save]")
    page.locator("[data-test=document-table] .el-table__row", has_text=doc_id).wait_for()


def _act(page: Any, verb: str, doc_id: str, status: str) -> None:
    page.click(f"[data-test={verb}-{doc_id}]")
    if verb == "audit":
        page.locator(".el-message-box__btns .el-button--primary").click()
    page.locator(f"[data-test=doc-status-{doc_id}]", has_text=status).wait_for()


def _on_hand(runtime: dict[str, Any], warehouse: str) -> tuple[int, int]:
    rows = {r["warehouse_id"]: r for r in api(runtime, "GET", f"/admin/stock/{SKU}/warehouses")["items"]}
    row = rows.get(warehouse, {"on_hand": 0, "in_transit": 0})
    return row["on_hand"], row["in_transit"]


def test_GIVEN_a_new_warehouse_WHEN_receiving_transferring_and_counting_THEN_stock_follows_each_audited_document(
        page: Any, runtime: dict[str, Any]) -> None:
    api(runtime, "POST", "/admin/erp-skus", {"sku_code": SKU, "name": "保温杯 500ml"})
    suffix = str(int(time.time()))[-6:]
    login(page, runtime)
    page.goto("/warehouses/list")
    page.click("[data-test=add-warehouse]")
    page.fill("[data-test=warehouse-id]", "SH-01")
    page.fill("[data-test=warehouse-name]", "上海仓")
    for i, code in enumerate(("A-01", "A-02")):
        page.click("[data-test=add-location]")
        page.fill(f"[data-test=location-code-{i}]", code)
    page.click("[data-test=warehouse-save]")
    row = page.locator("[data-test=warehouse-table] .el-table__row", has_text="SH-01")
    row.wait_for()
    assert "A-01, A-02" in row.locator("[data-test=warehouse-locations]").inner_text()
    shot(page, "40-warehouses")

    page.goto("/warehouses/documents")
    _document(page, f"IN-{suffix}", "", "SH-01", 10)                     # a stock-in (purchase) is the default
    assert _on_hand(runtime, "SH-01") == (0, 0), "a draft moves no stock"
    _act(page, "audit", f"IN-{suffix}", "已审核")
    assert _on_hand(runtime, "SH-01") == (10, 0)

    _document(page, f"TR-{suffix}", "transfer", "SH-01", 4, target="default")
    _act(page, "audit", f"TR-{suffix}", "已审核")
    assert _on_hand(runtime, "SH-01") == (6, 0) and _on_hand(runtime, "default")[1] == 4
    _act(page, "receive", f"TR-{suffix}", "已收货")
    assert _on_hand(runtime, "default") == (4, 0)

    _document(page, f"CNT-{suffix}", "count", "SH-01", 5)
    _act(page, "audit", f"CNT-{suffix}", "已审核")
    assert _on_hand(runtime, "SH-01") == (5, 0), "the count posted its difference"
    shot(page, "41-stock-documents")

    page.goto("/warehouses/stock")
    _choose(page, "stock-warehouse", "stock-warehouse-SH-01")
    page.locator("[data-test=warehouse-stock-table] .el-table__row", has_text=SKU).wait_for()
    shot(page, "42-stock-by-warehouse")
