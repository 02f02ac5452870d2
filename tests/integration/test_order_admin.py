"""The admin API for orders, sync health and repair, through the real routes on fakes."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus
from chalicelib.domain.users import Role
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.users import create_user
from tests import fakes
from tests.factories import canonical_order

PASSWORD = "Fake-Passw0rd-for-tests"


@pytest.fixture
def api() -> Iterator[tuple[Client, dict[str, object]]]:
    users = fakes.InMemoryUserRepository()
    create_user(users, "ops", PASSWORD, Role.OPERATOR)
    create_user(users, "eye", PASSWORD, Role.VIEWER)
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    clock = fakes.FixedClock(datetime.now(UTC))
    linked = {"sku-1": (SkuLink("MC-1"),)}
    apply_snapshot(orders, clock, "shopA", canonical_order("1001"), linked)
    apply_snapshot(orders, clock, "shopA", canonical_order("1002", status=OrderStatus.PENDING_PAYMENT), linked)
    apply_snapshot(orders, clock, "shopA", canonical_order("1003", tracking_no="YT777", status=OrderStatus.SHIPPED),
                   linked)
    deps = {"users": users, "orders": orders, "shops": shops, "publisher": publisher, "clock": clock,
            "after_sales": fakes.InMemoryAfterSaleRepository(), "sync": fakes.InMemorySyncRepository()}
    with bootstrap.override(**deps), Client(app, stage_name="test") as client:
        yield client, deps


def token(client: Client, username: str) -> dict[str, str]:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": username, "password": PASSWORD}))
    return {"Authorization": f"Bearer {response.json_body['token']}", "Content-Type": "application/json"}


def test_given_filters_when_listing_then_matching_orders_with_masked_receivers(api) -> None:
    client, _ = api
    got = client.http.get("/admin/orders?shop_id=shopA&tracking_no=YT777", headers=token(client, "eye")).json_body
    assert [o["order_no"] for o in got["items"]] == ["1003"]
    assert got["items"][0]["receiver"]["phone"] == "138****5678"


def test_given_a_bad_filter_then_400_naming_it(api) -> None:
    client, _ = api
    response = client.http.get("/admin/orders?status=teleported", headers=token(client, "eye"))
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "status"


def test_given_an_order_when_detailed_then_history_and_no_ciphertext(api) -> None:
    client, _ = api
    detail = client.http.get("/admin/orders/shopA-1001", headers=token(client, "eye")).json_body
    assert detail["history"] and "encrypted" not in detail["receiver"]
    assert "platform_ciphertext" not in detail["receiver"]


def test_given_a_memo_edit_then_saved_and_a_platform_write_back_is_queued(api) -> None:
    client, deps = api
    response = client.http.post("/admin/orders/shopA-1001/memo", headers=token(client, "ops"),
                                body=json.dumps({"memo": "加急", "flag": 2}))
    assert response.json_body["seller_memo"] == "加急"
    [action] = deps["publisher"].bodies("platform_actions")
    assert (action["name"], action["payload"]["order_no"], action["payload"]["flag"]) == ("set_memo", "1001", 2)


def test_given_a_viewer_when_holding_then_403_and_an_operator_can_hold_and_release(api) -> None:
    client, _ = api
    body = json.dumps({"reason": "address_issue", "note": "地址不全"})
    assert client.http.post("/admin/orders/shopA-1001/hold", headers=token(client, "eye"), body=body).status_code == 403
    held = client.http.post("/admin/orders/shopA-1001/hold", headers=token(client, "ops"), body=body).json_body
    assert held["holds"] == ["address_issue"] and held["erp_handoff"] == "not_ready"
    released = client.http.post("/admin/orders/shopA-1001/release", headers=token(client, "ops"),
                                body=json.dumps({"reason": "address_issue"})).json_body
    assert released["holds"] == [] and released["erp_handoff"] == "ready"


def test_given_a_system_hold_reason_by_hand_then_400(api) -> None:
    client, _ = api
    response = client.http.post("/admin/orders/shopA-1001/hold", headers=token(client, "ops"),
                                body=json.dumps({"reason": "unlinked_sku"}))
    assert response.status_code == 400


def test_given_an_unpaid_order_then_it_can_be_cancelled_but_a_paid_one_cannot(api) -> None:
    client, _ = api
    ok = client.http.post("/admin/orders/shopA-1002/cancel", headers=token(client, "ops"),
                          body=json.dumps({"reason": "买家不要了"}))
    refused = client.http.post("/admin/orders/shopA-1001/cancel", headers=token(client, "ops"),
                               body=json.dumps({"reason": "no"}))
    assert ok.json_body["status"] == "cancelled"
    assert refused.status_code == 409


def test_given_a_resync_range_then_one_bounded_job_per_day(api) -> None:
    client, deps = api
    response = client.http.post("/admin/repair/resync", headers=token(client, "ops"), body=json.dumps(
        {"shop_id": "shopA", "stream": "orders", "start": "2026-09-01T00:00:00+08:00",
         "end": "2026-09-04T12:00:00+08:00"}))
    assert response.json_body == {"jobs": 4}
    jobs = deps["publisher"].bodies("pull_jobs")
    assert all(j["trigger"] == "backfill" for j in jobs) and jobs[-1]["range_end"].startswith("2026-09-04T12")


def test_given_a_repair_pull_then_a_reference_message_is_queued(api) -> None:
    client, deps = api
    client.http.post("/admin/repair/pull-order", headers=token(client, "ops"),
                     body=json.dumps({"shop_id": "shopA", "order_no": "777"}))
    [message] = deps["publisher"].bodies("orders")
    assert (message["order_no"], message["source"]) == ("777", "repair") and "snapshot" not in message


def test_given_shops_then_sync_health_lists_each_stream(api) -> None:
    client, _ = api
    health = client.http.get("/admin/sync", headers=token(client, "eye")).json_body
    [shop] = health["items"]
    assert set(shop["streams"]) == {"orders", "after_sales"}
    assert shop["streams"]["orders"]["today"] == {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}


def test_given_platform_order_numbers_then_waybill_inputs_resolve_them_to_orders(api) -> None:
    from chalicelib.services.order_admin import resolve_order_refs
    _, deps = api
    assert resolve_order_refs(deps["orders"], ["1001", "shopA-1003", "nope"]) == ["shopA-1001", "shopA-1003", "nope"]


def test_given_a_number_two_shops_share_then_it_must_be_named_by_id(api) -> None:
    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.order_admin import resolve_order_ref
    _, deps = api
    apply_snapshot(deps["orders"], deps["clock"], "shopB", canonical_order("1001"), {})
    with pytest.raises(ValidationError) as refused:
        resolve_order_ref(deps["orders"], "1001")
    assert refused.value.reason == "orders.number_ambiguous"
