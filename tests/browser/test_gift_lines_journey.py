"""Gift lines by hand in the order drawer (#22 order edits) in Chromium: an operator adds a gift of an ERP SKU
to an open manual order, it shows as a gift tag and in the order's history, and is removed again."""
from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, login, shot

pytestmark = pytest.mark.browser
RECEIVER = {"name": "王五", "phone": "13700003333", "province": "浙江省", "city": "杭州市", "district": "西湖区",
            "address": "文三路 8 号"}


def test_GIVEN_an_open_order_WHEN_a_gift_is_added_and_removed_in_the_drawer_THEN_its_tag_and_history_follow(
        page: Any, runtime: dict[str, Any]) -> None:
    code = f"GIFT-{int(time.time())}"
    api(runtime, "POST", "/admin/erp-skus", {"sku_code": code, "name": "赠品测试袜子", "price_fen": 990})
    shop = api(runtime, "POST", "/admin/offline-shops", {"name": "赠品门店"})
    order = api(runtime, "POST", "/admin/manual-orders", {
        "shop_id": shop["shop_id"], "receiver": RECEIVER, "lines": [{"sku_code": code, "quantity": 1, "unit_price_fen": 990}]})
    login(page, runtime)
    page.goto(f"/orders?order_no={order['order_no']}")
    page.locator("[data-test=orders-table] .el-table__row").first.click()
    drawer = page.locator("[data-test=order-drawer]")
    drawer.locator("[data-test=gift-add]").click()
    page.locator("[data-test=gift-dialog] [data-test=gift-sku]").click()
    page.keyboard.type(code)
    page.locator(".el-select-dropdown__item:visible", has_text=code).first.click()
    page.click("[data-test=gift-save]")
    tag = drawer.locator("[data-test^=gift-gift-hand-]")
    expect(tag).to_have_count(1, timeout=30_000)   # the save and the reload: slower than 5 s on a loaded box
    assert f"{code} ×1" in tag.inner_text()
    shot(page, "60-gift-line")
    detail = api(runtime, "GET", f"/admin/orders/{order['order_id']}")
    assert [(line["gift"], line["paid_fen"]) for line in detail["lines"]] == [(False, 990), (True, 0)]
    # not necessarily the last entry: a re-review job of another journey's rule change may follow it
    assert f"gift {code} x1 added by hand" in [entry["summary"] for entry in detail["history"]]
    tag.locator(".el-tag__close").click()
    page.locator(".el-message-box__btns .el-button--primary").click()
    expect(tag).to_have_count(0, timeout=30_000)
    assert [line["gift"] for line in api(runtime, "GET", f"/admin/orders/{order['order_id']}")["lines"]] == [False]
    # the browser tests share one runtime: other journeys count exactly the 7 demo shops
    api(runtime, "DELETE", f"/admin/shops/{shop['shop_id']}")
