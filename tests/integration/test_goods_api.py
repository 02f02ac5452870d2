"""The goods library admin API through the chalice test client, DynamoDB on moto: categories, brands,
suppliers, goods with a 3x4 matrix, search, refusals with their reason, the audit log."""
from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.users import Role, User
from tests import fakes
from tests.aws import aws


@pytest.fixture
def api() -> Iterator[Client]:
    from app import app
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    users = fakes.InMemoryUserRepository()
    for name, role in (("root", Role.ADMIN), ("ops", Role.OPERATOR), ("eye", Role.VIEWER)):
        users.add(User(name, "x", role))
    with aws(("shops", "shop_skus", "erp_skus", "stock", "orders", "goods", "audit", "sync")):
        bootstrap.reset()
        with bootstrap.override(users=users, shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                publisher=fakes.RecordingPublisher()), Client(app, stage_name="test") as client:
            yield client
        bootstrap.reset()


def send(api: Client, method: str, path: str, body: object = None, user: str = "ops") -> Any:
    from chalicelib.api import tokens
    token, _ = tokens.issue(bootstrap.users().get(user), datetime.now(UTC))
    return getattr(api.http, method)(path, headers={"Authorization": f"Bearer {token}",
                                                    "Content-Type": "application/json"},
                                     body=json.dumps(body if body is not None else {}))


def goods_body(colours: list[str], sizes: list[str], code: str = "TS", **extra: Any) -> dict[str, Any]:
    skus = [{"spec_values": [c, s], "sku_code": f"{code}-{c}-{s}", "barcode": f"69{code}{i:03d}",
             "price_fen": 5900, "cost_fen": 2000, "weight_g": 250}
            for i, (c, s) in enumerate(itertools.product(colours, sizes))]
    return {"code": code, "name": "纯棉T恤", "specs": [{"name": "颜色", "values": colours},
                                                       {"name": "尺码", "values": sizes}], "skus": skus, **extra}


def test_given_a_category_brand_and_supplier_when_goods_with_a_3x4_matrix_are_created_then_found_by_barcode(
        api) -> None:
    category = send(api, "post", "/admin/categories", {"name": "上衣", "specs": [
        {"name": "颜色", "values": ["红", "蓝", "黑"]}, {"name": "尺码", "values": ["S", "M", "L", "XL"]}]}).json_body
    brand = send(api, "post", "/admin/brands", {"name": "优衣库"}).json_body
    supplier = send(api, "post", "/admin/suppliers", {"name": "广州档口", "contact": "王姐",
                                                      "settlement": "monthly"}).json_body
    answer = send(api, "post", "/admin/goods", goods_body(["红", "蓝", "黑"], ["S", "M", "L", "XL"],
                  category_id=category["category_id"], brand_id=brand["brand_id"],
                  supplier_ids=[supplier["supplier_id"]]))
    assert answer.status_code == 200, answer.body
    goods = answer.json_body
    assert goods["sku_count"] == 12 and len(goods["skus"]) == 12 and goods["supplier_ids"] == [supplier["supplier_id"]]
    found = send(api, "get", "/admin/goods?q=69TS005", user="eye").json_body["items"]
    assert [g["goods_id"] for g in found] == [goods["goods_id"]]
    for spec in ("颜色=黑", "黑", "尺码:XL"):
        by_spec = send(api, "get", f"/admin/goods?q={spec}", user="eye").json_body["items"]
        assert [g["goods_id"] for g in by_spec] == [goods["goods_id"]], spec
    detail = send(api, "get", f"/admin/goods/{goods['goods_id']}", user="eye").json_body
    assert {s["sku_code"] for s in detail["skus"]} >= {"TS-红-S", "TS-黑-XL"}
    listed = send(api, "get", "/admin/erp-skus?prefix=TS-", user="eye").json_body["items"]
    assert len(listed) == 12 and listed[0]["goods_id"] == goods["goods_id"]     # one SKU identity
    assert send(api, "get", "/admin/goods", user="eye").json_body["items"][0]["name"] == "纯棉T恤"
    audit = send(api, "get", "/admin/audit", user="root").json_body["items"]
    assert any(e["action"] == "POST /admin/goods" for e in audit)


@pytest.mark.parametrize(("body", "reason"), [
    (goods_body([f"c{i}" for i in range(25)], [f"s{i}" for i in range(25)]), "goods.matrix_too_large"),
    ({**goods_body(["红"], ["S", "M"]), "skus": [goods_body(["红"], ["S"])["skus"][0],
                                               {**goods_body(["红"], ["M"])["skus"][0], "sku_code": "TS-红-S"}]},
     "goods.duplicate_code"),
])
def test_given_bad_goods_then_400_with_its_reason_and_nothing_stored(api, body, reason) -> None:
    answer = send(api, "post", "/admin/goods", body)
    assert answer.status_code == 400 and answer.json_body["error"]["reason"] == reason, answer.body
    assert send(api, "get", "/admin/goods").json_body["items"] == []
    assert send(api, "get", "/admin/erp-skus").json_body["items"] == []


def test_given_a_sku_code_or_barcode_in_use_then_409_naming_it(api) -> None:
    send(api, "post", "/admin/erp-skus", {"sku_code": "TS-红-M", "name": "旧"})
    answer = send(api, "post", "/admin/goods", goods_body(["红"], ["S", "M"]))
    assert answer.status_code == 409 and answer.json_body["error"]["reason"] == "goods.code_taken"
    assert "TS-红-M" in answer.json_body["error"]["message"]


def test_given_a_sku_with_stock_when_deleted_then_409_and_a_free_one_is_deleted(api) -> None:
    goods = send(api, "post", "/admin/goods", goods_body(["红"], ["S", "M"])).json_body
    adjust = send(api, "post", "/admin/stock/TS-红-S/adjust", {"delta": 5, "reason": "入库",
                                                              "idempotency_key": "adjust-0001"})
    assert adjust.status_code == 200, adjust.body
    refused = send(api, "delete", "/admin/library-skus/TS-红-S")
    assert refused.status_code == 409 and refused.json_body["error"]["reason"] == "goods.sku_has_stock"
    assert send(api, "delete", "/admin/library-skus/TS-红-M").status_code == 200
    detail = send(api, "get", f"/admin/goods/{goods['goods_id']}").json_body
    assert [s["sku_code"] for s in detail["skus"]] == ["TS-红-S"] and detail["sku_count"] == 1


def test_given_a_category_moved_under_its_child_then_400_category_cycle(api) -> None:
    root = send(api, "post", "/admin/categories", {"name": "服装"}).json_body
    child = send(api, "post", "/admin/categories", {"name": "上衣", "parent_id": root["category_id"]}).json_body
    answer = send(api, "patch", f"/admin/categories/{root['category_id']}",
                  {"revision": 1, "parent_id": child["category_id"]})
    assert answer.status_code == 400 and answer.json_body["error"]["reason"] == "category.cycle"


def test_given_a_sku_edit_then_the_new_price_and_barcode_and_a_viewer_may_not(api) -> None:
    send(api, "post", "/admin/goods", goods_body(["红"], ["S"]))
    assert send(api, "patch", "/admin/library-skus/TS-红-S", {"revision": 1, "price_fen": 1}, user="eye"
                ).status_code == 403
    edited = send(api, "patch", "/admin/library-skus/TS-红-S", {"revision": 1, "price_fen": 6900, "barcode": "X1"})
    assert edited.status_code == 200 and edited.json_body["price_fen"] == 6900, edited.body
    assert [g["code"] for g in send(api, "get", "/admin/goods?q=X1").json_body["items"]] == ["TS"]


def test_given_a_shop_product_when_pushed_then_library_goods_and_its_shop_skus_linked_and_seen_from_the_sku(
        api) -> None:
    from chalicelib.domain.catalog import ShopSku
    from chalicelib.domain.platform import Platform
    shop = send(api, "post", "/admin/shops", {"name": "淘宝店", "platform": "taobao", "app_key": "k",
                                              "app_secret": "test-secret-not-real", "seller_id": "seller-1",
                                              "access_token": "at", "refresh_token": "rt"}, user="root").json_body
    shop_id = shop["shop_id"]
    catalog = bootstrap.shop_skus()
    for n, name in enumerate(["白色 M", "白色 L", "黑色 XL"]):
        catalog.add(ShopSku(shop_id, Platform.TAOBAO, f"sku-{n}", "P1", f"SKU-001-{n}", "卫衣", name, 9900))
    body = {"products": [{"platform_product_id": "P1", "platform_sku_ids": ["sku-0", "sku-1", "sku-2"]}]}
    preview = send(api, "post", f"/admin/shops/{shop_id}/goods-push/preview", body).json_body
    assert preview["items"] == [{"platform_product_id": "P1", "existing": {}, "skus": 3}]
    pushed = send(api, "post", f"/admin/shops/{shop_id}/goods-push", body)
    assert pushed.status_code == 200 and pushed.json_body["failed"] == 0, pushed.body
    linked = send(api, "get", f"/admin/shops/{shop_id}/skus", user="eye").json_body["items"]
    assert all(s["linked"] for s in linked)
    reverse = send(api, "get", "/admin/library-skus/SKU-001-2/shop-skus", user="eye").json_body["items"]
    assert [(s["shop_id"], s["platform_sku_id"]) for s in reverse] == [(shop_id, "sku-2")]
    again = send(api, "post", f"/admin/shops/{shop_id}/goods-push/preview", body).json_body["items"][0]
    assert again["existing"] == {"sku-0": "SKU-001-0", "sku-1": "SKU-001-1", "sku-2": "SKU-001-2"}


def test_given_many_shop_products_when_pushed_as_a_job_then_the_worker_pushes_them_and_the_job_shows_it(
        api) -> None:
    from chalicelib import bootstrap
    from chalicelib.domain.catalog import ShopSku
    from chalicelib.domain.platform import Platform
    from chalicelib.services.goods_push_jobs import is_push_step, run_push_step
    from chalicelib.services.link_jobs import Step, run_step
    shop_id = send(api, "post", "/admin/shops", {"name": "淘宝店", "platform": "taobao", "app_key": "k",
                                                 "app_secret": "test-secret-not-real", "seller_id": "seller-1",
                                                 "access_token": "at", "refresh_token": "rt"},
                   user="root").json_body["shop_id"]
    for n in range(7):
        bootstrap.shop_skus().add(ShopSku(shop_id, Platform.TAOBAO, f"sku-{n}", f"P{n}", f"J-{n}", f"卫衣{n}", "白色",
                                          9900))
    body = {"products": [{"platform_product_id": f"P{n}", "platform_sku_ids": [f"sku-{n}"]} for n in range(7)]}
    assert send(api, "post", "/admin/shops/nope/goods-push/jobs", body).status_code == 404
    assert send(api, "post", f"/admin/shops/{shop_id}/goods-push/jobs", body, user="eye").status_code == 403
    started = send(api, "post", f"/admin/shops/{shop_id}/goods-push/jobs", body)
    assert started.status_code == 200 and started.json_body["products"] == 7, started.body
    job_id = started.json_body["job_id"]
    deps, ran = bootstrap.push_job_deps(), 0
    while ran < len(bodies := [b for q, b, _, _ in bootstrap.publisher().sent if q == "link_jobs"]):
        step = Step.parse(bodies[ran])
        run_push_step(deps, step) if is_push_step(step) else run_step(deps.jobs, step)
        ran += 1
    job = send(api, "get", f"/admin/jobs/{job_id}", user="eye").json_body
    assert (job["status"], job["pushed"], job["failed"], job["linked"]) == ("done", 7, 0, 7), job
    assert bootstrap.shop_skus().get(shop_id, "sku-6").links[0].sku_code == "J-6"


def test_given_goods_when_exported_edited_and_imported_through_the_api_then_updated(api) -> None:
    import base64
    import io

    from openpyxl import load_workbook

    from chalicelib.api import tokens
    send(api, "post", "/admin/goods", goods_body(["红"], ["S", "M"]))
    token, _ = tokens.issue(bootstrap.users().get("eye"), datetime.now(UTC))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    exported = api.http.get("/admin/goods/export.xlsx", headers={"Authorization": f"Bearer {token}", "Accept": xlsx})
    assert exported.status_code == 200 and exported.headers["Content-Type"] == xlsx
    book = load_workbook(io.BytesIO(exported.body))
    sheet = book.active
    keys = [c.value for c in sheet[2]]
    sheet.cell(row=3, column=keys.index("price") + 1, value="99.50")
    out = io.BytesIO()
    book.save(out)
    report = send(api, "post", "/admin/goods/import", {"file_base64": base64.b64encode(out.getvalue()).decode()},
                  user="root")
    assert report.status_code == 200 and report.json_body["skus_updated"] == 1, report.body
    prices = {s["sku_code"]: s["price_fen"] for s in send(api, "get", "/admin/erp-skus?prefix=TS-").json_body["items"]}
    assert prices == {"TS-红-M": 9950, "TS-红-S": 5900}      # row 3: the first SKU in code order
    template = api.http.get("/admin/goods/template.xlsx", headers={"Authorization": f"Bearer {token}", "Accept": xlsx})
    assert template.status_code == 200 and template.body[:2] == b"PK"
