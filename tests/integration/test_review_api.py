"""The order processing center through the app on moto: rules refused naming the field, the consumer's
gate, the ERP never handed an order that has not passed review, confirmation racing, the exception center."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.status import HoldReason, ReviewState
from tests.erp_kit import bearer, moto_world, new_client, signed
from tests.factories import canonical_order
from tests.report_kit import fold_reports_queue
from tests.review_kit import MEMO_RULE


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(app, stage_name="test") as client:
        from chalicelib.domain.catalog import ErpSku, ShopSku
        from chalicelib.domain.orders import SkuLink
        from chalicelib.domain.platform import Platform
        from chalicelib.domain.shops import Shop
        bootstrap.shops().add(Shop("S1", "demo", Platform.TAOBAO, "seller-1"))
        bootstrap.shop_skus().add(ShopSku("S1", Platform.TAOBAO, "sku-1", "prod-1", "MC-1", "T恤",
                                          links=(SkuLink("ERP-MC-1"),)))
        bootstrap.erp_skus().add(ErpSku("ERP-MC-1", "T恤", price_fen=1990))
        key_id, secret = new_client(("orders", "shipments", "after_sales", "webhooks", "stock"))
        stocked = signed(client, key_id, secret, "PUT", "/erp/v1/stock/ERP-MC-1",
                         {"quantity": 1000, "idempotency_key": "count-1"})
        assert stocked.status_code == 200, stocked.body
        yield {**w, "client": client, "key": key_id, "secret": secret}


def admin(w: dict[str, Any], method: str, path: str, body: Any = None, user: str = "root") -> Any:
    headers = {**bearer(user), "Content-Type": "application/json"}
    call = getattr(w["client"].http, method.lower())
    return call(path, headers=headers, body=json.dumps(body)) if body is not None else call(path, headers=headers)


def arrive(**kw: Any) -> str:
    """An order through the orders consumer's own path (the gate over the cached rules)."""
    from chalicelib.services.order_ingest import ingest_order
    from chalicelib.workers.batch_reads import BatchReads
    bootstrap.review_cache().refresh(bootstrap.review_store())
    order = canonical_order(**kw)
    ingest_order(bootstrap.ingest_deps(BatchReads(), noting=True), "S1", order.order_no, order)
    return f"S1-{order.order_no}"


def erp_taken(w: dict[str, Any]) -> set[str]:
    """The orders every ERP list route hands out: each route of the app under /erp/v1 without a path
    parameter is called, and every order-shaped item of its answer collected."""
    found: set[str] = set()
    listing = []
    for path, methods in sorted(app.routes.items()):
        if not path.startswith("/erp/v1/") or "{" in path or path.endswith(".json"):
            continue
        for method in methods:
            answer = signed(w["client"], w["key"], w["secret"], method, path,
                            {"limit": 100} if method == "POST" else None)
            items = (answer.json_body or {}).get("items", []) if answer.status_code == 200 else []
            orders = [i for i in items if isinstance(i, dict) and "lines" in i and "order_no" in i and "case_id"
                      not in i]
            listing += [path] if answer.status_code == 200 and "items" in (answer.json_body or {}) else []
            found |= {o["order_id"] for o in orders}
    assert "/erp/v1/orders/take" in listing
    return found


@pytest.mark.parametrize(("rules", "field"), [
    ([{**MEMO_RULE, "when": 1}], "rules[0].when"),
    ([{**MEMO_RULE, "conditions": [{"field": "buyer_memo", "op": "regex", "value": "(a+)+$"}]}],
     "rules[0].conditions[0].op"),
    ([{**MEMO_RULE, "conditions": [{"field": "sku", "op": "any_in", "value": ["NO-SUCH-SKU"]}]}],
     "rules[0].conditions[0].value"),
    ([{**MEMO_RULE, "shops": ["NOSHOP"]}], "rules[0].shops"),
])
def test_given_a_broken_rule_when_put_then_400_names_the_field_and_nothing_is_stored(
        world: dict[str, Any], rules: list[Any], field: str) -> None:
    answer = admin(world, "PUT", "/admin/review/rules", {"version": 0, "rules": rules})
    assert answer.status_code == 400, answer.body
    assert answer.json_body["error"]["fields"][0]["field"] == field
    assert admin(world, "GET", "/admin/review/config").json_body["version"] == 0


def test_given_a_memo_rule_then_the_erp_never_takes_an_order_before_it_passed_review(world: dict[str, Any]) -> None:
    answer = admin(world, "PUT", "/admin/review/rules", {"version": 0, "rules": [MEMO_RULE]})
    assert answer.status_code == 200 and answer.json_body["version"] == 1 and answer.json_body["job_id"]
    held, plain = arrive(buyer_memo="请发顺丰"), arrive()
    assert admin(world, "PUT", "/admin/review/shops/S1/auto", {"version": 1, "on": False}).status_code == 200
    waiting = arrive()
    assert bootstrap.orders().get(held).holds == {HoldReason.BUYER_MESSAGE}
    assert bootstrap.orders().get(waiting).review is ReviewState.PENDING
    assert erp_taken(world) == {plain}
    confirmed = admin(world, "POST", "/admin/review/confirm", {"order_ids": [held, waiting]}, user="ops")
    assert [r["outcome"] for r in confirmed.json_body["results"]] == ["confirmed", "confirmed"]
    assert erp_taken(world) == {held, waiting}


def test_given_an_order_shown_when_it_changed_before_the_confirmation_then_409(world: dict[str, Any]) -> None:
    admin(world, "PUT", "/admin/review/rules", {"version": 0, "rules": [MEMO_RULE]})
    order_id = arrive(buyer_memo="留言")
    shown = bootstrap.orders().get(order_id).revision
    answer = admin(world, "POST", "/admin/review/confirm", {"order_ids": [order_id],
                                                            "revisions": {order_id: shown - 1}}, user="ops")
    assert answer.status_code == 409 and answer.json_body["error"]["reason"] == "review.changed"
    ok = admin(world, "POST", "/admin/review/confirm", {"order_ids": [order_id], "revisions": {order_id: shown}},
               user="ops")
    assert ok.status_code == 200 and ok.json_body["results"][0]["order"]["review"] == "confirmed"


def test_given_held_orders_then_the_exception_center_counts_and_releases_them_in_a_batch(
        world: dict[str, Any]) -> None:
    admin(world, "PUT", "/admin/review/rules", {"version": 0, "rules": [MEMO_RULE]})
    ids = [arrive(buyer_memo=f"留言{n}") for n in range(3)]
    fold_reports_queue()                                         # the counters are the reports consumer's
    counts = admin(world, "GET", "/admin/exceptions/counts").json_body
    assert counts["by_reason"] == [{"reason": "buyer_message", "count": 3}]
    assert counts["by_shop"] == [{"shop_id": "S1", "count": 3}]
    listed = admin(world, "GET", "/admin/exceptions?hold=buyer_message").json_body["items"]
    assert {o["order_id"] for o in listed} == set(ids) and listed[0]["hold_notes"] == {"buyer_message": "buyer message"}
    released = admin(world, "POST", "/admin/exceptions/release", {"order_ids": ids}, user="ops").json_body
    assert [r["outcome"] for r in released["results"]] == ["released"] * 3
    assert erp_taken(world) == set(ids)
    fold_reports_queue()
    assert admin(world, "GET", "/admin/exceptions/counts").json_body["by_reason"] == []


def test_given_a_blacklisted_receiver_then_the_next_order_of_that_receiver_is_held(world: dict[str, Any]) -> None:
    first = arrive()
    answer = admin(world, "POST", "/admin/review/blacklist", {"version": 0, "kind": "order", "order_id": first,
                                                               "reason": "恶意差评"}, user="ops")
    assert answer.status_code == 200 and answer.json_body["blacklist"][0]["reason"] == "恶意差评"
    assert HoldReason.BLACKLISTED in bootstrap.orders().get(arrive()).holds
