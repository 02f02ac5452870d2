"""The MCP route in-process (chalice's test client, moto): every tool refuses wrong input as a tool error
(never a 5xx or a trace), every write tool refuses a read-only token, nothing a tool answers holds a
receiver's ciphertext, and each call is in the audit log under the token's user."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.api.mcp_tools import TOOLS
from tests.erp_kit import bearer, moto_world, ready_order
from tests.mcp_kit import WRITE_TOOLS

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}
WRONG: dict[str, dict[str, Any]] = {"search_orders": {"status": "lost"}, "get_order": {"order_id": 7}, "explain_hold": {},
         "hold_order": {"order_id": "x", "reason": "unlinked_sku"}, "release_order": {"order_id": "x"},
         "list_after_sales": {"limit": 0}, "confirm_review": {"order_id": "x", "revision": -1}, "approve_refund": {"case_id": ""},
         "reject_refund": {"case_id": "c"}, "stock_of": {"sku_code": ["A"]}, "sync_health": {"shop_id": 3},
         "resync_shop": {"shop_id": "S", "start": "yesterday", "end": "today"}, "daily_sales": {"by": "week"}}


@pytest.fixture()
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(app, stage_name="test") as client:
        tokens = {}
        for who, scope in (("ops", "operator"), ("eye", "read")):
            answer = client.http.post("/admin/api-tokens", headers=bearer(who),
                                      body=json.dumps({"name": "t", "scope": scope}))
            tokens[scope] = json.loads(answer.body)["token"]
        yield {**w, "client": client, "tokens": tokens}


def rpc(w: dict[str, Any], scope: str, method: str, params: dict[str, Any] | None = None) -> Any:
    message = {"jsonrpc": "2.0", "id": 1, "method": method, **({"params": params} if params is not None else {})}
    answer = w["client"].http.post("/mcp", headers={**HEADERS, "Authorization": f"Bearer {w['tokens'][scope]}"},
                                   body=json.dumps(message))
    assert answer.status_code == 200, answer.body
    return json.loads(answer.body)["result"]


def call(w: dict[str, Any], scope: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return dict(rpc(w, scope, "tools/call", {"name": name, "arguments": arguments}))


def test_given_every_tool_then_it_has_a_row_of_wrong_input() -> None:
    assert set(WRONG) == set(TOOLS)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_given_wrong_input_to_a_tool_then_a_tool_error_names_the_problem(world: Any, name: str) -> None:
    result = call(world, "operator", name, WRONG[name])
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert text.startswith("invalid arguments:") and "Traceback" not in text, text


@pytest.mark.parametrize("name", sorted(WRITE_TOOLS))
def test_given_a_read_token_then_every_write_tool_is_refused(world: Any, name: str) -> None:
    result = call(world, "read", name, WRONG[name])
    assert result["isError"] is True
    assert result["structuredContent"]["error"]["reason"] == "tool.needs_operator"


def test_given_an_order_then_get_order_shows_the_masked_receiver_only(world: Any) -> None:
    order_id = ready_order()
    order = bootstrap.orders().get(order_id)
    result = call(world, "read", "get_order", {"order_id": order_id})
    assert result["isError"] is False
    shown = json.dumps(result)
    assert result["structuredContent"]["receiver"]["name"] == order.receiver.name_masked
    for hidden in (order.receiver.encrypted, *(v for _, v in order.receiver.platform_ciphertext)):
        assert not hidden or hidden not in shown


def test_given_a_manual_hold_then_explain_says_what_releases_it_and_the_operator_releases_it(world: Any) -> None:
    order_id = ready_order()
    held = call(world, "operator", "hold_order", {"order_id": order_id, "reason": "buyer_message"})
    assert "buyer_message" in held["structuredContent"]["holds"]
    explained = call(world, "read", "explain_hold", {"order_id": order_id})["structuredContent"]
    assert [h["reason"] for h in explained["holds"]] == ["buyer_message"]
    assert "release_order" in explained["holds"][0]["released_by"]
    released = call(world, "operator", "release_order", {"order_id": order_id, "reason": "buyer_message"})
    assert released["structuredContent"]["holds"] == []
    audit = json.loads(world["client"].http.get("/admin/audit?actor=ops", headers=bearer("root")).body)["items"]
    assert {(e["action"], e["target"], e["status"]) for e in audit} >= {
        ("MCP hold_order", order_id, 200), ("MCP release_order", order_id, 200)}
    assert all(e["actor_kind"] == "api_token" and e["after"]["token_id"] for e in audit if e["action"].startswith("MCP"))


def test_given_an_unknown_order_then_a_404_tool_error(world: Any) -> None:
    result = call(world, "read", "get_order", {"order_id": "NO-SUCH"})
    assert result["isError"] and result["structuredContent"]["error"]["status"] == 404


def test_given_a_long_resync_window_then_refused_before_anything_is_queued(world: Any) -> None:
    result = call(world, "operator", "resync_shop", {"shop_id": "S1", "start": "2026-01-01T00:00:00+08:00",
                                                     "end": "2026-03-01T00:00:00+08:00"})
    assert result["isError"] and "31 days" in result["content"][0]["text"]


def test_given_the_resources_then_each_reads_as_json(world: Any) -> None:
    uris = [r["uri"] for r in rpc(world, "read", "resources/list")["resources"]]
    for uri in uris:
        contents = rpc(world, "read", "resources/read", {"uri": uri})["contents"]
        assert json.loads(contents[0]["text"])


def test_given_an_origin_other_than_the_ui_then_403(world: Any) -> None:
    answer = world["client"].http.post("/mcp", headers={**HEADERS, "Origin": "https://evil.example",
                                                        "Authorization": f"Bearer {world['tokens']['read']}"},
                                       body=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
    assert answer.status_code == 403


def test_given_an_order_waiting_for_review_when_an_operator_confirms_it_then_it_passes_and_is_audited(
        world: Any) -> None:
    from dataclasses import replace

    from chalicelib.domain.status import ReviewState
    order_id = ready_order()
    orders = bootstrap.orders()
    order = orders.get(order_id)
    orders.save(replace(order, review=ReviewState.PENDING), order.revision)
    stale = call(world, "operator", "confirm_review", {"order_id": order_id, "revision": order.revision})
    assert stale["isError"] and stale["structuredContent"]["error"]["reason"] == "review.changed"
    shown = call(world, "read", "get_order", {"order_id": order_id})["structuredContent"]
    assert shown["review"] == "pending"
    confirmed = call(world, "operator", "confirm_review", {"order_id": order_id, "revision": order.revision + 1})
    assert confirmed["isError"] is False and confirmed["structuredContent"]["review"] == "confirmed"
    assert orders.get(order_id).review is ReviewState.CONFIRMED
    assert call(world, "read", "confirm_review", {"order_id": order_id})["structuredContent"]["error"][
        "reason"] == "tool.needs_operator"
    audit = json.loads(world["client"].http.get("/admin/audit?actor=ops", headers=bearer("root")).body)["items"]
    assert {(e["action"], e["target"], e["status"]) for e in audit} >= {
        ("MCP confirm_review", order_id, 200), ("MCP confirm_review", order_id, 409)}


def test_given_stock_in_two_warehouses_then_stock_of_shows_each_and_the_totals(world: Any) -> None:
    from chalicelib.domain.warehouses import Warehouse
    from chalicelib.services.stock_adjust import adjust_stock
    now = bootstrap.clock().now()
    bootstrap.warehouses().save(Warehouse("WH-SH", "上海仓"), 0)
    adjust_stock(bootstrap.stock(), "CUP", 7, "count", "test", "k1", now)
    adjust_stock(bootstrap.stock(), "CUP", 5, "count", "test", "k2", now, warehouse_id="WH-SH")
    answer = call(world, "read", "stock_of", {"sku_code": "CUP"})["structuredContent"]
    assert (answer["on_hand"], answer["available"]) == (12, 12)
    assert [(w["warehouse_id"], w["on_hand"]) for w in answer["warehouses"]] == [("WH-SH", 5), ("default", 7)]
    assert answer["warehouses"][0]["name"] == "上海仓"
    audit = json.loads(world["client"].http.get("/admin/audit?actor=eye", headers=bearer("root")).body)["items"]
    assert ("MCP stock_of", "CUP", 200) in {(e["action"], e["target"], e["status"]) for e in audit}


def _folded_sales() -> Any:
    """Dec 1 (Shanghai): S1 (taobao) 35.80 + 10.01, S2 (jd) 99.99; folded into an in-memory report store."""
    from datetime import UTC, datetime

    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from chalicelib.services.report_fold import FoldDeps, fold_orders
    from tests import fakes
    from tests.factories import make_order
    from tests.report_fakes import InMemoryReportStore
    at = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    orders, store = fakes.InMemoryOrderRepository(), InMemoryReportStore()
    for order in (make_order(1, "S1", created_at=at, paid_at=at),
                  make_order(2, "S1", created_at=at, paid_at=at, paid_fen=1001),
                  make_order(3, "S2", platform=Platform.JD, created_at=at, paid_at=at, paid_fen=9999)):
        orders.add(order)
    deps = FoldDeps(store=store, orders=orders, cases=fakes.InMemoryAfterSaleRepository(), clock=fakes.FixedClock(at))
    fold_orders(deps, ["S1-1", "S1-2", "S2-3"])
    bootstrap.shops().add(Shop("S1", "淘宝旗舰店", Platform.TAOBAO, "seller-1", app_key="k"))
    bootstrap.shops().add(Shop("S2", "京东店", Platform.JD, "seller-2", app_key="k"))
    return store


@pytest.fixture()
def sales(world: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with bootstrap.override(report_store=_folded_sales()):
        yield world


def test_given_sales_then_a_read_token_gets_daily_sales_by_shop_per_day_in_fen(sales: Any) -> None:
    result = call(sales, "read", "daily_sales", {"date_from": "2026-11-30", "date_to": "2026-12-01", "by": "shop"})
    assert result["isError"] is False, result
    answer = result["structuredContent"]
    assert (answer["money"], [d["day"] for d in answer["days"]]) == ("fen", ["2026-11-30", "2026-12-01"])
    assert answer["days"][0] == {"day": "2026-11-30", "rows": [], "omitted": 0}
    assert [(r["key"], r["name"], r["orders"], r["gmv_fen"]) for r in answer["days"][1]["rows"]] == [
        ("S2", "京东店", 1, 9999), ("S1", "淘宝旗舰店", 2, 4581)]
    audit = json.loads(sales["client"].http.get("/admin/audit?actor=eye", headers=bearer("root")).body)["items"]
    assert ("MCP daily_sales", 200) in {(e["action"], e["status"]) for e in audit}


def test_given_top_one_and_one_shop_then_the_best_row_the_rest_counted_and_the_shops_own_days(sales: Any) -> None:
    top = call(sales, "read", "daily_sales", {"date_from": "2026-12-01", "date_to": "2026-12-01", "by": "platform",
                                              "top": 1})["structuredContent"]["days"][0]
    assert ([r["key"] for r in top["rows"]], top["omitted"]) == (["jd"], 1)
    shop = call(sales, "read", "daily_sales", {"date_from": "2026-12-01", "date_to": "2026-12-01",
                                               "shop_id": "S1"})["structuredContent"]["days"][0]["rows"]
    assert [(r["key"], r["orders"], r["gmv_fen"]) for r in shop] == [("S1", 2, 4581)]


@pytest.mark.parametrize(("arguments", "reason"), [
    ({"by": "sku", "shop_id": "S1"}, "reports.shop_grouping"),
    ({"date_from": "2026-10-01", "date_to": "2026-12-01"}, "reports.range_too_long"),
    ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "reports.date_range"),
    ({"shop_id": "NO-SUCH"}, "shop.not_found"),
])
def test_given_daily_sales_asked_for_too_much_or_a_wrong_shop_then_a_tool_error_with_its_reason(
        sales: Any, arguments: dict[str, Any], reason: str) -> None:
    result = call(sales, "read", "daily_sales", arguments)
    assert result["isError"] is True and "Traceback" not in result["content"][0]["text"]
    assert result["structuredContent"]["error"]["reason"] == reason
