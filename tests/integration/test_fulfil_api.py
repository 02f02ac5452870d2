"""Fulfilment strategies through the app on moto: rules refused naming the field; through the orders
consumer's own path a gift added by amount (and skipped when out of stock), a region routed to its carrier
with the fallback used when the account has no waybill balance, an override, and the plan with its reasons."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from tests.erp_kit import bearer, moto_world, new_client, signed
from tests.factories import canonical_order
from tests.fulfil_kit import carrier_rule, gift_rule
from tests.waybill_fakes import FakeWaybillClient

ZHEJIANG = carrier_rule(regions=["浙江省"], account_id="ZTO-310000", fallback_account_id="SF-0")


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    waybill_client = FakeWaybillClient()
    with moto_world() as base, bootstrap.override(clients=lambda shop: waybill_client), \
            Client(app, stage_name="test") as client:
        from chalicelib.domain.catalog import ErpSku, ShopSku
        from chalicelib.domain.orders import SkuLink
        from chalicelib.domain.platform import Platform
        from chalicelib.domain.shops import Shop
        bootstrap.shops().add(Shop("S1", "demo", Platform.TAOBAO, "seller-1", app_key="k"))
        bootstrap.shop_skus().add(ShopSku("S1", Platform.TAOBAO, "sku-1", "prod-1", "MC-1", "T恤",
                                          links=(SkuLink("ERP-MC-1"),)))
        for code in ("ERP-MC-1", "SOCKS", "CAP"):
            bootstrap.erp_skus().add(ErpSku(code, code, price_fen=1990))
        key_id, secret = new_client(("orders", "shipments", "after_sales", "webhooks", "stock"))
        w = {**base, "client": client, "key": key_id, "secret": secret, "waybill_client": waybill_client}
        stock(w, "ERP-MC-1", 1000)
        yield w


def stock(w: dict[str, Any], code: str, quantity: int) -> None:
    answer = signed(w["client"], w["key"], w["secret"], "PUT", f"/erp/v1/stock/{code}",
                    {"quantity": quantity, "idempotency_key": f"count-{code}-{quantity}"})
    assert answer.status_code == 200, answer.body


def admin(w: dict[str, Any], method: str, path: str, body: Any = None, user: str = "root") -> Any:
    call = getattr(w["client"].http, method.lower())
    return call(path, headers=bearer(user), body=json.dumps(body)) if body is not None else \
        call(path, headers=bearer(user))


def put_rules(w: dict[str, Any], kind: str, rules: list[Any]) -> Any:
    version = admin(w, "GET", "/admin/fulfilment/rules").json_body["version"]
    return admin(w, "PUT", "/admin/fulfilment/rules", {"kind": kind, "version": version, "rules": rules})


def arrive(**kw: Any) -> str:
    """An order through the orders consumer's own path: the caches refreshed as once per batch, then ingest."""
    from chalicelib.services.order_ingest import ingest_order
    from chalicelib.workers.batch_reads import BatchReads
    bootstrap.review_cache().refresh(bootstrap.review_store())
    bootstrap.fulfil_cache().refresh(bootstrap.fulfil_store(), bootstrap.warehouses())
    order = canonical_order(**kw)
    ingest_order(bootstrap.ingest_deps(BatchReads(), noting=True), "S1", order.order_no, order)
    return f"S1-{order.order_no}"


@pytest.mark.parametrize(("kind", "rules", "field"), [
    ("gift", [gift_rule(gift_skus=["NO-SUCH-SKU"])], "rules[0].gift_skus[0]"),
    ("gift", [gift_rule(buy_goods=["NO-SUCH-GOODS"])], "rules[0].buy_goods[0]"),
    ("gift", [gift_rule(), gift_rule(rule_id="g2")], "rules[1].priority"),
    ("carrier", [carrier_rule(max_weight_g=0)], "rules[0].max_weight_g"),
    ("carrier", [carrier_rule(shops=["S1"])], "rules[0].account_id"),
    ("warehouse", [{"name": "x", "warehouses": ["NOWHERE"]}], "rules[0].warehouses[0]"),
])
def test_GIVEN_bad_rules_WHEN_saved_THEN_400_names_the_field_and_nothing_is_stored(world, kind, rules, field) -> None:
    answer = put_rules(world, kind, rules)
    assert answer.status_code == 400, answer.body
    error = answer.json_body["error"]
    assert error["fields"][0]["field"] == field and error["reason"].startswith("fulfil.")
    assert admin(world, "GET", "/admin/fulfilment/rules").json_body["version"] == 0


def test_GIVEN_an_amount_gift_THEN_it_is_added_when_in_stock_and_skipped_when_out(world) -> None:
    assert put_rules(world, "gift", [gift_rule(min_paid_fen=3000)]).status_code == 200
    skipped = arrive()                                     # SOCKS: no stock
    plan = admin(world, "GET", f"/admin/fulfilment/orders/{skipped}/plan").json_body
    assert plan["gift_lines"] == [] and plan["plan"]["skipped_gifts"] == ["gift-g1-SOCKS"]
    assert any("skipped: out of stock" in h["summary"] for h in plan["history"])
    assert "out_of_stock" not in bootstrap.orders().get(skipped).holds
    stock(world, "SOCKS", 5)
    given = arrive()
    plan = admin(world, "GET", f"/admin/fulfilment/orders/{given}/plan").json_body
    assert plan["gift_lines"] == [{"line_id": "gift-g1-SOCKS", "sku_code": "SOCKS", "quantity": 1}]
    assert bootstrap.stock().balance("SOCKS", "default").reserved == 1
    erp = signed(world["client"], world["key"], world["secret"], "GET", f"/erp/v1/orders/{given}").json_body
    assert [line["gift"] for line in erp["lines"]] == [False, True]


def test_GIVEN_a_region_rule_THEN_the_waybill_takes_its_account_and_its_fallback_without_balance(world) -> None:
    admin(world, "POST", "/admin/shops/S1/waybill-accounts/pull", {}, user="ops")
    assert put_rules(world, "carrier", [ZHEJIANG]).status_code == 200
    routed = arrive()
    plan = admin(world, "GET", f"/admin/fulfilment/orders/{routed}/plan").json_body["plan"]
    assert (plan["account_id"], plan["carrier_code"], plan["fallback_account_id"]) == ("ZTO-310000", "ZTO", "SF-0")
    assert any("rule c1" in reason for reason in plan["reasons"])
    [result] = admin(world, "POST", "/admin/waybills", {"order_ids": [routed]}, user="ops").json_body["results"]
    assert result["waybill"]["account_id"] == "ZTO-310000"

    client = world["waybill_client"]
    client.accounts[0] = replace(client.accounts[0], remaining=0)      # the ZTO branch ran out of numbers
    admin(world, "POST", "/admin/shops/S1/waybill-accounts/pull", {}, user="ops")
    empty = arrive()
    [result] = admin(world, "POST", "/admin/waybills", {"order_ids": [empty]}, user="ops").json_body["results"]
    assert result["waybill"]["account_id"] == "SF-0"
    assert "no waybill balance" in result["waybill"]["account_reason"]


def test_GIVEN_an_override_THEN_it_is_kept_until_the_waybill_is_taken(world) -> None:
    admin(world, "POST", "/admin/shops/S1/waybill-accounts/pull", {}, user="ops")
    put_rules(world, "carrier", [ZHEJIANG])
    order_id = arrive()
    answer = admin(world, "PUT", f"/admin/fulfilment/orders/{order_id}/account", {"account_id": "SF-0"}, user="ops")
    assert answer.status_code == 200 and answer.json_body["plan"]["account_id"] == "SF-0"
    [result] = admin(world, "POST", "/admin/waybills", {"order_ids": [order_id]}, user="ops").json_body["results"]
    assert result["waybill"]["account_id"] == "SF-0"
    late = admin(world, "PUT", f"/admin/fulfilment/orders/{order_id}/account", {"account_id": ""}, user="ops")
    assert late.status_code == 409 and late.json_body["error"]["reason"] == "fulfil.too_late"


def test_GIVEN_rules_changed_WHEN_the_orders_queue_delivers_THEN_the_consumer_plans_with_the_new_version(
        world) -> None:
    from chalicelib import names
    from chalicelib.codec import to_doc
    from chalicelib.services.queue_messages import OrderMessage
    from tests.events import sqs_event

    def deliver() -> str:
        snapshot = canonical_order()
        body = OrderMessage(shop_id="S1", order_no=snapshot.order_no, version=snapshot.version,
                            snapshot=to_doc(snapshot)).model_dump_json()
        event = sqs_event([body], names.queue_name("orders"))
        assert world["client"].lambda_.invoke("on_order_message", event).payload == {"batchItemFailures": []}
        return f"S1-{snapshot.order_no}"

    stock(world, "SOCKS", 5)
    before = bootstrap.orders().get(deliver())
    assert before.plan is not None and not any(line.gift for line in before.lines)
    assert put_rules(world, "gift", [gift_rule(min_paid_fen=3000)]).status_code == 200
    after = bootstrap.orders().get(deliver())
    assert [line.merchant_code for line in after.lines if line.gift] == ["SOCKS"]
    assert after.plan.version == 1 and bootstrap.stock().balance("SOCKS", "default").reserved == 1
