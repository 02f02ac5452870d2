"""One language at a time (#21): every page, in both languages, shows no untranslated text and no raw code.

A heuristic scan of the visible text: English words in the Chinese UI outside proper nouns and ids,
snake_case or dotted codes, upper-case platform codes, `POST /admin/...` routes."""
from __future__ import annotations

import contextlib
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import api
from tests.workbench_kit import LANGS, leaks, login_as_admin, open_page, orders_of

pytestmark = pytest.mark.browser

PAGES = ["/dashboard", "/reports", "/orders", "/after-sales", "/shipping", "/shipping?tab=accounts", "/shipping?tab=picklist",
         "/shipping?tab=log", "/shops", "/sync", "/catalog/shop-skus", "/catalog/erp-skus", "/integration/clients",
         "/integration/deliveries", "/integration/dlq", "/system/users", "/system/audit", "/warehouses/stock-up"]


def _settled(page: Any, where: str) -> None:
    """A page's answers can take tens of seconds when CI's other workers load the one-process runtime."""
    # a page that polls never idles: its loading masks below say whether its data came
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=30_000)
    try:
        page.locator(".el-loading-mask:visible").first.wait_for(state="detached", timeout=60_000)
    except PlaywrightTimeout as error:
        raise AssertionError(f"{where} still loading after 60 s") from error
    page.wait_for_timeout(300)


def _visible_text(page: Any) -> str:
    return str(page.locator("body").inner_text())


@pytest.mark.parametrize("lang", LANGS)
def test_GIVEN_every_page_WHEN_shown_in_one_language_THEN_no_untranslated_text_or_raw_code(
        browser: Any, runtime: dict[str, Any], console: Any, lang: str) -> None:
    orders = orders_of(runtime, minimum=3)
    # an audit entry and a ledger movement exist to be shown
    api(runtime, "POST", f"/admin/orders/{orders[0]['order_id']}/hold", {"reason": "manual_hold", "note": ""})
    api(runtime, "POST", f"/admin/orders/{orders[0]['order_id']}/release", {"reason": "manual_hold"})
    # data, not UI text: user names, and the carrier codes platforms send as they are
    data = {u["username"] for u in api(runtime, "GET", "/admin/users")["items"]}
    data |= {part for u in data for part in u.split(".")}
    data |= {str(o.get("carrier_code") or "") for o in orders}
    found: dict[str, list[str]] = {}
    with open_page(browser, runtime, console, lang) as page:
        login_as_admin(page, runtime)
        for path in PAGES:
            page.goto(path)
            _settled(page, path)
            if bad := leaks(_visible_text(page), lang, allowed=data):
                found[path] = bad
        # the order drawer, every tab
        page.goto(f"/orders?order_no={orders[0]['order_no']}")
        _settled(page, "/orders?order_no=")
        page.locator("[data-test=orders-table] .el-table__row").first.click()
        drawer = page.locator("[data-test=order-drawer]")
        drawer.locator("[data-test=order-lines]").wait_for()
        for tab in drawer.locator(".el-tabs__item").all():
            tab.click()
            _settled(page, f"drawer tab {tab.inner_text()}")
            if bad := leaks(drawer.inner_text(), lang, allowed=data | _raw_payload_words(drawer)):
                found[f"drawer:{tab.inner_text()}"] = bad
    assert not found, f"untranslated text or raw codes ({lang}): {found}"


def _raw_payload_words(drawer: Any) -> set[str]:
    """The 原始报文 tab shows the platform's own payload: its keys and values are data, not UI text."""
    raw = drawer.locator("pre.raw")
    if not raw.count():
        return set()
    text = str(raw.inner_text())
    return set(leaks(text, "zh-CN"))
