"""The ERP REST API through the chalice test client on moto: signatures (the tamper matrix), the hand-off,
shipments, after-sale answers, rate limit and scopes."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.status import ErpHandoff, ShipmentStatus
from tests.erp_kit import erp_app, moto_world, new_client, ready_order, sign_headers, signed


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(erp_app(), stage_name="test") as client:
        key_id, secret = new_client()
        yield {**w, "client": client, "key": key_id, "secret": secret}


def call(w: dict[str, Any], method: str, path: str, body: Any = None, **kw: Any) -> Any:
    return signed(w["client"], w["key"], w["secret"], method, path, body, **kw)


# ------------------------------------------------------------------ tamper matrix
def _tampered(w: dict[str, Any], case: str) -> Any:
    body = json.dumps({"erp_order_id": "SO-1"}).encode()
    order_id = w["order_id"]
    path = f"/erp/v1/orders/{order_id}/ack"
    if case == "wrong key":
        headers = sign_headers(w["key"], "es_obviously-wrong-secret", "POST", path, body)
    elif case == "unknown key id":
        headers = sign_headers("ek_0000000000000000", w["secret"], "POST", path, body)
    elif case == "flipped byte":
        headers = sign_headers(w["key"], w["secret"], "POST", path, body)
        body = body.replace(b"SO-1", b"SO-2")
    elif case == "stale time":
        headers = sign_headers(w["key"], w["secret"], "POST", path, body, timestamp=int(time.time()) - 301)
    elif case == "future time":
        headers = sign_headers(w["key"], w["secret"], "POST", path, body, timestamp=int(time.time()) + 301)
    elif case == "replayed nonce":
        headers = sign_headers(w["key"], w["secret"], "POST", path, body, nonce="replayed-nonce-0001")
        first = w["client"].http.post(f"/erp/v1/orders/{w['other_id']}/ack", body=body, headers=sign_headers(
            w["key"], w["secret"], "POST", f"/erp/v1/orders/{w['other_id']}/ack", body, nonce="replayed-nonce-0001"))
        assert first.status_code == 200
    elif case == "missing signature":
        headers = sign_headers(w["key"], w["secret"], "POST", path, body)
        del headers["X-OMS-Signature"]
    else:
        raise AssertionError(case)
    return w["client"].http.post(path, body=body, headers=headers)


@pytest.mark.parametrize("case", ["wrong key", "unknown key id", "flipped byte", "stale time", "future time",
                                  "replayed nonce", "missing signature"])
def test_given_a_tampered_request_then_401_and_nothing_changed(world: dict[str, Any], case: str) -> None:
    world["order_id"], world["other_id"] = ready_order(), ready_order()
    before = bootstrap.orders().get(world["order_id"])
    response = _tampered(world, case)
    assert response.status_code == 401, response.body
    assert response.json_body["error"]["code"] == "unauthenticated"
    after = bootstrap.orders().get(world["order_id"])
    assert after.erp_handoff is ErpHandoff.READY and after.revision == before.revision


def test_given_a_signed_get_with_a_query_then_the_query_is_part_of_the_signature(world: dict[str, Any]) -> None:
    order_id = ready_order()
    ok = call(world, "GET", f"/erp/v1/orders/{order_id}?b=2&a=1")
    assert ok.status_code == 200
    headers = sign_headers(world["key"], world["secret"], "GET", f"/erp/v1/orders/{order_id}?a=1&b=2")
    assert world["client"].http.get(f"/erp/v1/orders/{order_id}?a=1&b=3", headers=headers).status_code == 401


# ------------------------------------------------------------------ the hand-off
def test_given_ready_orders_when_taken_then_each_once_newest_state_and_marked_taken(world: dict[str, Any]) -> None:
    ids = {ready_order() for _ in range(5)}
    held = ready_order(lines=())          # no lines: nothing unlinked, but give it a hold below
    order = bootstrap.orders().get(held)
    from dataclasses import replace

    from chalicelib.domain.status import HoldReason
    bootstrap.orders().save(replace(order.hold(HoldReason.MANUAL_HOLD), erp_handoff=ErpHandoff.NOT_READY),
                            order.revision)
    first = call(world, "POST", "/erp/v1/orders/take", {"limit": 3})
    assert first.status_code == 200, first.body
    second = call(world, "POST", "/erp/v1/orders/take", {"limit": 3, "cursor": first.json_body["next_cursor"]})
    got = [o["order_id"] for o in first.json_body["items"] + second.json_body["items"]]
    assert sorted(got) == sorted(ids)
    assert all(o["erp_handoff"] == "taken" for o in first.json_body["items"])
    assert call(world, "POST", "/erp/v1/orders/take", {}).json_body["items"] == []


def test_given_a_taken_order_when_acknowledged_twice_then_same_answer_and_another_id_conflicts(
        world: dict[str, Any]) -> None:
    order_id = ready_order()
    call(world, "POST", "/erp/v1/orders/take", {"limit": 10})
    first = call(world, "POST", f"/erp/v1/orders/{order_id}/ack", {"erp_order_id": "SO-9"})
    again = call(world, "POST", f"/erp/v1/orders/{order_id}/ack", {"erp_order_id": "SO-9"})
    other = call(world, "POST", f"/erp/v1/orders/{order_id}/ack", {"erp_order_id": "SO-10"})
    assert first.status_code == again.status_code == 200
    assert again.json_body["erp_order_id"] == "SO-9" and again.json_body["erp_handoff"] == "acknowledged"
    assert again.json_body["revision"] == first.json_body["revision"]
    assert other.status_code == 409


def test_given_bad_input_then_400_naming_the_field(world: dict[str, Any]) -> None:
    response = call(world, "POST", "/erp/v1/orders/take", {"limit": 0, "extra": 1})
    assert response.status_code == 400
    assert {f["field"] for f in response.json_body["error"]["fields"]} == {"limit", "extra"}


# ------------------------------------------------------------------ shipments
def test_given_a_shipment_posted_twice_then_one_record_and_one_ship_back_per_post(world: dict[str, Any]) -> None:
    import boto3

    from chalicelib import names
    order_id = ready_order()
    body = {"order_id": order_id, "carrier_code": "ZTO", "tracking_no": "ZT100200300"}
    first = call(world, "POST", "/erp/v1/shipments", body)
    again = call(world, "POST", "/erp/v1/shipments", body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json_body["shipment"]["shipment_id"] == again.json_body["shipment"]["shipment_id"]
    assert again.json_body["created"] is False and again.json_body["shipment"]["status"] == "pending"
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name("platform_actions"))["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 1, "the re-post within the dedup window is one message"
    assert json.loads(got[0]["Body"])["name"] == "ship"
    assert bootstrap.orders().get(order_id).status.value == "awaiting_shipment", "shipped only when accepted"


def test_given_too_many_units_or_an_unknown_line_then_400_and_nothing_stored(world: dict[str, Any]) -> None:
    order_id = ready_order()
    too_many = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "SF",
                                                         "tracking_no": "SF1234567", "lines": [
                                                             {"line_id": "1", "quantity": 3}]})
    unknown = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "SF",
                                                        "tracking_no": "SF1234568", "lines": [
                                                            {"line_id": "9", "quantity": 1}]})
    assert too_many.status_code == unknown.status_code == 400
    assert bootstrap.shipments().for_order(order_id) == []


def test_given_partial_shipments_then_the_rest_only_and_then_nothing_left(world: dict[str, Any]) -> None:
    order_id = ready_order()                  # one line, quantity 2
    part = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "YTO",
                                                     "tracking_no": "YT0001", "lines": [{"line_id": "1",
                                                                                          "quantity": 1}]})
    rest = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "YTO",
                                                     "tracking_no": "YT0002"})
    none_left = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "YTO",
                                                          "tracking_no": "YT0003"})
    assert part.status_code == rest.status_code == 201
    assert rest.json_body["shipment"]["lines"] == [{"line_id": "1", "quantity": 1}]
    assert none_left.status_code == 409
    shipment = call(world, "GET", f"/erp/v1/shipments/{part.json_body['shipment']['shipment_id']}")
    assert shipment.json_body["status"] == ShipmentStatus.PENDING.value


def test_given_a_jd_partial_shipment_then_the_answer_says_the_ship_back_waits_and_a_full_one_names_its_lines(
        world: dict[str, Any]) -> None:
    from chalicelib.domain.platform import Platform
    order_id = ready_order(platform=Platform.JD)                # one line, quantity 2
    part = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "ZTO",
                                                     "tracking_no": "ZT0001", "lines": [{"line_id": "1",
                                                                                          "quantity": 1}]})
    ship_back = part.json_body["shipment"]["platform_ship_back"]
    assert ship_back["status"] == "deferred" and "remaining lines" in ship_back["note"], ship_back
    rest = call(world, "POST", "/erp/v1/shipments", {"order_id": order_id, "carrier_code": "ZTO",
                                                     "tracking_no": "ZT0002"})
    assert rest.json_body["shipment"]["platform_ship_back"]["status"] == "pending"
    whole = call(world, "POST", "/erp/v1/shipments", {"order_id": ready_order(), "carrier_code": "ZTO",
                                                      "tracking_no": "ZT0003"})
    assert whole.json_body["shipment"]["lines"] == [{"line_id": "1", "quantity": 2}]


# ------------------------------------------------------------------ after-sales
def test_given_a_case_when_taken_and_answered_then_recorded_once(world: dict[str, Any]) -> None:
    from chalicelib.services.after_sales_ingest import apply_case
    from tests.factories import canonical_case
    order_id = ready_order(order_no="7100001")
    apply_case(bootstrap.after_sales(), bootstrap.orders(), bootstrap.clock(), "S1",
               canonical_case("RF1", "7100001"), fetch_order=lambda _no: None)
    taken = call(world, "POST", "/erp/v1/after-sales/take", {"limit": 10})
    assert [c["case_id"] for c in taken.json_body["items"]] == ["S1-RF1"]
    assert taken.json_body["items"][0]["order_id"] == order_id
    answer = {"action": "intercept", "outcome": "intercepted", "note": "pulled"}
    first = call(world, "POST", "/erp/v1/after-sales/S1-RF1/result", answer)
    again = call(world, "POST", "/erp/v1/after-sales/S1-RF1/result", answer)
    other = call(world, "POST", "/erp/v1/after-sales/S1-RF1/result", {**answer, "outcome": "already_shipped"})
    assert first.status_code == again.status_code == 200 and other.status_code == 409
    assert first.json_body["recorded_at"] == again.json_body["recorded_at"]
    assert call(world, "GET", "/erp/v1/after-sales/S1-RF1").json_body["erp_handoff"] == "acknowledged"


# ------------------------------------------------------------------ limits
def test_given_a_key_without_the_scope_then_403(world: dict[str, Any]) -> None:
    key_id, secret = new_client(scopes=("after_sales",))
    response = signed(world["client"], key_id, secret, "POST", "/erp/v1/orders/take", {})
    assert response.status_code == 403


def test_given_more_requests_than_the_rate_then_429_with_retry_after(world: dict[str, Any]) -> None:
    key_id, secret = new_client(rate_per_minute=2)
    codes = [signed(world["client"], key_id, secret, "GET", "/erp/v1/orders/nope").status_code for _ in range(3)]
    assert codes[:2] == [404, 404] and codes[2] == 429


def test_given_the_spec_url_then_a_signed_client_gets_the_document(world: dict[str, Any]) -> None:
    response = call(world, "GET", "/erp/v1/openapi.json")
    assert response.status_code == 200 and response.json_body["openapi"].startswith("3.1")
    assert world["client"].http.get("/erp/v1/openapi.json").status_code == 401


# ------------------------------------------------------------------ stock (the stock service's ledger)
def test_given_an_erp_sku_when_its_stock_is_set_twice_with_one_key_then_applied_once(world: dict[str, Any]) -> None:
    from chalicelib.domain.catalog import ErpSku
    bootstrap.erp_skus().add(ErpSku("ERP-MC-1", "纯棉短袖T恤"))
    key_id, secret = new_client(scopes=("stock",))
    body = {"quantity": 120, "idempotency_key": "count-A01", "reason": "daily count"}
    first = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-1", body)
    again = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-1", body)
    other = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-1", {**body, "quantity": 5})
    got = signed(world["client"], key_id, secret, "GET", "/erp/v1/stock/ERP-MC-1")
    assert first.status_code == again.status_code == got.status_code == 200, first.body
    assert again.json_body == first.json_body, "the same request again: the same answer"
    assert other.status_code == 409 and "count-A01" in other.json_body["error"]["message"], other.body
    assert got.json_body == {"sku_code": "ERP-MC-1", "on_hand": 120, "reserved": 0, "available": 120,
                             "warehouse_id": "", "warehouses": [{"warehouse_id": "default", "on_hand": 120,
                                                                 "reserved": 0, "available": 120, "in_transit": 0}]}
    assert signed(world["client"], key_id, secret, "GET", "/erp/v1/stock/NOPE").status_code == 404


def test_given_a_cloud_warehouse_when_the_wms_sets_its_count_then_only_that_warehouse_changes(
        world: dict[str, Any]) -> None:
    from chalicelib.domain.catalog import ErpSku
    from chalicelib.domain.warehouses import Warehouse, WarehouseKind
    bootstrap.erp_skus().add(ErpSku("ERP-MC-2", "纯棉短袖T恤"))
    bootstrap.warehouses().save(Warehouse("CLOUD-1", "云仓", WarehouseKind.THIRD_PARTY), 0)
    key_id, secret = new_client(scopes=("stock",))
    body = {"quantity": 30, "idempotency_key": "wms-1", "warehouse_id": "CLOUD-1"}
    put = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-2", body)
    assert put.status_code == 200 and put.json_body["warehouse_id"] == "CLOUD-1", put.body
    signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-2",
           {"quantity": 7, "idempotency_key": "wms-1"})              # the same key in another warehouse: its own
    got = signed(world["client"], key_id, secret, "GET", "/erp/v1/stock/ERP-MC-2").json_body
    assert got["on_hand"] == 37 and {w["warehouse_id"]: w["on_hand"] for w in got["warehouses"]} == {
        "CLOUD-1": 30, "default": 7}
    unknown = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-2",
                     {**body, "warehouse_id": "NOWHERE"})
    assert unknown.status_code == 400 and unknown.json_body["error"]["reason"] == "warehouse.unknown"
    negative = signed(world["client"], key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-2", {**body, "quantity": -1})
    assert negative.status_code == 400


def test_given_the_kit_then_the_erp_app_has_the_erp_routes() -> None:
    assert "/erp/v1/orders/take" in erp_app().routes
