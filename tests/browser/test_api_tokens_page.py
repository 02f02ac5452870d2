"""The API tokens page (System → API tokens) in Chromium against the local runtime: create a token (shown
once, with a copy button and a client configuration), use it at /mcp, see it listed, revoke it."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tests.browser.conftest import login, shot


def _mcp_initialize(ui: str, token: str) -> int:
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "browser-test", "version": "1"}}}
    req = urllib.request.Request(ui.rstrip("/") + "/mcp", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                          "Accept": "application/json, text/event-stream"})
    try:
        with urllib.request.urlopen(req, timeout=20) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_GIVEN_an_admin_WHEN_creating_using_and_revoking_an_api_token_THEN_each_step_shows_on_the_page(
        page: Any, runtime: dict[str, Any], console: Any) -> None:
    login(page, runtime)
    page.click("text=系统管理")
    page.click("text=API 令牌")                                  # System → API tokens, as the README says
    page.wait_for_selector("[data-test=api-tokens-page]")
    header = page.locator(".card-header")
    switch, add = header.locator(".el-switch").bounding_box(), header.locator("[data-test=add-token]").bounding_box()
    assert switch and add and switch["x"] + switch["width"] + 8 <= add["x"]          # not touching
    shot(page, "api-tokens-empty")
    page.click("[data-test=add-token]")
    page.fill("[data-test=token-name]", "Claude on my laptop")
    page.locator("[data-test=token-scope] label").filter(has_text="操作员").click()
    page.click("[data-test=create-token]")
    dialog = page.locator("[data-test=token-dialog]")
    token = dialog.locator("[data-test=token-value]").inner_text().strip()
    assert token.startswith("qho_") and len(token) == 4 + 16 + 1 + 43
    config = json.loads(dialog.locator("pre").inner_text())
    assert config["mcpServers"]["qihang-oms"]["url"] == runtime["ui"].rstrip("/") + "/mcp"
    assert config["mcpServers"]["qihang-oms"]["headers"]["Authorization"] == f"Bearer {token}"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog.locator("[data-test=copy-config]").click()
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == config      # the whole configuration
    shot(page, "api-tokens-shown-once")
    page.click("[data-test=token-close]")
    row = page.locator("[data-test=tokens-table] .el-table__row").filter(has_text="Claude on my laptop")
    row.wait_for()
    assert "有效" in row.inner_text() or "active" in row.inner_text().lower()
    assert _mcp_initialize(runtime["ui"], token) == 200
    shot(page, "api-tokens-listed")
    row.locator("[data-test=revoke-token]").click()
    page.locator(".el-message-box").get_by_role("button").filter(has_text="确定").click()
    page.locator("[data-test=tokens-table] .el-table__row").filter(has_text="Claude on my laptop").filter(
        has_text="已吊销").wait_for()
    console.allow("401")
    assert _mcp_initialize(runtime["ui"], token) == 401            # revoked: refused at once
    shot(page, "api-tokens-revoked")
