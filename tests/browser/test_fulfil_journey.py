"""Fulfilment strategies (发货策略) in Chromium: a warehouse rule made in the rules page plans the demo's
orders, and the order drawer's 发货方案 tab shows the plan (warehouse, waybill account, gifts) and why."""
from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import api, login, shot

pytestmark = pytest.mark.browser


def _planned_by(runtime: dict[str, Any], rule_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for order in api(runtime, "GET", "/admin/orders?limit=50")["items"]:
            plan = api(runtime, "GET", f"/admin/fulfilment/orders/{order['order_id']}/plan")["plan"]
            if plan and plan["warehouse_rule"] == rule_id:
                return order
        time.sleep(2)
    raise AssertionError(f"no order planned by {rule_id}")


def test_GIVEN_a_warehouse_rule_WHEN_orders_arrive_THEN_the_drawer_shows_their_plan_and_why(
        page: Any, runtime: dict[str, Any]) -> None:
    login(page, runtime)
    page.goto("/processing/fulfilment")
    page.locator("[data-test=fulfil-none], [data-test=fulfil-table-warehouse]").first.wait_for()
    page.click("[data-test=fulfil-add]")
    page.fill("[data-test=fulfil-name]", "全国走默认仓")
    page.locator("[data-test=fulfil-warehouses]").click()
    page.locator(".el-select-dropdown__item:visible").first.click()
    page.keyboard.press("Escape")
    page.click("[data-test=fulfil-save]")
    page.locator("[data-test=fulfil-table-warehouse] .el-table__row", has_text="全国走默认仓").wait_for()
    shot(page, "60-fulfil-rules")
    rule_id = api(runtime, "GET", "/admin/fulfilment/rules")["warehouse"][0]["rule_id"]

    order = _planned_by(runtime, rule_id)
    page.goto(f"/orders?order_no={order['order_no']}")
    page.locator("[data-test=orders-table] .el-table__row").first.click()
    drawer = page.locator("[data-test=order-drawer]")
    drawer.locator(".el-tabs__item", has_text="发货方案").click()
    panel = drawer.locator("[data-test=plan-panel]")
    panel.locator("[data-test=plan-warehouse]").wait_for()
    assert panel.locator("[data-test=plan-warehouse]").inner_text() == "默认仓"
    assert f"发货仓 默认仓：规则 {rule_id}" in panel.locator("[data-test=plan-reasons]").inner_text()
    panel.locator("[data-test=plan-history]", has_text="方案：发货仓 默认仓").wait_for()
    shot(page, "61-order-plan")
