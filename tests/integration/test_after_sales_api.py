"""The after-sale center through the real routes on moto: admin list/filters/counts/detail, actions from the
admin and the ERP API, the platform-actions consumer's handler run for real against a scripted platform,
refusals surfaced, repeats applied once, returned stock back on hand."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.after_sales_ingest import apply_case
from chalicelib.services.platform_errors import NotAllowedError
from tests import fakes
from tests.after_sales_kit import ScriptedPlatform, admin_app, open_case
from tests.erp_kit import bearer, erp_app, moto_world, new_client, signed


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    platform = ScriptedPlatform()
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S1", "旗舰店", platform.platform, "seller-1", app_key="k"))
    with (moto_world() as w,
          bootstrap.override(shops=shops, publisher=fakes.RecordingPublisher(), clients=lambda shop: platform),
          Client(admin_app(), stage_name="test") as admin, Client(erp_app(), stage_name="test") as erp):
        key, secret = new_client()
        yield {**w, "admin": admin, "erp": erp, "key": key, "secret": secret, "platform": platform}


def post(w: dict[str, Any], case_id: str, verb: str, body: dict[str, Any] | None = None, user: str = "ops") -> Any:
    return w["admin"].http.post(f"/admin/after-sales/{case_id}/{verb}", headers=_json(bearer(user)),
                                body=json.dumps(body or {}))


def get(w: dict[str, Any], path: str, user: str = "eye") -> Any:
    return w["admin"].http.get(path, headers=bearer(user))


def _json(headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "Content-Type": "application/json"}


def deliver(w: dict[str, Any]) -> int:
    """The platform-actions consumer's handler, run for real on every queued action."""
    from chalicelib.workers.actions import _handle
    publisher = bootstrap.publisher()
    sent, publisher.sent = [m for m in publisher.sent if m[0] == "platform_actions"], []
    for _queue, body, _, _ in sent:
        _handle(body, {})
    return len(sent)


ADDRESS = {"address": {"province": "浙江省", "city": "杭州市", "district": "余杭区", "detail": "文一西路969号"},
           "contact": "售后组", "phone": "13800000000"}


def test_given_a_refund_request_when_approved_twice_then_one_platform_write_and_the_order_released(world) -> None:
    case_id = open_case(world, "5001")
    order_id = bootstrap.after_sales().get(case_id).order_id
    assert HoldReason.REFUND_REQUESTED in bootstrap.orders().get(order_id).holds
    shown = get(world, f"/admin/after-sales/{case_id}").json_body["order"]
    assert shown["holds"] == ["refund_requested"] and shown["erp_handoff"] == "not_ready"

    first, again = post(world, case_id, "approve"), post(world, case_id, "approve")
    assert (first.status_code, again.status_code) == (202, 200), first.body
    assert first.json_body["pending_action"] == "approve_refund" and again.json_body["created"] is False
    assert deliver(world) == 2, "the repeat re-sends the same message (SQS FIFO drops it within 5 minutes)"
    assert world["platform"].writes == [("approve_refund", "5001")]

    detail = get(world, f"/admin/after-sales/{case_id}").json_body
    assert detail["status"] == "refunded" and detail["pending_action"] == ""
    assert [(e["kind"], e["action"]) for e in detail["history"]] == [("requested", "approve_refund"),
                                                                     ("applied", "approve_refund")]
    assert HoldReason.REFUND_REQUESTED not in bootstrap.orders().get(order_id).holds
    later = post(world, case_id, "approve")          # a retry after the platform applied it: as the first time
    assert later.status_code == 200 and later.json_body["created"] is False, later.body
    assert {k: v for k, v in later.json_body.items() if k != "created"} == \
        {k: v for k, v in detail.items() if k not in ("order", "reissue_shipments")}, "the case as it stands"
    assert deliver(world) == 0 and world["platform"].writes == [("approve_refund", "5001")]


def test_given_a_redelivered_action_after_the_platform_applied_it_then_not_sent_again(world) -> None:
    case_id = open_case(world, "5002")
    post(world, case_id, "approve")
    body = bootstrap.publisher().sent[-1][1]
    deliver(world)
    from chalicelib.workers.actions import _handle
    _handle(body, {})                              # the queue delivers at least once
    assert world["platform"].writes == [("approve_refund", "5002")]


def test_given_the_platform_refuses_then_its_reason_is_shown_and_a_later_retry_applies_once(world) -> None:
    case_id = open_case(world, "5003")
    world["platform"].fail_next = [NotAllowedError("售后单已超过处理时效", code="isv.aftersale-expired")]
    post(world, case_id, "reject", {"reason_code": "other", "reason_text": "商品已发出"})
    deliver(world)
    detail = get(world, f"/admin/after-sales/{case_id}").json_body
    assert "isv.aftersale-expired" in detail["action_error"] and detail["pending_action"] == ""
    assert detail["history"][-1]["kind"] == "refused"

    assert post(world, case_id, "reject", {"reason_code": "other", "reason_text": "商品已发出"}).status_code == 202
    deliver(world)
    deliver(world)
    assert world["platform"].writes == [("reject_refund", "5003")]
    assert get(world, f"/admin/after-sales/{case_id}").json_body["status"] == "rejected"


def test_given_a_return_when_approved_received_then_refunded_and_stock_back_on_hand(world) -> None:
    from chalicelib.services.catalog import create_erp_sku
    case_id = open_case(world, "5004", order_status=OrderStatus.SHIPPED, type=T.RETURN_AND_REFUND,
                        has_goods_return=True)
    case = bootstrap.after_sales().get(case_id)
    order = bootstrap.orders().get(case.order_id)
    sku_code = order.lines[0].links[0].sku_code
    create_erp_sku(bootstrap.erp_skus(), bootstrap.link_deps(), ErpSku(sku_code, "退货商品"))
    on_hand = bootstrap.stock().balance(sku_code).on_hand

    assert post(world, case_id, "approve-return", ADDRESS).status_code == 202
    deliver(world)
    platform_case = world["platform"].cases["5004"]
    world["platform"].cases["5004"] = replace(platform_case, status=S.AWAITING_SELLER_RECEIPT, version=0,
                                              modified_at=platform_case.modified_at + timedelta(seconds=5))
    apply_case(bootstrap.after_sales(), bootstrap.orders(), bootstrap.clock(), "S1", world["platform"].cases["5004"],
               lambda _no: None)
    assert post(world, case_id, "confirm-received").status_code == 202
    deliver(world)
    assert bootstrap.after_sales().get(case_id).status is S.REFUNDED
    returned = bootstrap.stock().balance(sku_code).on_hand
    assert returned == on_hand + order.lines[0].quantity
    bootstrap.after_sale_deps().restock(bootstrap.after_sales().get(case_id))     # delivered again
    assert bootstrap.stock().balance(sku_code).on_hand == returned, "a second restock of the case adds nothing"
    receipt = bootstrap.stock_documents().get(f"return-{case_id}")
    assert (receipt.doc_type, receipt.reason, receipt.status) == ("stock_in", "return", "audited")
    assert receipt.source == f"after_sale:{case_id}" and receipt.revision == 2


def test_given_bad_input_then_400_naming_the_field_and_nothing_queued(world) -> None:
    case_id = open_case(world, "5005")
    short = post(world, case_id, "reject", {"reason_code": "other", "reason_text": "x"})
    assert short.status_code == 400 and "reason_text" in json.dumps(short.json_body)
    assert post(world, case_id, "approve-return", {"contact": "x"}).status_code == 400
    assert post(world, case_id, "teleport").status_code == 400
    assert post(world, case_id, "approve", user="eye").status_code == 403
    assert world["admin"].http.post(f"/admin/after-sales/{case_id}/approve", body="{}").status_code == 401
    assert deliver(world) == 0


def test_given_a_reason_code_the_platform_does_not_know_then_400_naming_it_with_the_allowed_ones(world) -> None:
    case_id = open_case(world, "5010")
    refused = post(world, case_id, "reject", {"reason_code": "12", "reason_text": "商品已发出"})
    assert refused.status_code == 400, refused.body
    assert refused.json_body["error"]["fields"][0]["field"] == "reason_code" and "other" in json.dumps(
        refused.json_body, ensure_ascii=False)
    assert deliver(world) == 0
    listed = get(world, "/admin/reject-reasons?platform=kuaishou").json_body["platforms"]
    assert [r["code"] for r in listed["kuaishou"]] == ["1", "2", "3"]


def test_given_an_applied_rejection_then_the_same_again_answers_200_and_another_one_409(world) -> None:
    case_id = open_case(world, "5011")
    body = {"reason_code": "other", "reason_text": "商品已发出"}
    assert post(world, case_id, "reject", body).status_code == 202
    deliver(world)
    again = post(world, case_id, "reject", body)
    assert again.status_code == 200 and again.json_body["status"] == "rejected" and again.json_body["created"] is False
    other = post(world, case_id, "reject", {"reason_code": "other", "reason_text": "另一个理由"})
    assert other.status_code == 409, "other parameters: a new request the case no longer allows"
    assert deliver(world) == 0 and world["platform"].writes == [("reject_refund", "5011")]


def test_given_cases_then_list_filters_counts_and_deadline_soon(world) -> None:
    soon = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    first = open_case(world, "5006", deadline_at=soon)
    second = open_case(world, "5007", type=T.RETURN_AND_REFUND, deadline_at=soon + timedelta(days=3))
    third = open_case(world, "5008", status=S.CLOSED)

    by_shop = get(world, "/admin/after-sales?shop_id=S1").json_body
    assert {c["case_id"] for c in by_shop["items"]} == {first, second, third}
    by_type = get(world, "/admin/after-sales?shop_id=S1&type=return_and_refund").json_body
    assert [c["case_id"] for c in by_type["items"]] == [second]
    pending = get(world, "/admin/after-sales?status=pending_review").json_body
    assert [c["case_id"] for c in pending["items"]] == [first, second], "soonest deadline first"
    due = get(world, f"/admin/after-sales?deadline_before={quote((soon + timedelta(hours=1)).isoformat())}").json_body
    assert [c["case_id"] for c in due["items"]] == [first]
    by_order = get(world, "/admin/after-sales?shop_id=S1&order_no=95008").json_body
    assert [c["case_id"] for c in by_order["items"]] == [third]
    paged = get(world, "/admin/after-sales?shop_id=S1&limit=2").json_body
    rest = get(world, f"/admin/after-sales?shop_id=S1&limit=2&cursor={paged['cursor']}").json_body
    assert len(paged["items"]) == 2 and len(rest["items"]) == 1

    counts = get(world, "/admin/after-sales/counts").json_body["counts"]
    assert counts["pending_review"] == 2 and counts["closed"] == 1 and counts["refunded"] == 0
    bad = get(world, "/admin/after-sales?status=teleported")
    assert bad.status_code == 400 and bad.json_body["error"]["fields"][0]["field"] == "status"


def test_given_the_erp_then_it_acts_through_its_signed_api(world) -> None:
    case_id = open_case(world, "5009")
    path = f"/erp/v1/after-sales/{case_id}/actions"
    body = {"action": "reject_refund", "reason_code": "other", "reason_text": "已与买家协商"}
    first = signed(world["erp"], world["key"], world["secret"], "POST", path, body)
    again = signed(world["erp"], world["key"], world["secret"], "POST", path, body)
    assert (first.status_code, again.status_code) == (201, 200), first.body
    assert first.json_body["pending_action"] == "reject_refund"
    deliver(world)
    assert world["platform"].writes == [("reject_refund", "5009")]
    applied = signed(world["erp"], world["key"], world["secret"], "POST", path, body)    # retried after it applied
    assert applied.status_code == 200 and applied.json_body["created"] is False, applied.body
    assert applied.json_body["status"] == "rejected" and deliver(world) == 0
    note = signed(world["erp"], world["key"], world["secret"], "POST", path, {"action": "note", "text": "仓库已拦截"})
    assert note.status_code == 201 and note.json_body["status"] == "rejected"
    unknown = signed(world["erp"], world["key"], world["secret"], "POST", path, {"action": "teleport"})
    assert unknown.status_code == 400


def test_given_a_reissue_case_then_a_new_shipment_linked_to_the_case_once(world) -> None:
    case_id = open_case(world, "5010", order_status=OrderStatus.SHIPPED, type=T.REISSUE)
    body = {"carrier_code": "SF", "tracking_no": "SF1234567890"}
    first, again = post(world, case_id, "reissue", body), post(world, case_id, "reissue", body)
    assert (first.status_code, again.status_code) == (202, 200), first.body
    [shipment_id] = first.json_body["reissue_shipment_ids"]
    shipment = bootstrap.shipments().get(shipment_id)
    assert shipment.after_sale_id == case_id and shipment.tracking_no == "SF1234567890"
    shown = get(world, f"/admin/after-sales/{case_id}").json_body["reissue_shipments"]
    assert shown == [{"shipment_id": shipment_id, "status": "pending", "platform_error": ""}]
