"""The MCP server as an assistant meets it: the official SDK's client over Streamable HTTP against the
local runtime (demo shops and their orders), with per-user API tokens made through the admin API."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.local_kit import ROOT, local_runtime
from tests.mcp_kit import TOOL_NAMES, WRITE_TOOLS, http_json, mcp_client, run_client, sign_in, user_with_token


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state_dir = tmp_path_factory.mktemp("mcp") / "state"
    with local_runtime(ROOT, state_dir, "--tick-scale", "12", "--fire-schedules-on-start") as (_proc, state):
        api = state["api"]
        admin = sign_in(api, state["admin"]["username"], state["admin"]["password"])
        tokens = {"operator": user_with_token(api, admin, "mcp-ops", "operator", "operator"),
                  "viewer": user_with_token(api, admin, "mcp-eye", "viewer", "read")}
        order = _first_order(api, admin)
        yield {"api": api, "url": api + "/mcp", "admin": admin, "tokens": tokens, "order": order}


def _first_order(api: str, admin: str) -> dict[str, Any]:
    cap = time.monotonic() + 300       # a guard against a hang, not a speed assertion
    while time.monotonic() < cap:
        status, body = http_json(api + "/admin/orders?limit=5", token=admin)
        if status == 200 and body["items"]:
            return dict(body["items"][0])
        time.sleep(2)
    raise AssertionError("the demo brought in no order")


def run(coro: Any) -> Any:
    return run_client(coro)


async def _with(url: str, token: str, mode: str, work: Any) -> Any:
    async with mcp_client(url, token, mode) as client:
        return await work(client)


def test_given_an_operator_token_then_the_sdk_lists_the_tools_with_their_annotations(runtime: Any) -> None:
    async def work(client: Any) -> Any:
        return (await client.list_tools()).tools
    tools = {t.name: t for t in run(_with(runtime["url"], runtime["tokens"]["operator"], "legacy", work))}
    assert set(tools) == TOOL_NAMES
    for name, tool in tools.items():
        assert tool.input_schema["type"] == "object", name
        assert tool.annotations.read_only_hint is (name not in WRITE_TOOLS), name
        assert tool.annotations.destructive_hint is (name in WRITE_TOOLS), name


def test_given_each_read_tool_then_it_answers_structured_and_masked(runtime: Any) -> None:
    order = runtime["order"]

    async def work(client: Any) -> dict[str, Any]:
        calls = {"search_orders": {"limit": 5}, "get_order": {"order_id": order["order_id"]},
                 "explain_hold": {"order_id": order["order_id"]}, "list_after_sales": {"status": "pending_review", "limit": 5},
                 "stock_of": {"sku_code": "NO-SUCH-SKU"}, "sync_health": {"shop_id": order["shop_id"]},
                 "daily_sales": {"shop_id": order["shop_id"]}}
        answers = {name: await client.call_tool(name, args) for name, args in calls.items()}
        resources = await client.list_resources()
        answers["resources"] = {str(r.uri): (await client.read_resource(str(r.uri))).contents[0].text
                                for r in resources.resources}
        return answers
    answers = run(_with(runtime["url"], runtime["tokens"]["viewer"], "legacy", work))
    for name in ("search_orders", "get_order", "explain_hold", "list_after_sales", "stock_of", "sync_health",
                 "daily_sales"):
        assert answers[name].is_error is False, (name, answers[name].content)
    assert answers["search_orders"].structured_content["count"] >= 1
    detail = answers["get_order"].structured_content
    assert detail["order_id"] == runtime["order"]["order_id"]
    assert "encrypted" not in str(detail) and "ciphertext" not in str(detail)
    assert "*" in (detail["receiver"] or {}).get("phone", "*")
    assert answers["stock_of"].structured_content["available"] == 0
    assert answers["sync_health"].structured_content["shops"][0]["shop_id"] == runtime["order"]["shop_id"]
    sales = answers["daily_sales"].structured_content
    assert len(sales["days"]) == 7 and all(d["rows"][0]["key"] == order["shop_id"] for d in sales["days"])
    assert set(answers["resources"]) == {"oms://vocabulary/status", "oms://vocabulary/hold-reasons",
                                         "oms://after-sales/reject-reasons"}
    assert "awaiting_shipment" in answers["resources"]["oms://vocabulary/status"]


def test_given_bad_input_then_each_is_a_tool_error_with_a_clear_message(runtime: Any) -> None:
    async def work(client: Any) -> dict[str, Any]:
        return {"wrong_type": await client.call_tool("search_orders", {"limit": "many"}),
                "too_much": await client.call_tool("search_orders", {"limit": 500}),
                "unknown_field": await client.call_tool("get_order", {"order_id": "x", "decrypt": True}),
                "unknown_order": await client.call_tool("get_order", {"order_id": "NO-SUCH-ORDER"}),
                "no_tz": await client.call_tool("search_orders", {"updated_from": "2026-12-01T00:00:00"}),
                "unknown_tool": await client.call_tool("drop_tables", {})}
    answers = run(_with(runtime["url"], runtime["tokens"]["operator"], "legacy", work))
    for case, answer in answers.items():
        assert answer.is_error is True, case
        assert "Traceback" not in answer.content[0].text, case
    assert "limit" in answers["wrong_type"].content[0].text
    assert "50" in answers["too_much"].content[0].text
    assert "decrypt" in answers["unknown_field"].content[0].text
    assert answers["unknown_order"].structured_content["error"]["status"] == 404
    assert "time zone" in answers["no_tz"].content[0].text


def test_given_a_write_tool_then_the_viewer_is_refused_the_operator_acts_and_the_audit_says_who(
        runtime: Any) -> None:
    order_id = runtime["order"]["order_id"]

    async def viewer(client: Any) -> Any:
        return await client.call_tool("hold_order", {"order_id": order_id, "note": "check address"})

    async def operator(client: Any) -> Any:
        held = await client.call_tool("hold_order", {"order_id": order_id, "reason": "address_issue"})
        released = await client.call_tool("release_order", {"order_id": order_id, "reason": "address_issue"})
        return held, released
    refused = run(_with(runtime["url"], runtime["tokens"]["viewer"], "legacy", viewer))
    assert refused.is_error and refused.structured_content["error"]["reason"] == "tool.needs_operator"
    held, released = run(_with(runtime["url"], runtime["tokens"]["operator"], "legacy", operator))
    assert "address_issue" in held.structured_content["holds"]
    assert "address_issue" not in released.structured_content["holds"]
    entries = {(e["actor"], e["action"], e["status"], e["target"])
               for e in http_json(runtime["api"] + "/admin/audit?limit=200", token=runtime["admin"])[1]["items"]}
    assert ("mcp-eye", "MCP hold_order", 403, order_id) in entries
    assert ("mcp-ops", "MCP hold_order", 200, order_id) in entries
    assert ("mcp-ops", "MCP release_order", 200, order_id) in entries
    assert ("mcp-eye", "MCP get_order", 200, order_id) in entries


def test_given_the_2026_protocol_then_the_same_tools_answer_without_a_handshake(runtime: Any) -> None:
    async def work(client: Any) -> Any:
        tools = (await client.list_tools()).tools
        return client.protocol_version, tools, await client.call_tool("search_orders", {"limit": 1})
    version, tools, answer = run(_with(runtime["url"], runtime["tokens"]["viewer"], "auto", work))
    assert version == "2026-07-28" and {t.name for t in tools} == TOOL_NAMES
    assert answer.is_error is False


def test_given_no_token_or_a_sign_in_jwt_then_mcp_is_401(runtime: Any) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    assert http_json(runtime["url"], "POST", ping)[0] == 401
    assert http_json(runtime["url"], "POST", ping, token=runtime["admin"])[0] == 401
