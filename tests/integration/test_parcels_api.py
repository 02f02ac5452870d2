"""The parcels admin API on moto: merge, look at an order's parcels, the ERP view naming them, unmerge;
splits by hand refused naming the field; the per shop settings; the merge proposals."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from tests.erp_kit import bearer, moto_world, new_client, ready_order, signed


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(app, stage_name="test") as client:
        from chalicelib.domain.shops import Shop
        bootstrap.shops().add(Shop("S1", "demo", Platform.PDD, "seller-1"))
        key_id, secret = new_client(("orders",))
        yield {**w, "client": client, "key": key_id, "secret": secret}


def admin(w: dict[str, Any], method: str, path: str, body: Any = None, user: str = "root") -> Any:
    headers = {**bearer(user), "Content-Type": "application/json"}
    call = getattr(w["client"].http, method.lower())
    answer = call(path, headers=headers, body=json.dumps(body)) if body is not None else call(path, headers=headers)
    return answer.status_code, json.loads(answer.body or b"{}")


def test_given_two_orders_of_one_buyer_when_merged_by_hand_then_the_drawer_and_the_erp_see_one_parcel(world):
    a, b = ready_order("S1", "PDD:1", platform=Platform.PDD), ready_order("S1", "PDD:2", platform=Platform.PDD)
    status, proposals = admin(world, "GET", "/admin/shops/S1/merge-proposals")
    assert status == 200 and proposals["items"][0]["order_ids"] == [a, b]
    status, merged = admin(world, "POST", "/admin/fulfilments/merge", {"order_ids": [a, b]})
    assert status == 200, merged
    parcel = merged["items"][0]
    status, drawer = admin(world, "GET", f"/admin/orders/{a}/parcels")
    assert status == 200 and drawer["parcels"][0]["fulfilment_id"] == parcel["fulfilment_id"]
    assert [o["order_id"] for o in drawer["parcels"][0]["orders"]] == [a, b] and drawer["platform_rules"]["merge"]
    order = signed(world["client"], world["key"], world["secret"], "GET", f"/erp/v1/orders/{b}")
    assert json.loads(order.body)["fulfilment_ids"] == [parcel["fulfilment_id"]]
    seen = signed(world["client"], world["key"], world["secret"], "GET", f"/erp/v1/fulfilments/{parcel['fulfilment_id']}")
    assert [o["order_id"] for o in json.loads(seen.body)["orders"]] == [a, b]
    status, undone = admin(world, "POST", f"/admin/fulfilments/{parcel['fulfilment_id']}/unmerge")
    assert status == 200 and undone["items"][0]["state"] == "dissolved"
    assert admin(world, "GET", f"/admin/orders/{a}/parcels")[1]["parcels"][0]["kind"] == "single"


def test_given_a_viewer_when_merging_then_forbidden(world):
    a, b = ready_order("S1", "PDD:3", platform=Platform.PDD), ready_order("S1", "PDD:4", platform=Platform.PDD)
    assert admin(world, "POST", "/admin/fulfilments/merge", {"order_ids": [a, b]}, user="eye")[0] == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"parts": [[{"line_id": "1", "quantity": 1}], [{"line_id": "1", "quantity": 5}]]}, "parts"),
    ({"parts": [[{"line_id": "nope", "quantity": 1}], [{"line_id": "1", "quantity": 1}]]}, "parts[0].line_id"),
    ({"by": "weight", "weight_limit_g": 0}, "weight_limit_g"),
    ({}, "parts"),
])
def test_given_a_bad_split_when_posted_then_400_naming_the_field_and_nothing_stored(world, body, field):
    order_id = ready_order("S1", "PDD:5", platform=Platform.PDD)
    status, answer = admin(world, "POST", f"/admin/orders/{order_id}/split", body)
    assert status == 400 and field in [f["field"] for f in answer["error"]["fields"]], answer
    assert bootstrap.orders().get(order_id).fulfilment_ids == ()


def test_given_a_split_by_hand_then_two_parcels_and_unsplit_folds_them(world):
    order_id = ready_order("S1", "PDD:6", platform=Platform.PDD)
    parts = {"parts": [[{"line_id": "1", "quantity": 1}], [{"line_id": "1", "quantity": 1}]]}
    status, split = admin(world, "POST", f"/admin/orders/{order_id}/split", parts)
    assert status == 200 and len(split["items"]) == 2
    assert len(admin(world, "GET", f"/admin/orders/{order_id}/parcels")[1]["parcels"]) == 2
    assert admin(world, "POST", f"/admin/orders/{order_id}/unsplit")[0] == 200


def test_given_settings_when_saved_then_read_back_and_a_stale_revision_conflicts(world):
    assert admin(world, "GET", "/admin/shops/S1/fulfilment-settings")[1]["merge_mode"] == "propose"
    status, saved = admin(world, "PUT", "/admin/shops/S1/fulfilment-settings",
                          {"merge_mode": "auto", "weight_limit_g": 5000, "revision": 0})
    assert status == 200 and saved["revision"] == 1
    status, stale = admin(world, "PUT", "/admin/shops/S1/fulfilment-settings",
                          {"merge_mode": "off", "weight_limit_g": 0, "revision": 0})
    assert status == 409 and stale["error"]["reason"] == "fulfilment.changed"
    assert admin(world, "PUT", "/admin/shops/S1/fulfilment-settings",
                 {"merge_mode": "sometimes", "revision": 1})[0] == 400


def test_given_an_auto_shop_when_two_orders_of_one_buyer_arrive_through_the_consumer_then_they_are_merged(world):
    from chalicelib.services.fulfilments import SETTINGS_CACHE
    from chalicelib.services.order_ingest import ingest_order
    from chalicelib.workers.batch_reads import BatchReads
    from tests.factories import canonical_order
    assert admin(world, "PUT", "/admin/shops/S1/fulfilment-settings",
                 {"merge_mode": "auto", "weight_limit_g": 0, "revision": 0})[0] == 200
    SETTINGS_CACHE.seen.clear()
    bootstrap.review_cache().refresh(bootstrap.review_store())
    ids = []
    for number in ("PDD:21", "PDD:22"):
        order = canonical_order(number, platform=Platform.PDD)
        ingest_order(bootstrap.ingest_deps(BatchReads(), noting=True), "S1", order.order_no, order)
        ids.append(f"S1-{number}")
    first, second = (bootstrap.orders().get(i) for i in ids)
    assert first.fulfilment_ids and first.fulfilment_ids == second.fulfilment_ids
    assert bootstrap.fulfilments().get(first.fulfilment_ids[0]).order_ids == tuple(ids)


def test_given_a_merged_parcel_when_the_erp_ships_each_member_then_the_parcel_reads_shipped(world):
    a, b = ready_order("S1", "PDD:8", platform=Platform.PDD), ready_order("S1", "PDD:9", platform=Platform.PDD)
    parcel = admin(world, "POST", "/admin/fulfilments/merge", {"order_ids": [a, b]})[1]["items"][0]["fulfilment_id"]
    key_id, secret = new_client(("orders", "shipments"))
    for order_id in (a, b):
        posted = signed(world["client"], key_id, secret, "POST", "/erp/v1/shipments",
                        {"order_id": order_id, "carrier_code": "ZTO", "tracking_no": "ZT7312345678901"})
        assert posted.status_code == 201, posted.body
    seen = signed(world["client"], key_id, secret, "GET", f"/erp/v1/fulfilments/{parcel}")
    assert json.loads(seen.body)["state"] == "shipped"
