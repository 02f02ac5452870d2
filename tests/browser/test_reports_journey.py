"""The dashboard and the reports page (#26 item 2), in Chromium against the local runtime: the figures agree
with the orders list, the charts draw, every figure opens the orders behind it, and the empty and failing
states say so (the report routes answered by the page for those two)."""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, WAIT_MS, api, shot
from tests.reports_kit import answer_reports, answer_reports_demo
from tests.workbench_kit import LANGS, login_as_admin, open_page, orders_of

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
TOTAL = re.compile(r"\d+")


def _to_docs(path: Path, name: str) -> None:
    shutil.copyfile(path, DOCS / name)


def _orders_total(page: Any) -> int:
    total = page.locator("[data-test=orders-total]")
    total.wait_for()
    page.locator(".el-loading-mask:visible").first.wait_for(state="detached", timeout=WAIT_MS)
    found = TOTAL.search(total.inner_text())
    assert found, total.inner_text()
    return int(found.group(0))


def _dashboard_figure(page: Any, key: str) -> str:
    figure = page.locator(f"[data-test=stat-{key}] [data-test=stat-figure]")
    figure.wait_for()
    return str(figure.inner_text())


def _folded_and_listed(runtime: dict[str, Any], day: str) -> tuple[int, int]:
    folded = api(runtime, "GET", "/admin/reports/summary")[day]["orders"]
    return int(folded), int(api(runtime, "GET", f"/admin/orders?range={day}&date_field=created&limit=1")["total"])


def test_GIVEN_yesterdays_orders_WHEN_counted_by_the_aggregates_and_by_the_orders_list_THEN_they_agree(
        runtime: dict[str, Any]) -> None:
    """The demo keeps pulling orders of yesterday and today for minutes, and the aggregates follow the orders
    through a queue: two reads agree whenever no order came in between them. Yesterday's pulls thin out."""
    orders_of(runtime, minimum=3)
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        seen.append(_folded_and_listed(runtime, "yesterday"))
        if seen[-1][0] == seen[-1][1]:
            return
        time.sleep(1)
    raise AssertionError(f"aggregates vs orders list for yesterday, each read: {seen}")


@pytest.mark.parametrize("day", ["today", "yesterday"])
def test_GIVEN_orders_of_a_day_WHEN_opening_the_dashboards_figure_THEN_it_shows_the_aggregate_and_opens_the_days_orders(
        browser: Any, runtime: dict[str, Any], console: Any, day: str) -> None:
    """The figure shown is the report's (read before and after it: orders only arrive), and its link opens
    the orders list of that day, which holds at least the orders counted."""
    orders_of(runtime, minimum=3)
    with open_page(browser, runtime, console, "zh-CN") as page:
        login_as_admin(page, runtime)
        first = _folded_and_listed(runtime, day)[0]
        page.goto("/dashboard")
        if day == "today":
            link = page.locator("[data-test=stat-today]")
            shown = int(_dashboard_figure(page, "today"))
        else:
            link = page.locator("[data-test=stat-today-yesterday]")
            found = TOTAL.search(str(link.inner_text()))
            assert found, link.inner_text()
            shown = int(found.group(0))
        last = _folded_and_listed(runtime, day)[0]
        assert first <= shown <= last
        link.click()
        page.wait_for_url(f"**/orders?**range={day}**")
        query = parse_qs(urlparse(page.url).query)
        assert query["range"] == [day] and query["date_field"] == ["created"]
        assert _orders_total(page) >= shown
        assert day == "yesterday" or shown > 0


def test_GIVEN_sales_WHEN_opening_the_reports_page_THEN_the_charts_draw_and_a_figure_opens_its_orders(
        browser: Any, runtime: dict[str, Any], console: Any) -> None:
    orders_of(runtime, minimum=3)
    with open_page(browser, runtime, console, "zh-CN") as page:
        login_as_admin(page, runtime)
        page.locator("[data-test=side-menu]").get_by_text("经营报表").click()
        page.wait_for_url("**/reports**")
        chart = page.locator("[data-test=report-chart] canvas")
        expect(chart).to_have_count(1, timeout=30_000)
        assert chart.bounding_box()["width"] > 600
        rows = page.locator("[data-test=series-table] .el-table__body .el-table__row")
        expect(rows.first).to_be_visible()
        expect(page.locator("[data-test=top-skus] .el-table__row").first).to_be_visible()
        expect(page.locator("[data-test=after-sales-rates] .el-table__row").first).to_be_visible()
        page.locator("[data-test=as-by-sku]").click()
        expect(page.locator("[data-test=after-sales-rates] .el-table__row").first).to_be_visible()
        page.locator("[data-test=by-platform]").click()
        expect(page.locator("[data-test=series-table]")).to_contain_text("淘宝")
        # a platform's order figure opens the orders list with that platform and the report's days
        figure = rows.first.locator("[data-test=series-orders]")
        count = int(figure.inner_text())
        figure.click()
        page.wait_for_url("**/orders?**")
        query = parse_qs(urlparse(page.url).query)
        assert set(query) >= {"platform", "date_from", "date_to", "date_field"}
        assert _orders_total(page) >= count > 0


def test_GIVEN_a_top_sku_WHEN_clicking_it_on_the_dashboard_THEN_the_orders_list_shows_that_skus_orders(
        browser: Any, runtime: dict[str, Any], console: Any) -> None:
    orders_of(runtime, minimum=3)
    with open_page(browser, runtime, console, "zh-CN") as page:
        login_as_admin(page, runtime)
        expect(page.locator("[data-test=daily-chart] canvas")).to_have_count(1, timeout=30_000)
        top = page.locator("[data-test=top-sku]").first
        top.wait_for()
        sku = top.locator(".mono").inner_text().strip()
        top.locator("a").click()
        page.wait_for_url("**/orders?**")
        assert parse_qs(urlparse(page.url).query)["sku"] == [sku]
        assert page.locator("[data-test=f-sku]").input_value() == sku
        # no counter serves a SKU filter (the list shows no total): its orders are listed
        expect(page.locator("[data-test=orders-table] .el-table__row").first).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_no_orders_in_the_report_WHEN_opening_both_pages_THEN_they_say_so(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        answer_reports(page)
        page.goto("/dashboard")
        expect(page.locator("[data-test=stat-today] [data-test=stat-figure]")).to_have_text("0")
        expect(page.locator("[data-test=empty-state]").first).to_be_visible()
        page.goto("/reports")
        expect(page.locator("[data-test=empty-state]")).to_have_count(3)


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_the_report_api_failing_WHEN_opening_both_pages_THEN_each_part_shows_its_error_and_retries(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    console.allow("500")
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        answer_reports(page, status=500, paths=("daily", "top-skus", "after-sales"))
        page.goto("/reports")
        errors = page.locator("[data-test=error-state]")
        expect(errors).to_have_count(3)
        page.unroute_all()
        answer_reports_demo(page)
        errors.first.get_by_role("button").click()
        expect(page.locator("[data-test=report-chart] canvas")).to_have_count(1, timeout=30_000)
        expect(errors).to_have_count(2)
        # the dashboard keeps the parts that load (the sync table) when the report routes fail
        page.unroute_all()
        answer_reports(page, status=500)
        page.goto("/dashboard")
        expect(page.locator("[data-test=dashboard-error]")).to_be_visible()
        expect(page.locator("[data-test=stat-today] [data-test=stat-figure]")).to_have_text("-")
        expect(page.locator("[data-test=shop-table] .el-table__row").first).to_be_visible(timeout=20_000)


def test_GIVEN_both_languages_WHEN_shown_at_the_issues_viewports_THEN_screenshots_for_the_readme(
        browser: Any, runtime: dict[str, Any], console: Any) -> None:
    orders_of(runtime, minimum=150, timeout=300)     # a demo that has sold for a while: pictures with data
    for lang, viewport, suffix in (("zh-CN", "1440x900", ""), ("en", "1280x720", "-1280-en")):
        with open_page(browser, runtime, console, lang, viewport) as page:
            login_as_admin(page, runtime)
            expect(page.locator("[data-test=daily-chart] canvas")).to_have_count(1, timeout=30_000)
            page.locator("[data-test=top-sku]").first.wait_for()
            page.wait_for_timeout(800)         # the chart's entry animation
            _to_docs(shot(page, f"reports-dashboard{suffix}"), f"ui-dashboard{suffix}.png")
            page.goto("/reports")
            expect(page.locator("[data-test=report-chart] canvas")).to_have_count(1, timeout=30_000)
            page.locator("[data-test=top-skus] .el-table__row").first.wait_for()
            page.wait_for_timeout(800)
            _to_docs(shot(page, f"reports-page{suffix}"), f"ui-reports{suffix}.png")
            # nothing wider than the window at 1280 px: no horizontal scroll bar on the page
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
