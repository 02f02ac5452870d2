"""Helpers for the workbench browser tests (#21): a page in one language at one viewport, logged in.

Both languages and both viewports the issue names: zh-CN and en, 1440x900 and 1280x720."""
from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LANGS = ("zh-CN", "en")
VIEWPORTS = {"1440x900": {"width": 1440, "height": 900}, "1280x720": {"width": 1280, "height": 720}}


def _benign(text: str) -> bool:
    return "Download the Vue Devtools" in text or ("DevTools" in text and "extension" in text)


@contextmanager
def open_page(browser: Any, runtime: dict[str, Any], console: Any, lang: str,
              viewport: str = "1440x900") -> Iterator[Any]:
    """A fresh context whose UI starts in `lang` (the language the UI keeps in localStorage)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=lang, base_url=runtime["ui"].rstrip("/"))
    context.set_default_timeout(15_000)
    context.add_init_script(f"window.localStorage.setItem('oms.locale', {json.dumps(lang)})")
    page = context.new_page()
    page.on("console", lambda m: console.errors.append(f"{m.type}: {m.text} @ {m.location.get('url', '')}")
            if m.type in ("error", "warning") and not _benign(m.text) else None)
    page.on("pageerror", lambda e: console.errors.append(f"pageerror: {e}"))
    try:
        yield page
    finally:
        context.close()


def admin_token(runtime: dict[str, Any]) -> str:
    body = json.dumps({"username": runtime["admin"]["username"], "password": runtime["admin"]["password"]}).encode()
    req = urllib.request.Request(runtime["api"] + "/admin/auth/login", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as response:
        return str(json.loads(response.read())["token"])


def login_as_admin(page: Any, runtime: dict[str, Any]) -> None:
    """Logged in through the login page itself (the token lives in the page's storage)."""
    page.goto("/login")
    page.fill("input[name=username]", runtime["admin"]["username"])
    page.fill("input[name=password]", runtime["admin"]["password"])
    page.click("[data-test=login-submit]")
    page.wait_for_url("**/dashboard")


def orders_of(runtime: dict[str, Any], minimum: int = 1, timeout: float = 120) -> list[dict[str, Any]]:
    from tests.browser.conftest import api
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items: list[dict[str, Any]] = api(runtime, "GET", "/admin/orders?limit=200")["items"]
        if len(items) >= minimum:
            return items
        time.sleep(1)
    raise AssertionError("no sandbox orders arrived")


# ---------------------------------------------------------------- untranslated text on a page
# English that is a name, not a sentence: product and company names, units, standards, ids' letters
PROPER = {"OMS", "ERP", "SKU", "SKUs", "CSV", "PDF", "API", "JSON", "AppKey", "AppSecret", "Webhook", "Key",
          "ID", "IP", "URL", "OAuth", "HMAC", "MCP", "JWT", "xlsx", "XLSX", "admin", "operator", "viewer",
          "English", "ZTO", "YTO", "STO", "YUNDA", "EMS", "JTSD", "DBL", "YZPY", "SF", "JD", "DLQ",
          "Taobao", "Tmall", "Douyin", "WeChat", "Kuaishou", "Xiaohongshu", "PDD", "Cainiao", "ws", "wss",
          "http", "https", "localhost", "HTTP", "TCP", "AWS", "SQS", "UTC", "AM", "PM"}
_WORD = __import__("re").compile(r"(?<![\w.@/-])[A-Za-z]{3,}(?![\w@/-])")
_CODES = __import__("re").compile(
    r"(?<![\w/.-])(?:[a-z]+_[a-z_]+|[A-Z]{2,}_[A-Z_]{2,}|[a-z]+\.[a-z_]+\.?[a-z_]*)(?![\w/-])"
    r"|\b(?:GET|POST|PUT|PATCH|DELETE) /")


def leaks(text: str, lang: str, allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Raw codes in any language; English words in the Chinese UI (outside the allow-list)."""
    found = [m.group(0) for m in _CODES.finditer(text)]
    if lang == "zh-CN":
        found += [w for w in _WORD.findall(text) if w not in PROPER and w not in allowed]
    return sorted(set(found) - set(allowed))


def held_for_one_sku(runtime: dict[str, Any], timeout: float = 90,
                     skip: frozenset[str] = frozenset()) -> tuple[dict[str, Any], str]:
    """An order held only for unlinked SKUs, all of its lines one platform SKU: linking that SKU releases it."""
    from tests.browser.conftest import api
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for summary in api(runtime, "GET", "/admin/orders?hold=unlinked_sku&limit=200")["items"]:
            if summary["status"] == "cancelled" or summary["order_id"] in skip:
                continue
            order: dict[str, Any] = api(runtime, "GET", f"/admin/orders/{summary['order_id']}")
            skus = {ln["platform_sku_id"] for ln in order["lines"]}
            if len(skus) == 1 and not any(ln["links"] for ln in order["lines"]):
                return order, skus.pop()
        time.sleep(1)
    raise AssertionError("no order held for one unlinked SKU")


def link_in_background(runtime: dict[str, Any], order: dict[str, Any], sku_id: str, code: str) -> None:
    """What another operator (or the ERP) does meanwhile: create the ERP SKU and link the shop SKU to it."""
    from tests.browser.conftest import api
    api(runtime, "POST", "/admin/erp-skus", {"sku_code": code, "name": "后台关联商品"})
    job = api(runtime, "POST", f"/admin/shops/{order['shop_id']}/catalog/pull")
    wait_for_job(runtime, job["job_id"])
    api(runtime, "PUT", f"/admin/shops/{order['shop_id']}/skus/{sku_id}/links", {"links": [{"sku_code": code}]})


def wait_for_job(runtime: dict[str, Any], job_id: str, seconds: float = 60) -> dict[str, Any]:
    """A background job (GET /admin/jobs/{id}) until it is done."""
    from tests.browser.conftest import api
    deadline = time.monotonic() + seconds
    while True:
        job: dict[str, Any] = api(runtime, "GET", f"/admin/jobs/{job_id}")
        if job["status"] == "done" or time.monotonic() > deadline:
            return job
        time.sleep(0.5)
