"""The shipping API through the chalice test client: waybill tables in moto, the rest on fakes."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason
from chalicelib.domain.users import Role
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.users import create_user
from tests import fakes
from tests.aws import aws
from tests.factories import canonical_order
from tests.waybill_fakes import LINKED, FakeWaybillClient

PASSWORD = "Fake-Passw0rd-for-tests"


@pytest.fixture
def api() -> Iterator[tuple[Client, dict[str, Any]]]:
    users = fakes.InMemoryUserRepository()
    create_user(users, "ops", PASSWORD, Role.OPERATOR)
    create_user(users, "eye", PASSWORD, Role.VIEWER)
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))   # tokens are checked against it
    for number in ("1001", "1002", "1003"):
        apply_snapshot(orders, clock, "shopA", canonical_order(number), LINKED)
    client = FakeWaybillClient()
    deps = {"users": users, "orders": orders, "shops": shops, "publisher": publisher, "clock": clock,
            "shipments": fakes.InMemoryShipmentRepository(), "clients": lambda shop: client, "fake_client": client}
    with aws(("waybill_accounts", "waybills")):
        bootstrap.reset()
        with bootstrap.override(**deps), Client(app, stage_name="test") as test_client:
            yield test_client, deps
        bootstrap.reset()


def token(client: Client, username: str) -> dict[str, str]:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": username, "password": PASSWORD}))
    return {"Authorization": f"Bearer {response.json_body['token']}", "Content-Type": "application/json"}


def post(client: Client, path: str, body: Any, user: str = "ops", **headers: str) -> Any:
    return client.http.post(path, headers={**token(client, user), **headers}, body=json.dumps(body))


def issued(client: Client, order_ids: list[str]) -> list[dict[str, Any]]:
    post(client, "/admin/shops/shopA/waybill-accounts/pull", {})
    client.http.put("/admin/shops/shopA/default-waybill-account", headers=token(client, "ops"),
                    body=json.dumps({"account_id": "ZTO-310000"}))
    return post(client, "/admin/waybills", {"order_ids": order_ids}).json_body["results"]


def test_GIVEN_a_shop_WHEN_accounts_are_pulled_twice_and_a_default_chosen_THEN_listed_once_masked(api) -> None:
    client, _ = api
    first = post(client, "/admin/shops/shopA/waybill-accounts/pull", {}).json_body
    second = post(client, "/admin/shops/shopA/waybill-accounts/pull", {}).json_body
    assert (first["added"], second["added"], second["updated"]) == (2, 0, 2)
    chosen = client.http.put("/admin/shops/shopA/default-waybill-account", headers=token(client, "ops"),
                             body=json.dumps({"account_id": "ZTO-310000"})).json_body
    assert chosen["is_default"] and chosen["sender"]["phone_masked"] == "138****1111"
    listed = client.http.get("/admin/waybill-accounts?shop_id=shopA", headers=token(client, "eye")).json_body
    assert [(a["account_id"], a["is_default"]) for a in listed["items"]] == [("SF-0", False), ("ZTO-310000", True)]
    carriers = client.http.get("/admin/shops/shopA/carriers", headers=token(client, "eye")).json_body
    assert carriers["items"][0] == {"code": "ZTO", "name": "中通快递"}


def test_GIVEN_a_viewer_WHEN_issuing_THEN_403_and_a_bad_body_names_its_field(api) -> None:
    client, _ = api
    assert post(client, "/admin/waybills", {"order_ids": ["shopA-1001"]}, user="eye").status_code == 403
    refused = post(client, "/admin/waybills", {"order_ids": [], "extra": 1})
    assert refused.status_code == 400
    assert {f["field"] for f in refused.json_body["error"]["fields"]} >= {"order_ids", "extra"}
    assert client.http.get("/admin/waybills").status_code == 401


def test_GIVEN_orders_WHEN_issued_printed_shipped_THEN_the_statuses_and_the_order_shipments(api) -> None:
    client, deps = api
    results = issued(client, ["shopA-1001", "shopA-404", "shopA-1002"])
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["error"]["code"] == "not_found"
    waybill_ids = [results[0]["waybill"]["waybill_id"], results[2]["waybill"]["waybill_id"]]
    job = post(client, "/admin/print-jobs", {"waybill_ids": waybill_ids, "printer": "Deli"}).json_body
    assert job["component"]["name"] == "cainiao" and len(job["requests"][0]["task"]["documents"]) == 2
    printed = post(client, "/admin/waybills/printed", {"waybill_ids": waybill_ids}).json_body["results"]
    assert [r["waybill"]["status"] for r in printed] == ["printed", "printed"]
    shipped = post(client, "/admin/waybills/ship", {"waybill_ids": waybill_ids}).json_body["results"]
    assert [r["waybill"]["status"] for r in shipped] == ["shipped", "shipped"] and shipped[0]["waybill"]["shipment_id"]
    assert len(deps["publisher"].bodies("platform_actions")) == 2
    view = client.http.get("/admin/orders/shopA-1001/shipments", headers=token(client, "eye")).json_body
    assert view["items"][0]["tracking_no"] == view["waybills"][0]["waybill_no"]
    listed = client.http.get("/admin/waybills?shop_id=shopA&status=shipped", headers=token(client, "eye")).json_body
    assert len(listed["items"]) == 2 and listed["next"] is None
    cancel = post(client, f"/admin/waybills/{waybill_ids[0]}/cancel", {})
    assert cancel.status_code == 409
    refreshed = post(client, f"/admin/waybills/{waybill_ids[0]}/tracking/refresh", {}).json_body
    assert refreshed["tracking"]["state"] == "in_transit" and refreshed["tracking"]["events"]


def test_GIVEN_waybills_WHEN_labels_and_a_picklist_are_asked_with_accept_pdf_THEN_binary_pdfs(api) -> None:
    client, _ = api
    results = issued(client, ["shopA-1001", "shopA-1002"])
    ids = [r["waybill"]["waybill_id"] for r in results]
    labels = post(client, "/admin/labels", {"waybill_ids": ids, "size": "100x150"}, Accept="application/pdf")
    assert labels.status_code == 200 and labels.headers["Content-Type"] == "application/pdf"
    assert labels.body.startswith(b"%PDF")
    picklist = post(client, "/admin/picklists", {"order_ids": ["shopA-1001", "shopA-1003"]}, Accept="application/pdf")
    assert picklist.body.startswith(b"%PDF")
    bad = post(client, "/admin/labels", {"waybill_ids": ids, "size": "A4"}, Accept="application/pdf")
    assert bad.status_code == 400
    assert "application/pdf" in app.api.binary_types


def test_GIVEN_a_waybill_WHEN_read_or_listed_by_order_THEN_found_and_an_unknown_one_is_404(api) -> None:
    client, _ = api
    [result] = issued(client, ["shopA-1003"])
    waybill_id = result["waybill"]["waybill_id"]
    got = client.http.get(f"/admin/waybills/{waybill_id}", headers=token(client, "eye")).json_body
    assert got["status"] == "issued" and got["tracking"] is None and got["print_count"] == 0
    by_order = client.http.get("/admin/waybills?order_id=shopA-1003", headers=token(client, "eye")).json_body
    assert [w["waybill_id"] for w in by_order["items"]] == [waybill_id]
    assert client.http.get("/admin/waybills/nope", headers=token(client, "eye")).status_code == 404
    assert client.http.get("/admin/waybills", headers=token(client, "eye")).status_code == 400
    cancelled = post(client, f"/admin/waybills/{waybill_id}/cancel", {}).json_body
    assert cancelled["status"] == "cancelled"


def test_GIVEN_a_presale_order_waiting_in_a_batch_WHEN_issuing_THEN_it_alone_is_refused_naming_its_hold(api) -> None:
    client, deps = api
    order = deps["orders"].get("shopA-1002")
    deps["orders"].save(order.hold(HoldReason.PRESALE_WAITING), order.revision)
    results = issued(client, ["shopA-1001", "shopA-1002", "shopA-1003"])
    assert [r["ok"] for r in results] == [True, False, True]
    error = results[1]["error"]
    assert (error["code"], error["reason"], error["holds"]) == ("invalid_transition", "waybill.order_held",
                                                                ["presale_waiting"])


def test_GIVEN_one_order_printed_WHEN_listing_to_print_and_printed_THEN_each_list_has_its_orders(api) -> None:
    client, _ = api
    [done] = issued(client, ["shopA-1002"])
    headers = token(client, "eye")
    to_print = client.http.get("/admin/orders?print=to_print", headers=headers).json_body
    printed = client.http.get("/admin/orders?print=printed&shop_id=shopA", headers=headers).json_body
    assert [o["order_id"] for o in to_print["items"]] == ["shopA-1003", "shopA-1001"]
    assert to_print["query"]["print"] == "to_print" and to_print["total"] == 2
    assert [(o["order_id"], o["waybill_no"]) for o in printed["items"]] == [("shopA-1002", done["waybill"]["waybill_no"])]
    wrong = client.http.get("/admin/orders?print=later", headers=headers)
    assert wrong.status_code == 400 and wrong.json_body["error"]["fields"][0]["field"] == "print"
