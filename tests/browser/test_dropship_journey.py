"""Supplier drop-shipping in the browser: the seller gives a sandbox order to a supplier from the order
workbench (batch action), the supplier's user signs in, sees only its orders with the receiver masked,
types the tracking number, and sees the order shipped once the platform took it."""
from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, login, shot

pytestmark = pytest.mark.browser
PASSWORD = "Factory-Pass-2026"


def _open_order(runtime: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """A Taobao order awaiting shipment (its sandbox takes a ship-back at once)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = api(runtime, "GET", "/admin/orders?status=awaiting_shipment&platform=taobao&limit=50")["items"]
        clean = [o for o in items if o["refund_state"] == "none"]      # the platform refuses to ship a refunding one
        if clean:
            return dict(clean[0])
        time.sleep(1)
    raise AssertionError("no Taobao order awaiting shipment arrived")


def _supplier_with_user(runtime: dict[str, Any]) -> str:
    supplier = api(runtime, "POST", "/admin/suppliers", {"name": "义乌小商品厂", "contact": "王经理"})
    api(runtime, "POST", "/admin/users", {"username": "factory.wang", "password": PASSWORD, "role": "supplier",
                                          "supplier_id": supplier["supplier_id"]})
    return str(supplier["supplier_id"])


def test_GIVEN_an_order_assigned_to_a_supplier_WHEN_the_supplier_enters_its_tracking_no_THEN_it_ships(
        page: Any, runtime: dict[str, Any]) -> None:
    target = _open_order(runtime)
    supplier_id = _supplier_with_user(runtime)
    login(page, runtime)
    page.goto(f"/orders?order_no={target['order_no']}")
    row = page.locator("[data-test=orders-table] .el-table__row", has_text=target["order_no"])
    row.locator(".el-checkbox").first.click()
    page.click("[data-test=batch]")
    page.locator("[data-test=batch-supplier]").click()
    page.click("[data-test=assign-supplier]")
    page.locator(f"[data-test=assign-supplier-{supplier_id}]").click()
    shot(page, "70-dropship-assign")
    page.click("[data-test=assign-confirm]")
    page.locator("[data-test=assign-dialog]").wait_for(state="hidden")
    assert api(runtime, "GET", f"/admin/orders/{target['order_id']}")["supplier_id"] == supplier_id
    row.locator("td").nth(2).click()
    drawer = page.locator("[data-test=order-drawer]")
    drawer.locator("[data-test=order-lines] .el-table__row").first.wait_for()
    shot(page, "70b-dropship-drawer")
    expect(drawer.locator("[data-test=drawer-supplier]")).to_have_text("义乌小商品厂")
    page.keyboard.press("Escape")
    drawer.wait_for(state="hidden")

    page.click("[data-test=user-menu]")
    page.locator("[data-test=logout]").click()
    page.wait_for_url("**/login**")
    page.fill("input[name=username]", "factory.wang")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-test=login-submit]")
    page.wait_for_url("**/supplier/orders")
    assert page.locator("[data-test=side-menu] .el-menu-item").count() == 1, "a supplier sees its page only"
    mine = page.locator("[data-test=supplier-orders] .el-table__row")
    expect(mine).to_have_count(1)
    assert target["order_no"] in mine.first.inner_text() and "*" in mine.first.inner_text(), "receiver masked"
    shot(page, "71-supplier-orders")
    mine.first.locator("[data-test=ship-tracking]").fill("ZT800100200")
    mine.first.locator("[data-test=ship-submit]").click()
    mine.first.locator("[data-test=supplier-shipment]", has_text="ZT800100200").wait_for()

    status = page.locator("[data-test=supplier-orders] [data-test=supplier-order-status]").first
    deadline = time.monotonic() + 60         # the platform-actions queue writes it back in the background
    while time.monotonic() < deadline:
        page.locator("[data-test=supplier-status] label", has_text="全部").click()
        status.wait_for()
        if status.inner_text() == "已发货":
            break
        page.wait_for_timeout(1500)
        page.reload()
    expect(page.locator("[data-test=supplier-order-status]").first).to_have_text("已发货")
    shot(page, "72-supplier-shipped")
    order = api(runtime, "GET", f"/admin/orders/{target['order_id']}")
    assert order["status"] == "shipped" and order["tracking_no"] == "ZT800100200"


def _two_line_order(runtime: dict[str, Any], timeout: float = 120) -> dict[str, Any]:
    """An order of two lines or more awaiting shipment, nobody's to drop-ship yet (the ERP has not taken it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = api(runtime, "GET", "/admin/orders?status=awaiting_shipment&limit=100")["items"]
        found = [o for o in items if len(o["items"]) >= 2 and not o["supplier_id"] and o["refund_state"] == "none"
                 and o["erp_handoff"] in ("ready", "not_ready")]
        if found:
            return dict(found[0])
        time.sleep(1)
    raise AssertionError("no order of two lines awaiting shipment arrived")


def test_GIVEN_an_order_of_two_lines_WHEN_one_is_given_to_a_supplier_in_the_drawer_THEN_only_it_is_the_suppliers(
        page: Any, runtime: dict[str, Any]) -> None:
    target = _two_line_order(runtime)
    supplier_id = str(api(runtime, "POST", "/admin/suppliers", {"name": "温州鞋厂"})["supplier_id"])
    line_ids = [x["line_id"] for x in api(runtime, "GET", f"/admin/orders/{target['order_id']}")["lines"]]
    login(page, runtime)
    page.goto(f"/orders?order_no={target['order_no']}")
    row = page.locator("[data-test=orders-table] .el-table__row", has_text=target["order_no"])
    row.locator("td").nth(2).click()
    drawer = page.locator("[data-test=order-drawer]")
    drawer.locator("[data-test=order-lines] .el-table__row").first.wait_for()
    drawer.locator("[data-test=drawer-assign]").click()
    dialog = page.locator("[data-test=assign-dialog]")
    dialog.locator("[data-test=assign-supplier]").click()
    page.locator(f"[data-test=assign-supplier-{supplier_id}]").click()
    for line_id in line_ids[1:]:                          # ticked: all; untick every line but the first
        dialog.locator(f"[data-test=assign-line-{line_id}]").click()
    shot(page, "73-dropship-lines")
    dialog.locator("[data-test=assign-confirm]").click()
    dialog.wait_for(state="hidden")
    order = api(runtime, "GET", f"/admin/orders/{target['order_id']}")
    assert order["supplier_id"] == supplier_id and order["supplier_lines"] == line_ids[:1]
    assert order["erp_handoff"] == target["erp_handoff"], "the ERP still has the seller's lines, as before"
    expect(drawer.locator("[data-test=line-dropship]")).to_have_count(1)
    expect(drawer.locator("[data-test=drawer-supplier-lines]")).to_contain_text(line_ids[0])
