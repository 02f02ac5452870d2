"""ERP clients scoped to shops, through the chalice test client on moto: two clients, two shops, each sees
only its own (take, look-ups, ack, shipments, after-sales: another shop's record is a 404); the admin sets
and changes the shops (unknown shops: 400 naming shop_ids); stock stays unscoped; and the ready-index
adapter pages a shop filter like the fake the unit tests use."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ErpHandoff
from tests.erp_kit import bearer, erp_app, moto_world, ready_order, signed

ALL = ["orders", "shipments", "after_sales", "stock", "webhooks"]


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as base, Client(erp_app(), stage_name="test") as client:
        for shop_id in ("SA", "SB"):
            bootstrap.shops().add(Shop(shop_id, f"店{shop_id}", Platform.TAOBAO, f"seller-{shop_id}", app_key="k"))
        w = {**base, "client": client}
        w["a"] = _client(w, ["SA"])
        w["b"] = _client(w, ["SB"])
        yield w


def _client(w: dict[str, Any], shop_ids: list[str]) -> tuple[str, str]:
    created = w["client"].http.post("/admin/erp/clients", headers=bearer(), body=json.dumps(
        {"name": "ERP", "scopes": ALL, "shop_ids": shop_ids}))
    assert created.status_code == 201, created.body
    assert created.json_body["client"]["shop_ids"] == sorted(shop_ids)
    return created.json_body["client"]["key_id"], created.json_body["secret"]


def call(w: dict[str, Any], who: str, method: str, path: str, body: Any = None) -> Any:
    key_id, secret = w[who]
    return signed(w["client"], key_id, secret, method, path, body)


def _take_all(w: dict[str, Any], who: str, what: str = "orders") -> list[dict[str, Any]]:
    got, cursor = [], None
    for _ in range(50):
        page = call(w, who, "POST", f"/erp/v1/{what}/take", {"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.body
        got += page.json_body["items"]
        cursor = page.json_body["next_cursor"]
        if cursor is None:
            return got
    raise AssertionError("the take never ended")


# ------------------------------------------------------------------ admin
def test_given_an_unknown_shop_then_400_naming_shop_ids_and_no_client(world: dict[str, Any]) -> None:
    before = len(bootstrap.erp_clients().all())
    response = world["client"].http.post("/admin/erp/clients", headers=bearer(), body=json.dumps(
        {"name": "ERP", "scopes": ["orders"], "shop_ids": ["SA", "NOPE"]}))
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "shop_ids"
    assert len(bootstrap.erp_clients().all()) == before


def test_given_an_admin_patch_then_the_shops_change_and_the_view_shows_them(world: dict[str, Any]) -> None:
    key_id = world["a"][0]
    path = f"/admin/erp/clients/{key_id}"
    bad = world["client"].http.patch(path, headers=bearer(), body=json.dumps({"shop_ids": ["SX"]}))
    assert bad.status_code == 400 and bad.json_body["error"]["fields"][0]["field"] == "shop_ids"
    both = world["client"].http.patch(path, headers=bearer(), body=json.dumps({"shop_ids": ["SB", "SA"]}))
    assert both.status_code == 200 and both.json_body["shop_ids"] == ["SA", "SB"]
    order_b = ready_order(shop_id="SB")
    assert call(world, "a", "GET", f"/erp/v1/orders/{order_b}").status_code == 200
    every = world["client"].http.patch(path, headers=bearer(), body=json.dumps({"shop_ids": []})).json_body
    assert every["shop_ids"] == [] and every["every_shop"] is True
    assert world["client"].http.get(path, headers=bearer()).json_body["every_shop"] is True


# ------------------------------------------------------------------ two clients, two shops
def test_given_two_scoped_clients_when_they_take_then_each_gets_exactly_its_shops_orders(
        world: dict[str, Any]) -> None:
    shop_a = {ready_order(shop_id="SA") for _ in range(3)}
    shop_b = {ready_order(shop_id="SB") for _ in range(4)}
    got_a = _take_all(world, "a")
    assert {o["order_id"] for o in got_a} == shop_a and all(o["shop_id"] == "SA" for o in got_a)
    assert all(bootstrap.orders().get(i).erp_handoff is ErpHandoff.READY for i in shop_b), "B's orders untouched"
    assert {o["order_id"] for o in _take_all(world, "b")} == shop_b


def test_given_another_shops_order_then_get_ack_and_shipment_answer_404_and_change_nothing(
        world: dict[str, Any]) -> None:
    order_b = ready_order(shop_id="SB")
    before = bootstrap.orders().get(order_b)
    missing = call(world, "a", "GET", "/erp/v1/orders/SB-no-such-order")
    other = call(world, "a", "GET", f"/erp/v1/orders/{order_b}")
    assert other.status_code == missing.status_code == 404
    assert other.json_body["error"]["code"] == missing.json_body["error"]["code"]
    assert call(world, "a", "POST", f"/erp/v1/orders/{order_b}/ack", {"erp_order_id": "SO-1"}).status_code == 404
    ship = {"order_id": order_b, "carrier_code": "ZTO", "tracking_no": "ZT100200301"}
    assert call(world, "a", "POST", "/erp/v1/shipments", ship).status_code == 404
    assert bootstrap.orders().get(order_b).revision == before.revision
    assert bootstrap.shipments().for_order(order_b) == []
    posted = call(world, "b", "POST", "/erp/v1/shipments", ship)
    assert posted.status_code == 201, posted.body
    shipment_id = posted.json_body["shipment"]["shipment_id"]
    assert call(world, "a", "GET", f"/erp/v1/shipments/{shipment_id}").status_code == 404
    assert call(world, "b", "GET", f"/erp/v1/shipments/{shipment_id}").status_code == 200
    assert call(world, "b", "GET", f"/erp/v1/orders/{order_b}").json_body["shop_id"] == "SB"


def test_given_cases_in_two_shops_then_each_client_takes_and_answers_only_its_own(world: dict[str, Any]) -> None:
    from chalicelib.services.after_sales_ingest import apply_case
    from tests.factories import canonical_case
    for shop_id, order_no in (("SA", "7200001"), ("SB", "7200002")):
        ready_order(shop_id=shop_id, order_no=order_no)
        apply_case(bootstrap.after_sales(), bootstrap.orders(), bootstrap.clock(), shop_id,
                   canonical_case(f"RF-{shop_id}", order_no), fetch_order=lambda _no: None)
    assert [c["case_id"] for c in _take_all(world, "a", "after-sales")] == ["SA-RF-SA"]
    assert [c["case_id"] for c in _take_all(world, "b", "after-sales")] == ["SB-RF-SB"]
    answer = {"action": "intercept", "outcome": "intercepted"}
    assert call(world, "a", "GET", "/erp/v1/after-sales/SB-RF-SB").status_code == 404
    assert call(world, "a", "POST", "/erp/v1/after-sales/SB-RF-SB/result", answer).status_code == 404
    assert call(world, "a", "POST", "/erp/v1/after-sales/SB-RF-SB/actions",
                {"action": "note", "text": "看一下"}).status_code == 404
    assert bootstrap.erp_streams().get_result("SB-RF-SB") is None
    assert call(world, "b", "POST", "/erp/v1/after-sales/SB-RF-SB/result", answer).status_code == 200


def test_given_a_scoped_client_then_stock_is_not_limited_by_shops(world: dict[str, Any]) -> None:
    from chalicelib.domain.catalog import ErpSku
    bootstrap.erp_skus().add(ErpSku("ERP-SHARED", "共享库存"))
    assert call(world, "a", "GET", "/erp/v1/stock/ERP-SHARED").status_code == 200
    assert call(world, "b", "GET", "/erp/v1/stock/ERP-SHARED").status_code == 200


def test_given_the_document_then_operations_say_whether_shops_limit_them(world: dict[str, Any]) -> None:
    spec = call(world, "a", "GET", "/erp/v1/openapi.json").json_body
    ops = {op["operationId"]: op for path in spec["paths"].values() for op in path.values()
           if isinstance(op, dict) and "x-scope" in op}
    assert ops["get_order"]["x-shop-scoped"] is True and ops["get_stock"]["x-shop-scoped"] is False
    assert "shop" in ops["get_order"]["responses"]["404"]["description"]


# ------------------------------------------------------------------ the adapter vs the fake (contract)
@pytest.fixture(params=["fake", "moto"])
def ready(request: pytest.FixtureRequest, world: dict[str, Any]) -> Iterator[Any]:
    from chalicelib.storage.erp import DynamoHandoffQueue
    from tests import fakes
    from tests.erp_fakes import FakeHandoffQueue
    if request.param == "moto":
        yield DynamoHandoffQueue()
        return
    with bootstrap.override(orders=fakes.InMemoryOrderRepository()):
        yield FakeHandoffQueue(bootstrap.orders())


def test_given_a_shop_filter_when_paging_the_ready_index_then_exactly_that_shops_orders_in_order(
        ready: Any) -> None:
    ids = [ready_order(shop_id=shop, minutes=n) for n, shop in enumerate(["SB", "SA", "SB", "SB", "SA", "SB"])]
    seen, cursor, reads = [], None, 0
    while True:
        page = ready.erp_ready_orders(2, cursor, frozenset({"SA"}))
        reads += 1
        assert len(page.items) <= 2
        seen += [o.order_id for o in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == [ids[1], ids[4]] and reads >= 3, "a page reads 2 index records and filters after"
    # oldest order first; these were all created at one time: by order id
    assert [o.order_id for o in ready.erp_ready_orders(10, None).items] == sorted(ids)
