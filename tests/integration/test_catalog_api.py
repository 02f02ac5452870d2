"""The shop, catalog and stock admin API through the chalice test client, DynamoDB on moto: roles,
field-naming 4xx answers, the CSV import report, links releasing held orders, adjustments."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.status import HoldReason
from chalicelib.domain.users import Role, User
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import CanonicalLine
from tests import fakes
from tests.aws import aws
from tests.factories import canonical_order


@pytest.fixture
def api() -> Iterator[Client]:
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    users = fakes.InMemoryUserRepository()
    for name, role in (("root", Role.ADMIN), ("ops", Role.OPERATOR), ("eye", Role.VIEWER)):
        users.add(User(name, "x", role))
    with aws(("shops", "shop_skus", "erp_skus", "stock", "orders", "sync", "goods")):
        bootstrap.reset()
        with bootstrap.override(users=users, shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                publisher=fakes.RecordingPublisher()), Client(fakes.shops_app(), stage_name="test") as client:
            yield client
        bootstrap.reset()


def send(api: Client, method: str, path: str, body: object = None, user: str = "root",
         content_type: str = "application/json") -> Any:
    from chalicelib.api import tokens
    token, _ = tokens.issue(bootstrap.users().get(user), datetime.now(UTC))
    raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {})
    return getattr(api.http, method)(path, headers={"Authorization": f"Bearer {token}",
                                                    "Content-Type": content_type}, body=raw)


def new_shop(api: Client) -> str:
    answer = send(api, "post", "/admin/shops", {"name": "淘宝店", "platform": "taobao", "app_key": "k",
                                                "app_secret": "test-secret-not-real", "seller_id": "seller-1",
                                                "access_token": "at", "refresh_token": "rt"})
    assert answer.status_code == 200, answer.body
    return str(answer.json_body["shop_id"])


def run_link_jobs() -> None:
    """What the link-jobs consumer does with every step the requests queued (and the steps they queue)."""
    from chalicelib.services.link_jobs import QUEUE, Step, run_step
    publisher, ran = bootstrap.publisher(), 0
    while ran < len(steps := [body for queue, body, _, _ in publisher.sent if queue == QUEUE]):
        run_step(bootstrap.link_job_deps(), Step.parse(steps[ran]))
        ran += 1


class TestShops:
    def test_given_an_admin_when_adding_and_listing_shops_then_no_secret_is_ever_shown(self, api) -> None:
        shop_id = new_shop(api)
        listed = send(api, "get", "/admin/shops", user="eye").json_body["items"]
        assert [s["shop_id"] for s in listed] == [shop_id] and listed[0]["status"] == "active"
        assert "test-secret-not-real" not in json.dumps(listed) and '"at"' not in json.dumps(listed)

    def test_given_a_viewer_or_bad_input_then_403_or_400_naming_the_field(self, api) -> None:
        body = {"name": "店", "platform": "taobao", "app_key": "k", "app_secret": "s", "seller_id": "1"}
        assert send(api, "post", "/admin/shops", body, user="ops").status_code == 403
        bad = send(api, "post", "/admin/shops", {**body, "platform": "amazon"})
        assert bad.status_code == 400 and bad.json_body["error"]["fields"][0]["field"] == "platform"
        extra = send(api, "post", "/admin/shops", {**body, "unexpected": 1})
        assert extra.status_code == 400
        no_seller = send(api, "post", "/admin/shops", {**body, "seller_id": ""})
        assert no_seller.status_code == 400 and no_seller.json_body["error"]["fields"][0]["field"] == "seller_id"
        assert bootstrap.shops().all() == []

    def test_given_a_shop_when_paused_and_resumed_then_its_sync_stops_and_starts(self, api) -> None:
        shop_id = new_shop(api)
        paused = send(api, "post", f"/admin/shops/{shop_id}/pause", {"reason": "盘点"}, user="ops").json_body
        assert (paused["status"], paused["status_reason"], paused["syncing"]) == ("paused", "盘点", False)
        assert bootstrap.shops().syncing() == []
        resumed = send(api, "post", f"/admin/shops/{shop_id}/resume", user="ops").json_body
        assert resumed["status"] == "active" and [s.shop_id for s in bootstrap.shops().syncing()] == [shop_id]

    def test_given_stock_sync_settings_then_a_partial_update_keeps_the_rest(self, api) -> None:
        shop_id = new_shop(api)
        send(api, "put", f"/admin/shops/{shop_id}/stock-sync", {"ratio_percent": 80, "floor": 2})
        answer = send(api, "put", f"/admin/shops/{shop_id}/stock-sync", {"enabled": False}).json_body
        assert (answer["ratio_percent"], answer["floor"], answer["enabled"]) == (80, 2, False)
        bad = send(api, "put", f"/admin/shops/{shop_id}/stock-sync", {"ratio_percent": 101})
        assert bad.status_code == 400 and bad.json_body["error"]["fields"][0]["field"] == "ratio_percent"


class TestErpSkus:
    def test_given_a_csv_file_then_each_row_is_reported_and_good_rows_are_stored(self, api) -> None:
        csv = ("商品编码,商品名称,规格,售价\n"
               "CUP-500,保温杯,500ml,59.90\n"
               "BAD CODE,坏编码,,1\n"
               "CUP-500,重复,,1\n"
               "SOCKS,运动袜,5双,abc\n"
               "TEE-M,纯棉T恤,白色 M,19.9\n"
               "SHORT\n").encode("gb18030")
        answer = send(api, "post", "/admin/erp-skus/import", csv, content_type="text/csv")
        assert answer.status_code == 200, answer.body
        report = answer.json_body
        assert (report["created"], report["failed"]) == (2, 4)
        by_line = {r["line"]: r for r in report["rows"]}
        assert by_line[2]["result"] == "created" and by_line[6]["result"] == "created"
        assert by_line[3]["field"] == "sku_code" and "repeats line 2" in by_line[4]["error"]
        assert by_line[5]["field"] == "price" and "columns" in by_line[7]["error"]
        assert bootstrap.erp_skus().get("CUP-500").price_fen == 5990
        again = send(api, "post", "/admin/erp-skus/import", "sku_code,name\nCUP-500,保温杯\n".encode(),
                     content_type="text/csv").json_body
        assert again["updated"] == 1

    def test_given_an_erp_sku_then_create_is_once_and_edits_need_the_revision(self, api) -> None:
        body = {"sku_code": "CUP-500", "name": "保温杯", "price_fen": 5990}
        created = send(api, "post", "/admin/erp-skus", body, user="ops")
        assert created.status_code == 200
        # it joined the goods library at once: the answer is the stored SKU, its revision the one to edit
        assert (created.json_body["goods_id"], created.json_body["revision"]) == ("SKU.CUP-500", 2)
        assert send(api, "post", "/admin/erp-skus", body).status_code == 409
        edited = send(api, "patch", "/admin/erp-skus/CUP-500", {"revision": 2, "name": "真空保温杯"}).json_body
        assert (edited["name"], edited["revision"]) == ("真空保温杯", 3)
        assert send(api, "patch", "/admin/erp-skus/CUP-500", {"revision": 2, "name": "lost"}).status_code == 409
        assert send(api, "get", "/admin/goods/SKU.CUP-500").json_body["skus"][0]["name"] == "真空保温杯"
        assert [s["sku_code"] for s in send(api, "get", "/admin/erp-skus?prefix=CUP").json_body["items"]] == ["CUP-500"]


class TestLinksAndStock:
    def test_given_held_orders_when_their_sku_is_linked_through_the_api_then_they_release_and_reserve(
            self, api) -> None:
        from chalicelib.domain.catalog import ShopSku
        from chalicelib.domain.platform import Platform
        from chalicelib.services.stock import settle_order
        shop_id = new_shop(api)
        bootstrap.shop_skus().add(ShopSku(shop_id, Platform.TAOBAO, "sku-1", "p-1", "", "保温杯", "500ml"))
        send(api, "post", "/admin/erp-skus", {"sku_code": "CUP-500", "name": "保温杯"})
        adjusted = send(api, "post", "/admin/stock/CUP-500/adjust",
                        {"delta": 5, "reason": "入库", "idempotency_key": "count-0001"}, user="ops")
        assert adjusted.json_body["available"] == 5
        held = []
        for n in range(3):
            order = canonical_order(f"90{n}", lines=(CanonicalLine("1", "sku-1", "p-1", "", "杯", "500ml", 2, 1, 1),))
            apply_snapshot(bootstrap.orders(), bootstrap.clock(), shop_id, order, {})
            settle_order(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), f"{shop_id}-90{n}")
            held.append(f"{shop_id}-90{n}")
        assert all(bootstrap.orders().get(o).holds == {HoldReason.UNLINKED_SKU} for o in held)

        linked = send(api, "put", f"/admin/shops/{shop_id}/skus/sku-1/links",
                      {"links": [{"sku_code": "CUP-500", "quantity": 1}]}, user="ops")
        assert linked.status_code == 200 and linked.json_body["linked"]
        job_url = linked.json_body["job_url"]
        assert send(api, "get", job_url, user="eye").json_body["status"] == "running"
        assert all(bootstrap.orders().get(o).holds == {HoldReason.UNLINKED_SKU} for o in held), "not in the request"
        run_link_jobs()
        job = send(api, "get", job_url, user="eye").json_body
        assert (job["status"], job["total"], job["done"], job["released"]) == ("done", 3, 3, 3)
        holds = [bootstrap.orders().get(o).holds for o in held]
        assert holds == [frozenset(), frozenset(), {HoldReason.OUT_OF_STOCK}], "first paid, first served"
        ledger = send(api, "get", "/admin/stock/CUP-500").json_body
        assert ledger["balance"]["reserved"] == 4 and ledger["balance"]["available"] == 1
        assert [m["kind"] for m in ledger["movements"]].count("reserve") == 2
        assert ledger["movements"][-1]["reason"] == "入库" and ledger["movements"][-1]["source"] == "user:ops"

    def test_given_an_order_shipped_beyond_on_hand_then_a_discrepancy_is_listed_and_resolved_once(self, api) -> None:
        from chalicelib.domain.orders import SkuLink
        from chalicelib.domain.status import OrderStatus
        from chalicelib.services.stock import settle_order
        shop_id = new_shop(api)
        send(api, "post", "/admin/erp-skus", {"sku_code": "MUG-1", "name": "杯"})
        send(api, "post", "/admin/stock/MUG-1/adjust", {"delta": 1, "reason": "入库", "idempotency_key": "count-0002"},
             user="ops")
        order = canonical_order("950", status=OrderStatus.SHIPPED,
                                lines=(CanonicalLine("1", "sku-9", "p-9", "", "杯", "", 3, 1, 1),))
        apply_snapshot(bootstrap.orders(), bootstrap.clock(), shop_id, order, {"sku-9": (SkuLink("MUG-1"),)})
        settle_order(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), f"{shop_id}-950")
        assert send(api, "get", "/admin/stock/MUG-1").json_body["balance"]["on_hand"] == 0
        [row] = send(api, "get", "/admin/stock/discrepancies?open=1").json_body["items"]
        assert (row["sku_code"], row["order_id"], row["quantity_short"], row["resolved"]) == (
            "MUG-1", f"{shop_id}-950", 2, False)
        path = f"/admin/stock/discrepancies/{row['discrepancy_id']}/resolve"
        assert send(api, "post", path, {"note": "盘点：丢失2件"}, user="eye").status_code == 403, "viewers only look"
        done = send(api, "post", path, {"note": "盘点：丢失2件"}, user="ops").json_body
        assert done["resolved"] and done["resolved_by"] == "user:ops"
        assert send(api, "get", "/admin/stock/discrepancies?open=1").json_body["items"] == []
        assert send(api, "post", "/admin/stock/discrepancies/nope/resolve", {"note": "x"}, user="ops").status_code == 404
        assert send(api, "post", path, {"note": ""}, user="ops").status_code == 400

    def test_given_a_reused_adjustment_key_then_the_same_request_repeats_and_another_is_409(self, api) -> None:
        send(api, "post", "/admin/erp-skus", {"sku_code": "CUP-9", "name": "杯"})
        body = {"delta": 5, "reason": "入库", "idempotency_key": "count-0009"}
        first = send(api, "post", "/admin/stock/CUP-9/adjust", body, user="ops")
        again = send(api, "post", "/admin/stock/CUP-9/adjust", body, user="ops")
        assert (first.status_code, again.status_code) == (200, 200) and again.json_body == first.json_body
        other = send(api, "post", "/admin/stock/CUP-9/adjust", {**body, "delta": 50}, user="ops")
        assert other.status_code == 409 and "count-0009" in other.json_body["error"]["message"], other.body
        assert send(api, "get", "/admin/stock/CUP-9").json_body["balance"]["on_hand"] == 5

    def test_given_an_adjustment_without_reason_or_for_an_unknown_sku_then_refused(self, api) -> None:
        no_reason = send(api, "post", "/admin/stock/X/adjust", {"delta": 1, "reason": "", "idempotency_key": "k-000001"})
        assert no_reason.status_code == 400 and no_reason.json_body["error"]["fields"][0]["field"] == "reason"
        unknown = send(api, "post", "/admin/stock/X/adjust", {"delta": 1, "reason": "r", "idempotency_key": "k-000001"})
        assert unknown.status_code == 404

    def test_given_bulk_links_then_the_answer_lists_each_row(self, api) -> None:
        from chalicelib.domain.catalog import ShopSku
        from chalicelib.domain.platform import Platform
        shop_id = new_shop(api)
        bootstrap.shop_skus().add(ShopSku(shop_id, Platform.TAOBAO, "sku-1", "p-1", "", "杯", ""))
        send(api, "post", "/admin/erp-skus", {"sku_code": "A", "name": "A"})
        send(api, "post", "/admin/erp-skus", {"sku_code": "B", "name": "B"})
        answer = send(api, "post", "/admin/skus/links/bulk", {"items": [
            {"shop_id": shop_id, "platform_sku_id": "sku-1", "links": [{"sku_code": "A"}, {"sku_code": "B", "quantity": 2}]},
            {"shop_id": shop_id, "platform_sku_id": "nope", "links": [{"sku_code": "A"}]}]}, user="ops").json_body
        assert answer["failed"] == 1 and [i["ok"] for i in answer["items"]] == [True, False]
        skus = send(api, "get", f"/admin/shops/{shop_id}/skus").json_body["items"]
        assert skus[0]["bundle"] and skus[0]["links"] == [{"sku_code": "A", "quantity": 1}, {"sku_code": "B", "quantity": 2}]
        assert bootstrap.shop_skus().linked_to("B") == [(shop_id, "sku-1")]
