"""Manual orders (手工订单) through the app on moto: an offline shop, an order whose region is checked against
the administrative divisions, the same review gate and ERP hand-off, stock reserved, shipped by hand."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from tests.erp_kit import bearer, moto_world, new_client, signed
from tests.review_kit import MEMO_RULE

RECEIVER = {"name": "张三", "phone": "13800001111", "province": "浙江省", "city": "杭州市", "district": "西湖区",
            "address": "文三路 100 号"}


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    import os

    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    with moto_world() as w, Client(app, stage_name="test") as client, bootstrap.override(
            shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))):
        from chalicelib.domain.catalog import ErpSku
        bootstrap.erp_skus().add(ErpSku("TEA-1", "龙井茶 250g", price_fen=12800))
        key_id, secret = new_client(("orders", "shipments", "after_sales", "webhooks", "stock"))
        assert signed(client, key_id, secret, "PUT", "/erp/v1/stock/TEA-1",
                      {"quantity": 10, "idempotency_key": "count-1"}).status_code == 200
        world = {**w, "client": client, "key": key_id, "secret": secret}
        shop = admin(world, "POST", "/admin/offline-shops", {"name": "门店"})
        assert shop.status_code == 200, shop.body
        yield {**world, "shop_id": shop.json_body["shop_id"]}


def admin(w: dict[str, Any], method: str, path: str, body: Any = None, user: str = "root") -> Any:
    headers = {**bearer(user), "Content-Type": "application/json"}
    return getattr(w["client"].http, method.lower())(path, headers=headers, body=json.dumps(body))


def order_body(w: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"shop_id": w["shop_id"], "buyer_nick": "老王", "receiver": RECEIVER, "freight_fen": 1000,
            "discount_fen": 800, "lines": [{"sku_code": "TEA-1", "quantity": 2, "unit_price_fen": 12800}], **kw}


def test_given_a_manual_order_then_it_is_reserved_taken_by_the_erp_and_shipped_by_hand(world: dict[str, Any]) -> None:
    made = admin(world, "POST", "/admin/manual-orders", order_body(world), user="ops")
    assert made.status_code == 200, made.body
    order = made.json_body
    assert order["platform"] == "offline" and order["paid_fen"] == 2 * 12800 + 1000 - 800
    assert order["receiver"]["name"] == "张*" and order["review"] == "passed" and order["holds"] == []
    assert bootstrap.stock().balance("TEA-1").reserved == 2
    taken = signed(world["client"], world["key"], world["secret"], "POST", "/erp/v1/orders/take", {"limit": 10})
    assert [o["order_id"] for o in taken.json_body["items"]] == [order["order_id"]]
    shipped = admin(world, "POST", "/admin/shipments", {"order_id": order["order_id"], "carrier_code": "SF",
                                                        "tracking_no": "SF1234567890", "mark_shipped": True}, user="ops")
    assert shipped.status_code in (200, 201), shipped.body
    assert bootstrap.orders().get(order["order_id"]).status.value == "shipped"


def test_given_a_memo_rule_then_a_manual_order_with_a_memo_waits_in_the_exception_center(world: dict[str, Any]) -> None:
    assert admin(world, "PUT", "/admin/review/rules", {"version": 0, "rules": [MEMO_RULE]}).status_code == 200
    order = admin(world, "POST", "/admin/manual-orders", order_body(world, buyer_memo="送货前电话"), user="ops").json_body
    assert order["holds"] == ["buyer_message"] and order["review"] == "pending"


@pytest.mark.parametrize(("change", "field"), [
    ({"receiver": {**RECEIVER, "city": "苏州市"}}, "receiver.city"),
    ({"receiver": {**RECEIVER, "district": "不存在区"}}, "receiver.district"),
    ({"receiver": {**RECEIVER, "province": "火星省"}}, "receiver.province"),
    ({"lines": [{"sku_code": "NO-SUCH", "quantity": 1, "unit_price_fen": 1}]}, "lines[0].sku_code"),
    ({"discount_fen": 10**7}, "discount_fen"),
    ({"shop_id": "S-not-offline"}, "shop_id"),
])
def test_given_a_bad_manual_order_then_400_names_the_field_and_nothing_is_stored(
        world: dict[str, Any], change: dict[str, Any], field: str) -> None:
    answer = admin(world, "POST", "/admin/manual-orders", {**order_body(world), **change}, user="ops")
    assert answer.status_code == 400, answer.body
    assert answer.json_body["error"]["fields"][0]["field"] == field
    assert bootstrap.stock().balance("TEA-1").reserved == 0


def test_given_a_manual_order_when_its_receiver_is_edited_then_review_runs_again_and_a_stale_edit_is_409(
        world: dict[str, Any]) -> None:
    order = admin(world, "POST", "/admin/manual-orders", order_body(world), user="ops").json_body
    confirmed = admin(world, "POST", "/admin/review/confirm", {"order_ids": [order["order_id"]]}, user="ops")
    assert confirmed.json_body["results"][0]["order"]["review"] == "confirmed"
    revision = bootstrap.orders().get(order["order_id"]).revision
    moved = {**RECEIVER, "name": "王五", "city": "宁波市", "district": "鄞州区"}
    answer = admin(world, "POST", f"/admin/order-edits/{order['order_id']}/receiver",
                   {"revision": revision, "receiver": moved}, user="ops")
    assert answer.status_code == 200, answer.body
    assert answer.json_body["receiver"]["city"] == "宁波市" and answer.json_body["review"] == "passed"
    stale = admin(world, "POST", f"/admin/order-edits/{order['order_id']}/receiver",
                  {"revision": revision, "receiver": RECEIVER}, user="ops")
    assert stale.status_code == 409 and stale.json_body["error"]["reason"] == "review.changed"
    history = [c["summary"] for c in admin(world, "GET", f"/admin/orders/{order['order_id']}").json_body["history"]]
    assert history[-1] == "receiver edited"


def test_given_an_order_the_erp_took_when_edited_then_it_is_refused_as_an_interception(world: dict[str, Any]) -> None:
    order = admin(world, "POST", "/admin/manual-orders", order_body(world), user="ops").json_body
    signed(world["client"], world["key"], world["secret"], "POST", "/erp/v1/orders/take", {"limit": 10})
    revision = bootstrap.orders().get(order["order_id"]).revision
    answer = admin(world, "POST", f"/admin/order-edits/{order['order_id']}/line-sku",
                   {"revision": revision, "line_id": "1", "sku_code": "TEA-1"}, user="ops")
    assert answer.status_code == 409 and answer.json_body["error"]["reason"] == "edit.handed_over"


def test_GIVEN_an_open_order_WHEN_a_gift_line_is_added_and_removed_by_hand_THEN_stock_history_and_audit_follow(
        world: dict[str, Any]) -> None:
    order_id = admin(world, "POST", "/admin/manual-orders", order_body(world), user="ops").json_body["order_id"]
    added = admin(world, "POST", f"/admin/order-edits/{order_id}/gift-lines",
                  {"revision": bootstrap.orders().get(order_id).revision, "sku_code": "TEA-1", "quantity": 1}, user="ops")
    assert added.status_code == 200, added.body
    assert added.json_body["paid_fen"] == 2 * 12800 + 1000 - 800 and bootstrap.stock().balance("TEA-1").reserved == 3
    gift = [line for line in admin(world, "GET", f"/admin/orders/{order_id}").json_body["lines"] if line["gift"]]
    assert [(g["quantity"], g["paid_fen"]) for g in gift] == [(1, 0)]
    buyers = admin(world, "POST", f"/admin/order-edits/{order_id}/gift-lines/remove",
                   {"revision": bootstrap.orders().get(order_id).revision, "line_id": "1"}, user="ops")
    assert buyers.status_code == 400 and buyers.json_body["error"]["reason"] == "edit.not_gift"
    removed = admin(world, "POST", f"/admin/order-edits/{order_id}/gift-lines/remove",
                    {"revision": bootstrap.orders().get(order_id).revision, "line_id": gift[0]["line_id"]}, user="ops")
    assert removed.status_code == 200, removed.body
    assert bootstrap.stock().balance("TEA-1").reserved == 2
    history = [c["summary"] for c in admin(world, "GET", f"/admin/orders/{order_id}").json_body["history"]]
    assert history[-2:] == ["gift TEA-1 x1 added by hand", "gift TEA-1 x1 removed by hand"]
    audit = admin(world, "GET", "/admin/audit?action=POST%20/admin/order-edits/{order_id}/gift-lines").json_body
    assert [(a["action"].rsplit("/", 1)[-1], a["status"], a["actor"]) for a in audit["items"]] == [
        ("remove", 200, "ops"), ("remove", 400, "ops"), ("gift-lines", 200, "ops")]
    signed(world["client"], world["key"], world["secret"], "POST", "/erp/v1/orders/take", {"limit": 10})
    late = admin(world, "POST", f"/admin/order-edits/{order_id}/gift-lines",
                 {"revision": bootstrap.orders().get(order_id).revision, "sku_code": "TEA-1"}, user="ops")
    assert late.status_code == 409 and late.json_body["error"]["reason"] == "edit.handed_over"

def test_given_a_csv_of_manual_orders_then_the_good_ones_are_created_and_each_bad_one_named_by_row_and_field(
        world: dict[str, Any]) -> None:
    csv_text = ("ref,buyer,name,phone,province,city,district,address,sku_code,quantity,price,freight,discount,buyer_memo\n"
                "A1,老王,张三,13800001111,浙江省,杭州市,西湖区,文三路 1 号,TEA-1,1,128.00,10,0,\n"
                "A1,老王,张三,13800001111,浙江省,杭州市,西湖区,文三路 1 号,TEA-1,2,120.00,10,0,\n"
                "B2,小李,李四,13900002222,浙江省,苏州市,姑苏区,平江路 2 号,TEA-1,1,128.00,0,0,\n"
                "C3,小赵,赵五,13700003333,江苏省,苏州市,姑苏区,平江路 3 号,TEA-1,two,128.00,0,0,\n")
    answer = world["client"].http.post(f"/admin/manual-orders/import?shop_id={world['shop_id']}",
                                       headers={**bearer("ops"), "Content-Type": "text/csv"}, body=csv_text.encode())
    assert answer.status_code == 200, answer.body
    report = answer.json_body
    assert [c["ref"] for c in report["created"]] == ["A1"]
    assert [(e["row"], e["ref"], e["field"]) for e in report["errors"]] == [(4, "B2", "receiver.city"),
                                                                             (5, "C3", "quantity")]
    order = bootstrap.orders().get(report["created"][0]["order_id"])
    assert len(order.lines) == 2 and order.paid_fen == 12800 + 2 * 12000 + 1000


def test_GIVEN_the_xlsx_template_filled_in_WHEN_imported_THEN_orders_are_created_and_bad_rows_named(
        world: dict[str, Any]) -> None:
    import base64
    import io

    from openpyxl import load_workbook
    client = world["client"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    template = client.http.get("/admin/manual-orders/template.xlsx", headers={**bearer("ops"), "Accept": xlsx})
    assert template.status_code == 200, template.body
    book = load_workbook(io.BytesIO(template.body))
    sheet = book.active
    sheet.delete_rows(3)                                    # the example row
    sheet.append(["X1", "老王", "张三", 13800001111, "浙江省", "杭州市", "西湖区", "文三路 1 号", "TEA-1", 2, 128, 10, 0, None])
    sheet.append(["X2", "小赵", "赵五", 13700003333, "江苏省", "苏州市", "姑苏区", "平江路 3 号", "TEA-1", "two", 128, 0, 0, None])
    out = io.BytesIO()
    book.save(out)
    answer = client.http.post(f"/admin/manual-orders/import.xlsx?shop_id={world['shop_id']}",
                              headers={**bearer("ops"), "Content-Type": "application/json"},
                              body=json.dumps({"file_base64": base64.b64encode(out.getvalue()).decode()}))
    assert answer.status_code == 200, answer.body
    report = answer.json_body
    assert [c["ref"] for c in report["created"]] == ["X1"]
    assert [(e["row"], e["ref"], e["field"]) for e in report["errors"]] == [(4, "X2", "quantity")]
    order = bootstrap.orders().get(report["created"][0]["order_id"])
    assert order.paid_fen == 2 * 12800 + 1000 and order.receiver.phone_masked.endswith("1111")


def test_GIVEN_a_file_that_is_not_a_workbook_WHEN_imported_as_xlsx_THEN_400_names_the_file(
        world: dict[str, Any]) -> None:
    import base64
    answer = world["client"].http.post(f"/admin/manual-orders/import.xlsx?shop_id={world['shop_id']}",
                                       headers={**bearer("ops"), "Content-Type": "application/json"},
                                       body=json.dumps({"file_base64": base64.b64encode(b"ref,name\n").decode()}))
    assert answer.status_code == 400
    assert answer.json_body["error"]["fields"][0]["field"] == "file"


def test_given_a_manual_order_when_a_taobao_shops_account_prints_it_then_its_receiver_goes_in_plaintext(
        world: dict[str, Any]) -> None:
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from tests.waybill_fakes import FakeWaybillClient
    bootstrap.shops().add(Shop("TB1", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    platform = FakeWaybillClient()
    with bootstrap.override(clients=lambda _shop: platform):
        order_id = admin(world, "POST", "/admin/manual-orders", order_body(world), user="ops").json_body["order_id"]
        assert admin(world, "POST", "/admin/shops/TB1/waybill-accounts/pull", {}, user="ops").status_code == 200
        assert admin(world, "PUT", "/admin/shops/TB1/default-waybill-account", {"account_id": "ZTO-310000"},
                     user="ops").status_code == 200
        unnamed = admin(world, "POST", "/admin/waybills", {"order_ids": [order_id]}, user="ops").json_body
        assert unnamed["results"][0]["error"]["reason"] == "waybill.manual_needs_account"
        done = admin(world, "POST", "/admin/waybills", {"order_ids": [order_id], "account_shop_id": "TB1"},
                     user="ops").json_body["results"][0]
    assert done["ok"] and done["waybill"]["shop_id"] == "TB1", done
    request = platform.requests[-1]
    assert request.channel == "OTHERS"
    assert dict(request.plaintext) == {"name": "张三", "phone": "13800001111", "address": "文三路 100 号"}
    assert bootstrap.orders().get(order_id).waybill.waybill_no == done["waybill"]["waybill_no"]
