"""Paging cursors (issue 18): every paged route takes back only a cursor it issued for the same list, and
answers anything else (garbage, a well-formed key of the wrong shape, a tampered or borrowed cursor) with
a 400 naming `cursor`, never a 500; on moto, where a wrong-shaped start key was a DynamoDB error."""
from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from chalicelib.domain.users import Role, User
from tests.erp_kit import bearer, erp_app, moto_world, new_client, ready_order, signed


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


BAD = {
    "garbage": "%%%not-a-cursor",
    "wrong shape": b64({"order_id": {"S": 1}, "shop_id": [1, 2], "updated_at": None}),
    "a list": b64([1, 2, 3]),
    "a key of another table": b64({"sku_code": {"S": "X"}, "catalog": {"S": "ALL"}}),
    "a forged signature": b64({"order_id": {"S": "S1-1"}}) + ".AAAAAAAAAAAAAAAAAAAAAAAA",
    "only a dot": ".",
    "very long": "A" * 5000,
    "not ascii": "游标.游标",
}

# every paged route (the last test fails when a route that reads a cursor is missing here)
ADMIN_LISTS = [
    ("/admin/orders", {}), ("/admin/orders", {"shop_id": "S1"}), ("/admin/orders", {"held": "true"}),
    ("/admin/after-sales", {"status": "pending_review"}), ("/admin/after-sales", {"shop_id": "S1"}),
    ("/admin/audit", {}),
    ("/admin/shops/S1/skus", {}), ("/admin/shops/S1/skus", {"unlinked": "true"}),
    ("/admin/erp-skus", {}),
    ("/admin/goods", {}), ("/admin/goods/export.xlsx", {}), ("/admin/categories", {}), ("/admin/brands", {}), ("/admin/suppliers", {}),
    ("/admin/erp/deliveries", {"key_id": "KEY"}), ("/admin/alerts/deliveries", {}),
    ("/admin/shops/S1/stock-pushes", {}),
    ("/admin/stock/SKU-1", {}),
    ("/admin/waybills", {"status": "issued"}), ("/admin/waybills", {"shop_id": "S1"}),
    ("/admin/shipments", {}), ("/admin/shipments", {"shop_id": "S1"}),
    ("/admin/stock/discrepancies", {}), ("/admin/stock/discrepancies", {"open": "1"}),
    ("/admin/warehouses/default/stock", {}), ("/admin/stock-documents", {}),
    ("/admin/exceptions", {}), ("/admin/exceptions", {"hold": "buyer_message"}),
    ("/admin/exports", {}),
    ("/admin/supplier/orders", {}), ("/admin/supplier/orders", {"status": "all"}),    # as a supplier's user
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERP_LISTS = ["/erp/v1/orders/take", "/erp/v1/after-sales/take"]


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(erp_app(), stage_name="test") as client:
        key_id, secret = new_client()
        w["users"].add(User(username="maker", password_hash="not-a-real-hash", role=Role.SUPPLIER,
                            supplier_id="SUP-CURSORS"))
        for _ in range(3):
            ready_order()
        yield {**w, "client": client, "key": key_id, "secret": secret}


def admin_get(world: dict[str, Any], path: str, params: dict[str, str], cursor: str | None = None) -> Any:
    query = {k: (world["key"] if v == "KEY" else v) for k, v in params.items()} | ({"cursor": cursor} if cursor else {})
    # a file answer (the goods export) is binary: chalice gives it only to a client that accepts its type
    accept = {"Accept": XLSX} if path.endswith(".xlsx") else {}
    who = bearer("maker") if path.startswith("/admin/supplier/") else bearer()
    return world["client"].http.get(f"{path}?{urlencode(query)}" if query else path, headers=who | accept)


def erp_take(world: dict[str, Any], path: str, cursor: str | None = None, limit: int = 1) -> Any:
    return signed(world["client"], world["key"], world["secret"], "POST", path,
                  {"limit": limit} | ({"cursor": cursor} if cursor else {}))


def assert_names_cursor(response: Any) -> None:
    assert response.status_code == 400, response.body
    assert [f["field"] for f in response.json_body["error"]["fields"]] == ["cursor"]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize(("path", "params"), ADMIN_LISTS)
def test_given_a_cursor_the_api_did_not_issue_then_every_admin_list_answers_400(
        world: dict[str, Any], path: str, params: dict[str, str], bad: str) -> None:
    assert admin_get(world, path, params).status_code == 200          # the list itself works
    assert_names_cursor(admin_get(world, path, params, BAD[bad]))


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("path", ERP_LISTS)
def test_given_a_cursor_the_api_did_not_issue_then_the_erp_take_answers_400(
        world: dict[str, Any], path: str, bad: str) -> None:
    response = erp_take(world, path, BAD[bad])
    if bad == "very long":                  # over the body's own limit: refused by its schema, on the field
        assert response.status_code == 400 and response.json_body["error"]["fields"][0]["field"] == "cursor"
        return
    assert_names_cursor(response)


def test_given_an_issued_cursor_then_it_continues_its_own_list_and_nothing_else(world: dict[str, Any]) -> None:
    first = admin_get(world, "/admin/orders", {"status": "awaiting_shipment", "limit": "1"})
    cursor = first.json_body["cursor"]
    assert cursor
    second = admin_get(world, "/admin/orders", {"status": "awaiting_shipment", "limit": "2"}, cursor)
    assert second.status_code == 200                                   # the page size may change
    assert {o["order_id"] for o in second.json_body["items"]}.isdisjoint(
        {o["order_id"] for o in first.json_body["items"]})
    assert_names_cursor(admin_get(world, "/admin/orders", {"status": "shipped"}, cursor))     # another filter
    for path, params in ADMIN_LISTS:                                                        # another list
        assert_names_cursor(admin_get(world, path, params, cursor))
    inner, _, mac = cursor.rpartition(".")
    flipped = inner[:-2] + ("A" if inner[-2] != "A" else "B") + inner[-1]
    assert_names_cursor(admin_get(world, "/admin/orders", {"status": "awaiting_shipment"}, f"{flipped}.{mac}"))


def test_given_an_erp_cursor_then_it_continues_its_take_and_is_refused_by_the_other(world: dict[str, Any]) -> None:
    first = erp_take(world, "/erp/v1/orders/take")
    assert first.status_code == 200, first.body
    cursor = first.json_body["next_cursor"]
    assert cursor
    assert erp_take(world, "/erp/v1/orders/take", cursor).status_code == 200
    assert_names_cursor(erp_take(world, "/erp/v1/after-sales/take", cursor))
    assert_names_cursor(admin_get(world, "/admin/orders", {}, cursor))


def test_given_every_route_that_reads_a_cursor_then_this_suite_covers_it() -> None:
    covered = {path.replace("S1", "{shop_id}").replace("SKU-1", "{sku_code}")
               .replace("/warehouses/default/", "/warehouses/{warehouse_id}/") for path, _ in ADMIN_LISTS}
    covered |= {"/erp/v1/orders/take", "/erp/v1/after-sales/take"}
    sources = [(path, inspect.getsource(inspect.unwrap(entry.view_function)))
               for path, methods in erp_app().routes.items() for entry in methods.values()]
    paged = {path for path, source in sources if "cursors." in source}
    answering = {path for path, source in sources if "page.cursor" in source}
    assert answering <= paged, "a route answers a cursor without the signed codec (chalicelib/api/cursors.py)"
    assert paged == covered
