"""Warehouses, locations and stock documents through the admin API on moto: a stock-in moves nothing until
audited, auditing twice is a 409, a transfer is out of the source and in transit until received, a count
posts the difference; bad input is a 4xx with a reason and changes nothing; every change is audited."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from tests.warehouse_kit import admin_api, balance, document, erp_sku, new_shop, send


@pytest.fixture
def api() -> Iterator[Client]:
    with admin_api() as client:
        erp_sku(client, "CUP-500")
        erp_sku(client, "SOCK-5")
        yield client


def new_warehouse(api: Client, warehouse_id: str, **extra: object) -> dict:
    body = {"warehouse_id": warehouse_id, "name": f"仓 {warehouse_id}",
            "locations": [{"code": "A-01", "name": "A区1架"}, {"code": "A-02"}], **extra}
    answer = send(api, "post", "/admin/warehouses", body)
    assert answer.status_code == 201, answer.body
    return dict(answer.json_body)


def test_given_no_warehouse_saved_then_the_default_is_listed_and_serves_every_shop(api) -> None:
    listed = send(api, "get", "/admin/warehouses", user="eye").json_body["items"]
    assert [w["warehouse_id"] for w in listed] == ["default"]
    shop_id = new_shop(api)
    new_warehouse(api, "SH-1", shop_ids=[shop_id])
    assert bootstrap.route(shop_id).warehouses == ("SH-1",) and bootstrap.route("S2").warehouses == ("default",)
    unknown = send(api, "post", "/admin/warehouses", {"warehouse_id": "BJ-1", "name": "北京仓", "shop_ids": ["S404"]})
    assert unknown.status_code == 400 and unknown.json_body["error"]["reason"] == "warehouse.unknown_shop"


def test_given_a_stock_in_when_audited_then_stock_moves_once_and_a_second_audit_is_409(api) -> None:
    new_warehouse(api, "SH-1")
    created = document(api, "in-2026-0001", "stock_in", "purchase", "SH-1", [("CUP-500", 10), ("SOCK-5", 3)])
    assert created.status_code == 201 and created.json_body["status"] == "draft"
    assert document(api, "in-2026-0001", "stock_in", "purchase", "SH-1", [("CUP-500", 10), ("SOCK-5", 3)]
                    ).status_code == 200                                      # the same document again
    assert balance("CUP-500", "SH-1") == (0, 0, 0), "a draft moved stock"
    audited = send(api, "post", "/admin/stock-documents/in-2026-0001/audit", user="ops")
    assert audited.status_code == 200 and audited.json_body["audited_by"] == "user:ops"
    again = send(api, "post", "/admin/stock-documents/in-2026-0001/audit", user="ops")
    assert again.status_code == 409 and again.json_body["error"]["reason"] == "stock_doc.not_draft"
    assert balance("CUP-500", "SH-1") == (10, 0, 0) and balance("SOCK-5", "SH-1") == (3, 0, 0)
    stock = send(api, "get", "/admin/warehouses/SH-1/stock", user="eye").json_body["items"]
    assert [(s["sku_code"], s["on_hand"]) for s in stock] == [("CUP-500", 10), ("SOCK-5", 3)]
    actions = [e["action"] for e in send(api, "get", "/admin/audit").json_body["items"]]
    assert any("stock-documents" in a for a in actions)


def test_given_stock_when_transferred_then_in_transit_until_received_and_a_count_posts_the_difference(api) -> None:
    new_warehouse(api, "SH-1")
    new_warehouse(api, "BJ-1")
    document(api, "in-2026-0002", "stock_in", "purchase", "SH-1", [("CUP-500", 10)])
    send(api, "post", "/admin/stock-documents/in-2026-0002/audit")
    assert document(api, "tr-2026-0001", "transfer", "transfer", "SH-1", [("CUP-500", 4)], target="BJ-1"
                    ).status_code == 201
    assert send(api, "post", "/admin/stock-documents/tr-2026-0001/audit").status_code == 200
    assert balance("CUP-500", "SH-1") == (6, 0, 0) and balance("CUP-500", "BJ-1") == (0, 0, 4)
    assert send(api, "post", "/admin/stock-documents/tr-2026-0001/receive").status_code == 200
    assert balance("CUP-500", "BJ-1") == (4, 0, 0)
    document(api, "cnt-2026-0001", "count", "count", "SH-1", [("CUP-500", 5)])
    counted = send(api, "post", "/admin/stock-documents/cnt-2026-0001/audit").json_body
    assert counted["counted"] == [["CUP-500", 6]] and balance("CUP-500", "SH-1") == (5, 0, 0)
    per = send(api, "get", "/admin/stock/CUP-500/warehouses", user="eye").json_body["items"]
    assert {s["warehouse_id"]: s["on_hand"] for s in per} == {"SH-1": 5, "BJ-1": 4}


@pytest.mark.parametrize(("body", "reason"), [
    ({"doc_type": "stock_in", "reason": "purchase", "warehouse_id": "SH-1", "lines": [("CUP-500", -2)]},
     "stock_doc.bad_quantity"),
    ({"doc_type": "stock_in", "reason": "purchase", "warehouse_id": "SH-1", "lines": [("NO-SUCH", 2)]},
     "stock_doc.unknown_sku"),
    ({"doc_type": "stock_in", "reason": "purchase", "warehouse_id": "NOWHERE", "lines": [("CUP-500", 2)]},
     "warehouse.unknown"),
    ({"doc_type": "transfer", "reason": "transfer", "warehouse_id": "SH-1", "target": "SH-1",
      "lines": [("CUP-500", 2)]}, "stock_doc.same_warehouse"),
    ({"doc_type": "stock_out", "reason": "purchase", "warehouse_id": "SH-1", "lines": [("CUP-500", 2)]},
     "stock_doc.bad_reason"),
    ({"doc_type": "stock_in", "reason": "purchase", "warehouse_id": "SH-1", "target": "default",
      "lines": [("CUP-500", 2)]}, "stock_doc.target_not_transfer"),
])
def test_given_bad_input_then_a_4xx_with_a_reason_and_nothing_stored(api, body, reason) -> None:
    new_warehouse(api, "SH-1")
    answer = document(api, "bad-2026-0001", body["doc_type"], body["reason"], body["warehouse_id"], body["lines"],
                      target=body.get("target", ""))
    assert answer.status_code == 400, answer.body
    assert answer.json_body["error"]["reason"] == reason
    assert send(api, "get", "/admin/stock-documents/bad-2026-0001").status_code == 404


def test_given_too_little_stock_when_a_stock_out_is_audited_then_409_and_nothing_moves(api) -> None:
    new_warehouse(api, "SH-1")
    document(api, "in-2026-0003", "stock_in", "purchase", "SH-1", [("CUP-500", 2)])
    send(api, "post", "/admin/stock-documents/in-2026-0003/audit")
    document(api, "out-2026-0001", "stock_out", "damage", "SH-1", [("CUP-500", 3)])
    answer = send(api, "post", "/admin/stock-documents/out-2026-0001/audit")
    assert answer.status_code == 409 and answer.json_body["error"]["reason"] == "stock_doc.short"
    assert balance("CUP-500", "SH-1") == (2, 0, 0)
    assert send(api, "get", "/admin/stock-documents/out-2026-0001").json_body["status"] == "draft"


def test_given_a_warehouse_allowing_negative_when_a_stock_out_exceeds_then_on_hand_goes_below_zero(api) -> None:
    new_warehouse(api, "NEG", allow_negative=True)
    document(api, "out-2026-0002", "stock_out", "loss", "NEG", [("CUP-500", 3)])
    assert send(api, "post", "/admin/stock-documents/out-2026-0002/audit").status_code == 200
    assert balance("CUP-500", "NEG") == (-3, 0, 0)


def test_given_roles_and_bad_warehouses_then_refused_with_reasons(api) -> None:
    body = {"warehouse_id": "SH-1", "name": "上海仓"}
    assert send(api, "post", "/admin/warehouses", body, user="ops").status_code == 403
    new_warehouse(api, "SH-1")
    taken = send(api, "post", "/admin/warehouses", body)
    assert taken.status_code == 409 and taken.json_body["error"]["reason"] == "warehouse.id_taken"
    dup = send(api, "post", "/admin/warehouses", {"warehouse_id": "X-1", "name": "x",
                                                 "locations": [{"code": "A"}, {"code": "A"}]})
    assert dup.status_code == 400 and dup.json_body["error"]["reason"] == "warehouse.bad_location"
    off = send(api, "patch", "/admin/warehouses/default", {"active": False})
    assert off.status_code == 400 and off.json_body["error"]["reason"] == "warehouse.default_stays"
    shop_id = new_shop(api)
    moved = send(api, "patch", "/admin/warehouses/SH-1", {"shop_ids": [shop_id], "priority": 5})
    assert moved.status_code == 200 and moved.json_body["shop_ids"] == [shop_id]
    third = new_warehouse(api, "CLOUD-1", kind="third_party")
    assert third["kind"] == "third_party"
    refused = document(api, "in-2026-0009", "stock_in", "purchase", "CLOUD-1", [("CUP-500", 1)])
    assert refused.status_code == 400 and refused.json_body["error"]["reason"] == "warehouse.reported_by_erp"


def test_given_the_reconcile_when_run_from_the_admin_api_then_a_job_answers_202_and_its_report_is_listed(api) -> None:
    import json

    from chalicelib import bootstrap
    from chalicelib.services.link_jobs import QUEUE, Step
    from chalicelib.services.reconcile_jobs import run_reconcile_step
    assert send(api, "post", "/admin/stock/reconcile", user="eye").status_code == 403
    started = send(api, "post", "/admin/stock/reconcile", user="ops")
    assert started.status_code == 202 and started.json_body["kind"] == "reconcile", started.body
    job_url = started.json_body["job_url"]
    assert send(api, "get", job_url, user="eye").json_body["status"] == "running"
    for body in bootstrap.publisher().bodies(QUEUE):      # the link-jobs consumer's work, run here
        run_reconcile_step(bootstrap.reconcile_deps(), Step.parse(json.dumps(body)))
    assert send(api, "get", job_url, user="eye").json_body["status"] == "done"
    listed = send(api, "get", "/admin/stock/reconcile-reports", user="eye").json_body["items"]
    assert len(listed) == 1 and listed[0]["complete"] is True and listed[0]["job_id"] == started.json_body["job_id"]


def test_given_a_warehouse_when_adjusted_by_hand_then_only_its_stock_moves_and_an_unknown_one_is_refused(api) -> None:
    new_warehouse(api, "SH-1")
    body = {"delta": 3, "reason": "找到 3 件", "idempotency_key": "adjust-0001", "warehouse_id": "SH-1"}
    adjusted = send(api, "post", "/admin/stock/CUP-500/adjust", body, user="ops")
    assert adjusted.status_code == 200 and adjusted.json_body["warehouse_id"] == "SH-1"
    assert balance("CUP-500", "SH-1") == (3, 0, 0) and balance("CUP-500", "default") == (0, 0, 0)
    unknown = send(api, "post", "/admin/stock/CUP-500/adjust", {**body, "warehouse_id": "NOWHERE"}, user="ops")
    assert unknown.status_code == 400 and unknown.json_body["error"]["reason"] == "warehouse.unknown"
