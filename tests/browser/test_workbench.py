"""The order workbench a seller lives in (#21), in both languages and at both viewports the issue names."""
from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.workbench_kit import (
    LANGS,
    VIEWPORTS,
    held_for_one_sku,
    link_in_background,
    login_as_admin,
    open_page,
    orders_of,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_the_first_page_still_loading_WHEN_searching_an_order_no_THEN_the_late_unfiltered_page_is_dropped(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    target = orders_of(runtime, minimum=2)[0]
    held: list[Any] = []

    def hold_the_unfiltered_list(route: Any) -> None:
        # the page's own first load answers last, as it does at thousands of orders
        if "order_no=" not in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        page.route(lambda url: "/admin/orders?" in url, hold_the_unfiltered_list)
        page.goto("/orders")
        page.fill("[data-test=f-order-no]", target["order_no"])
        page.click("[data-test=search]")
        rows = page.locator("[data-test=orders-table] .el-table__row")
        expect(rows).to_have_count(1)
        assert held, "the first load was not held"
        with page.expect_response(lambda r: "/admin/orders?" in r.url and "order_no=" not in r.url):
            held[0].continue_()
        page.wait_for_timeout(500)
        expect(rows).to_have_count(1)
        assert target["order_no"] in page.locator("[data-test=orders-table]").inner_text()
        assert f"order_no={target['order_no']}" in page.url


SHOP_WORDS = {"zh-CN": ("待授权", "需重新授权", "店铺授权成功"),
              "en": ("Awaiting authorisation", "Re-authorise", "Shop authorised")}


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_a_new_shop_WHEN_listed_and_a_shop_authorised_locally_THEN_it_awaits_authorisation_and_oauth_returns_to_the_ui(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    from tests.browser.conftest import api
    sandbox = runtime["sandbox"]["taobao"]
    name = f"新店-{lang}"
    shop = api(runtime, "POST", "/admin/shops", {"name": name, "platform": "taobao", "mode": "third_party",
                                                 "app_key": sandbox["app_key"], "app_secret": sandbox["app_secret"],
                                                 "base_url": sandbox["gateway"]})
    try:
        _authorise_round_trip(browser, runtime, console, lang, name)
    finally:    # the other journeys count the seven demo shops
        api(runtime, "DELETE", f"/admin/shops/{shop['shop_id']}")


def _authorise_round_trip(browser: Any, runtime: dict[str, Any], console: Any, lang: str, name: str) -> None:
    awaiting, reauth, authorised = SHOP_WORDS[lang]
    sandbox = runtime["sandbox"]["taobao"]
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        page.goto("/shops")
        added = page.locator("[data-test=shops-table] .el-table__row", has_text=name)
        expect(added.locator("[data-test=shop-status]")).to_have_text(awaiting)
        assert reauth not in added.inner_text() and "awaiting authorisation: open" not in added.inner_text()
        # the local runtime (no UI_ORIGIN) sends the seller back to the UI, not to a JSON page
        page.locator("[data-test=shops-table] .el-table__row", has_text=sandbox["shop_id"]).locator(
            "[data-test=authorise]").click()
        page.locator(".el-message-box .el-button--primary").click()
        page.wait_for_url(f"**/shops/{sandbox['shop_id']}?authorised=1")
        expect(page.locator("[data-test=authorised]")).to_contain_text(authorised)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_the_orders_page_WHEN_shown_at_a_laptop_size_THEN_filters_take_one_row_and_the_table_fits(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str, viewport: str) -> None:
    orders_of(runtime, minimum=10)
    with open_page(browser, runtime, console, lang, viewport) as page:
        login_as_admin(page, runtime)
        page.goto("/orders")
        rows = page.locator("[data-test=orders-table] .el-table__row")
        rows.first.wait_for()
        height = VIEWPORTS[viewport]["height"]
        filters = page.locator("[data-test=order-filters]").bounding_box()
        assert filters and filters["height"] < 60, f"the filter bar takes {filters} px"
        # the rest behind 更多, opened on demand
        expect(page.locator("[data-test=more-panel]")).to_be_hidden()
        page.click("[data-test=more-filters]")
        expect(page.locator("[data-test=f-hold]")).to_be_visible()
        page.click("[data-test=more-filters]")
        # the table ends, with its pager, inside the window: nothing clipped below the fold
        pager = page.locator("[data-test=orders-pager]").bounding_box()
        table = page.locator("[data-test=orders-table]").bounding_box()
        assert pager and pager["y"] + pager["height"] <= height, f"pager at {pager} in a {height} px window"
        assert table and table["x"] + table["width"] <= VIEWPORTS[viewport]["width"]
        visible_rows = [b for b in (r.bounding_box() for r in rows.all()[:20]) if b and b["y"] + b["height"] <= height]
        assert len(visible_rows) >= 6, f"{len(visible_rows)} orders visible"
        shot(page, f"workbench-orders-{lang}-{viewport}")


RELEASED = {"zh-CN": ("商品未关联", "挂起已自动解除"), "en": ("Unlinked SKU", "Hold released by the system")}


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_an_open_order_held_for_an_unlinked_sku_WHEN_linked_elsewhere_THEN_the_release_shows_without_reload(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    tag, message = RELEASED[lang]
    order, sku_id = held_for_one_sku(runtime)
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        page.goto(f"/orders?order_no={order['order_no']}")
        page.locator("[data-test=orders-table] .el-table__row").first.click()
        holds = page.locator("[data-test=order-drawer] [data-test=hold-tag]", has_text=tag)
        expect(holds).to_have_count(1)
        link_in_background(runtime, order, sku_id, f"BG-{lang}-{int(time.time())}")
        # no reload, no click: the drawer follows the background release and says so
        expect(holds).to_have_count(0, timeout=60_000)
        expect(page.locator(".el-message", has_text=message)).to_be_visible()
        page.locator("[data-test=order-drawer] .el-tabs__item").nth(2).click()     # 变更历史, in words
        shot(page, f"workbench-hold-released-{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_a_platform_order_number_WHEN_typed_into_the_pick_list_THEN_its_pdf_downloads(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    order = next(o for o in orders_of(runtime, minimum=3) if o["status"] == "awaiting_shipment")
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        page.goto("/shipping?tab=picklist")
        page.fill("[data-test=picklist-orders]", order["order_no"])     # the number the platform shows
        with page.expect_download() as download:
            page.click("[data-test=picklist-print]")
        assert download.value.suggested_filename.endswith(".pdf")


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_the_waybills_tab_at_1280x720_WHEN_shown_THEN_its_toolbar_keeps_one_row(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    with open_page(browser, runtime, console, lang, "1280x720") as page:
        login_as_admin(page, runtime)
        page.goto("/shipping")
        toolbar = page.locator("[data-test=waybills-panel] > .toolbar")
        toolbar.wait_for()
        box = toolbar.bounding_box()
        shot(page, f"workbench-waybills-{lang}-1280x720")
        assert box and box["height"] < 45, f"the waybill toolbar wraps: {box}"


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_orders_in_every_state_WHEN_the_workbench_opens_THEN_status_tabs_count_them_and_all_means_all(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    from tests.browser.conftest import api
    orders_of(runtime, minimum=5)
    # the counts are folded by the reports consumer a moment after the orders are stored
    deadline = time.monotonic() + 120
    before = api(runtime, "GET", "/admin/orders/counts")["counts"]
    while not before["all"] and time.monotonic() < deadline:
        time.sleep(1)
        before = api(runtime, "GET", "/admin/orders/counts")["counts"]
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        page.goto("/orders")
        rows = page.locator("[data-test=orders-table] .el-table__row")
        rows.first.wait_for()
        badge = page.locator("[data-test=count-all]")
        badge.wait_for()
        assert int(badge.inner_text()) >= before["all"] > 0
        # 全部: every status, and a total under the list
        total = page.locator("[data-test=orders-total]")
        total.wait_for()
        assert int("".join(c for c in total.inner_text() if c.isdigit())) >= before["all"]
        # a tab narrows to its own orders: 异常 = paid, not shipped, held
        page.click("[data-test=tab-exception]")
        page.wait_for_url("**status=exception**")
        page.locator(".el-loading-mask:visible").first.wait_for(state="detached")
        listed = api(runtime, "GET", "/admin/orders?status=exception&limit=50")["items"]
        assert all(o["holds"] and o["status"] in ("awaiting_shipment", "partially_shipped") for o in listed)
        if listed:
            expect(rows.first).to_be_visible()
            assert rows.count() <= max(len(listed) + 5, 50)
