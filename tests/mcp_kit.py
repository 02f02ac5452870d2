"""Pieces of the MCP tests: the admin API over HTTP (sign in, users, API tokens) and the official SDK's
client over Streamable HTTP with a bearer token."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

TOOL_NAMES = {"search_orders", "get_order", "explain_hold", "hold_order", "release_order", "list_after_sales",
              "confirm_review", "approve_refund", "reject_refund", "stock_of", "sync_health", "resync_shop", "daily_sales"}
WRITE_TOOLS = {"hold_order", "release_order", "confirm_review", "approve_refund", "reject_refund", "resync_shop"}


def http_json(url: str, method: str = "GET", body: Any = None, token: str = "") -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, method=method, headers=headers,
                                     data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def sign_in(api: str, username: str, password: str) -> str:
    status, body = http_json(api + "/admin/auth/login", "POST", {"username": username, "password": password})
    assert status == 200, body
    return str(body["token"])


def user_with_token(api: str, admin_jwt: str, username: str, role: str, scope: str) -> str:
    """A new user of `role` who creates an API token of `scope` for themselves; returns the token."""
    password = "Fake-Passw0rd-not-real-7"
    status, body = http_json(api + "/admin/users", "POST", {"username": username, "password": password,
                                                            "role": role}, admin_jwt)
    assert status in (200, 201), body
    status, body = http_json(api + "/admin/api-tokens", "POST", {"name": f"{username} assistant", "scope": scope},
                             sign_in(api, username, password))
    assert status == 201, body
    return str(body["token"])


def mcp_client(url: str, token: str, mode: str = "legacy") -> Any:
    """The SDK's own `mcp.Client` over its Streamable HTTP transport (`mcp.client.streamable_http`) with the
    token; "legacy": the initialize handshake (2025-11-25), "auto": server/discover first (2026-07-28)."""
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120)
    return Client(streamable_http_client(url, http_client=http), mode=mode)  # type: ignore[arg-type]


def run_client(coro: Any) -> Any:
    """Awaits `coro` (the SDK client's work) on a loop of its own in a fresh thread: the test's thread may be
    marked as running a loop already (Playwright's sync API leaves the main thread so between its calls,
    for the rest of a worker's session once a browser test ran), and `anyio.run` refuses there."""
    import anyio
    outcome: dict[str, Any] = {}

    def in_thread() -> None:
        try:
            outcome["value"] = anyio.run(lambda: coro)
        except BaseException as exc:  # raised again in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=in_thread, name="mcp-client", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
