"""Supplier drop-shipping through the admin API on moto: assigning orders (by hand, in bulk, refusals that
change nothing), the supplier's scoped view, tracking numbers typed or uploaded, and the stock-up lists."""
from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap, names
from chalicelib.domain.status import HoldReason
from tests.dropship_kit import call, dropship_world, supplier
from tests.erp_kit import ready_order
from tests.factories import canonical_order

pytestmark = pytest.mark.integration


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    with dropship_world() as w:
        w["maker"] = supplier(w, "义乌小商品厂", "maker")
        w["rival"] = supplier(w, "另一家工厂", "rival")
        yield w


def _assign(w: dict[str, Any], order_ids: list[str], supplier_id: str) -> Any:
    return call(w, "POST", "/admin/dropship/assign", {"order_ids": order_ids, "supplier_id": supplier_id})


def _ship_backs() -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name("platform_actions"))["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in got if json.loads(m["Body"])["name"] == "ship"]


def test_GIVEN_a_ready_order_WHEN_assigned_THEN_the_erp_no_longer_takes_it_and_history_and_audit_say_so(
        world: dict[str, Any]) -> None:
    order_id = ready_order()
    assert bootstrap.orders().get(order_id).erp_handoff.value == "ready"
    answer = _assign(world, [order_id], world["maker"])
    assert answer.status_code == 200 and answer.json_body["results"][0]["ok"], answer.body
    order = bootstrap.orders().get(order_id)
    assert order.supplier_id == world["maker"] and order.erp_handoff.value == "not_ready"
    assert "assigned to supplier 义乌小商品厂" in order.history[-1].summary
    assert order.history[-1].actor == "user:ops"
    audit = call(world, "GET", "/admin/audit?action=POST%20/admin/dropship/assign", user="root").json_body["items"]
    assert audit and audit[0]["actor"] == "ops"
    taken_back = _assign(world, [order_id], "")
    assert taken_back.json_body["results"][0]["supplier_id"] == ""
    back = bootstrap.orders().get(order_id)
    assert not back.supplier_id and "taken back" in back.history[-2].summary
    # the seller's again: it reserves stock like any order (none here: held out_of_stock, not ready yet)
    assert back.holds == {HoldReason.OUT_OF_STOCK}


def test_GIVEN_bad_input_WHEN_assigning_THEN_4xx_naming_the_field_and_nothing_changed(world: dict[str, Any]) -> None:
    order_id = ready_order()
    before = bootstrap.orders().get(order_id)
    unknown = _assign(world, [order_id], "no-such-supplier")
    assert unknown.status_code == 400
    assert unknown.json_body["error"]["reason"] == "dropship.unknown_supplier"
    assert unknown.json_body["error"]["fields"][0]["field"] == "supplier_id"
    for order_ids in ([], [""]):
        empty = call(world, "POST", "/admin/dropship/assign", {"order_ids": order_ids, "supplier_id": world["maker"]})
        assert empty.status_code == 400 and empty.json_body["error"]["fields"][0]["field"].startswith("order_ids")
    assert bootstrap.orders().get(order_id).revision == before.revision


def test_GIVEN_a_shipped_or_erp_taken_order_WHEN_assigned_THEN_refused_with_its_reason(world: dict[str, Any]) -> None:
    from dataclasses import replace

    from chalicelib.domain.status import ErpHandoff, OrderStatus
    shipped, taken = ready_order(), ready_order()
    for order_id, change in ((shipped, {"status": OrderStatus.SHIPPED}), (taken, {"erp_handoff": ErpHandoff.TAKEN})):
        order = bootstrap.orders().get(order_id)
        bootstrap.orders().save(replace(order, **change), order.revision)
    results = _assign(world, [shipped, taken], world["maker"]).json_body["results"]
    assert [r["reason"] for r in results] == ["dropship.order_not_open", "dropship.erp_taken"]
    assert not bootstrap.orders().get(shipped).supplier_id and not bootstrap.orders().get(taken).supplier_id


def test_GIVEN_an_assigned_order_WHEN_its_supplier_types_the_tracking_no_twice_THEN_one_ship_back(
        world: dict[str, Any]) -> None:
    order_id = ready_order()
    _assign(world, [order_id], world["maker"])
    listed = call(world, "GET", "/admin/supplier/orders", user="maker").json_body["items"]
    assert [o["order_id"] for o in listed] == [order_id]
    assert "paid_fen" not in listed[0] and listed[0]["receiver"]["name"].count("*") >= 1
    body = {"order_no": bootstrap.orders().get(order_id).order_no, "carrier_code": "zto", "tracking_no": "ZT5550001"}
    first = call(world, "POST", "/admin/supplier/shipments", body, user="maker")
    again = call(world, "POST", "/admin/supplier/shipments", body, user="maker")
    assert first.status_code == 201 and again.status_code == 200, (first.body, again.body)
    assert first.json_body["shipment"]["source"] == f"supplier:{world['maker']}"
    assert len(_ship_backs()) == 1
    assert call(world, "GET", "/admin/supplier/orders", user="rival").json_body["items"] == []


def test_GIVEN_another_suppliers_order_WHEN_a_supplier_acts_on_it_THEN_404_as_if_absent(world: dict[str, Any]) -> None:
    mine, unassigned = ready_order(), ready_order()
    _assign(world, [mine], world["maker"])
    for order_id in (mine, unassigned, "S1-no-such-order"):
        body = {"order_no": order_id, "carrier_code": "ZTO", "tracking_no": "ZT5550002"}
        answer = call(world, "POST", "/admin/supplier/shipments", body, user="rival")
        assert answer.status_code == 404, answer.body
        assert answer.json_body["error"]["reason"] == "dropship.not_assigned"
    assert bootstrap.shipments().for_order(mine) == [] and _ship_backs() == []
    assert call(world, "GET", "/admin/orders", user="maker").status_code == 403


def _file(rows: list[list[str]], kind: str) -> str:
    if kind == "csv":
        text = "\ufeff" + "\n".join(",".join(r) for r in rows)
        return base64.b64encode(text.encode()).decode()
    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_GIVEN_a_file_with_one_wrong_row_WHEN_uploaded_THEN_each_wrong_row_named_and_nothing_applied(
        world: dict[str, Any], kind: str) -> None:
    first, second, foreign = ready_order(), ready_order(), ready_order()
    _assign(world, [first, second], world["maker"])
    _assign(world, [foreign], world["rival"])
    no = {o: bootstrap.orders().get(o).order_no for o in (first, second, foreign)}
    rows = [["订单号", "快递公司编码", "运单号"], [no[first], "ZTO", "ZT7770001"], [no[foreign], "ZTO", "ZT7770002"],
            [no[second], "NOPE", "ZT7770003"]]
    answer = call(world, "POST", "/admin/supplier/shipments/import", {"file_base64": _file(rows, kind)}, user="maker")
    assert answer.status_code == 200, answer.body
    errors = answer.json_body["errors"]
    assert [(e["row"], e["reason"]) for e in errors] == [(3, "dropship.not_assigned"), (4, "dropship.bad_carrier")]
    assert answer.json_body["applied"] == [] and bootstrap.shipments().for_order(first) == []
    good = [rows[0], rows[1], [no[second], "SF", "SF7770003"]]
    done = call(world, "POST", "/admin/supplier/shipments/import", {"file_base64": _file(good, kind)}, user="maker")
    assert [a["row"] for a in done.json_body["applied"]] == [2, 3] and done.json_body["errors"] == []
    assert len(_ship_backs()) == 2


def test_GIVEN_assigned_orders_THEN_the_suppliers_stock_up_list_sums_their_skus_and_exports_csv(
        world: dict[str, Any]) -> None:
    first, second = ready_order(), ready_order()
    _assign(world, [first, second], world["maker"])
    mine = call(world, "GET", "/admin/supplier/stock-up", user="maker").json_body
    seller = call(world, "GET", f"/admin/dropship/suppliers/{world['maker']}/stock-up").json_body
    assert mine == seller and mine["orders"] == 2
    assert sum(x["quantity"] for x in mine["items"]) == sum(
        line.quantity for o in (first, second) for line in bootstrap.orders().get(o).lines)
    exported = call(world, "GET", "/admin/supplier/stock-up?format=csv", user="maker")
    assert exported.body.decode("utf-8").startswith("\ufeffSKU编码,商品,需备数量,订单数")
    assert call(world, "GET", "/admin/supplier/stock-up?format=pdf", user="maker").status_code == 400


def test_GIVEN_a_supplier_user_WHEN_created_THEN_it_needs_an_existing_supplier(world: dict[str, Any]) -> None:
    body = {"username": "factory2", "password": "Str0ng-pass-99", "role": "supplier", "supplier_id": "nope"}
    refused = call(world, "POST", "/admin/users", body, user="root")
    assert refused.status_code == 400 and refused.json_body["error"]["reason"] == "dropship.unknown_supplier"
    made = call(world, "POST", "/admin/users", {**body, "supplier_id": world["maker"]}, user="root")
    assert made.status_code == 200 and made.json_body["supplier_id"] == world["maker"], made.body


def test_GIVEN_the_shops_rule_on_WHEN_an_order_of_one_suppliers_skus_passes_review_THEN_it_goes_to_it(
        world: dict[str, Any]) -> None:
    from chalicelib.domain.orders import SkuLink
    from chalicelib.services.ingest import apply_and_keep
    from tests.factories import canonical_order
    goods = {"code": "TS", "name": "纯棉短袖T恤", "supplier_ids": [world["maker"]],
             "skus": [{"sku_code": "ERP-MC-1", "price_fen": 1990}]}
    assert call(world, "POST", "/admin/goods", goods).status_code in (200, 201)
    assert call(world, "PUT", "/admin/dropship/auto/S1", {"enabled": True}, user="ops").status_code == 403
    assert call(world, "PUT", "/admin/dropship/auto/S1", {"enabled": True}, user="root").json_body == {
        "shop_ids": ["S1"]}
    assert call(world, "PUT", "/admin/dropship/auto/S9", {"enabled": True}, user="root").status_code == 404

    def arrive(shop_id: str) -> Any:
        incoming = canonical_order()
        links = {line.platform_sku_id: (SkuLink("ERP-MC-1"),) for line in incoming.lines}
        return apply_and_keep(bootstrap.orders(), bootstrap.clock(), shop_id, incoming, links,
                              gate=bootstrap.review_gate())[1]
    ruled, other_shop = arrive("S1"), arrive("S2")
    assert ruled.supplier_id == world["maker"] and ruled.erp_handoff.value == "not_ready"
    assert "SKU rule" in ruled.history[-1].summary
    assert other_shop.supplier_id == "" and other_shop.erp_handoff.value == "ready"


def _two_line_order(world: dict[str, Any]) -> str:
    """An order of a supplier's SKU (line 1) and an own-stock SKU (line 2, in stock), ready for the ERP."""
    from chalicelib.services.stock_adjust import set_absolute_stock
    set_absolute_stock(bootstrap.stock(), "ERP-MC-2", 5, "erp:test", "init", bootstrap.clock().now())
    incoming = canonical_order()
    extra = replace(incoming.lines[0], line_id="2", platform_sku_id="sku-2", merchant_code="MC-2", quantity=1)
    return ready_order(order_no=incoming.order_no, lines=(incoming.lines[0], extra))


def test_GIVEN_a_mixed_order_WHEN_one_line_is_given_THEN_the_supplier_sees_and_ships_only_it_and_the_erp_the_rest(
        world: dict[str, Any]) -> None:
    order_id = _two_line_order(world)
    path = f"/admin/dropship/orders/{order_id}/lines"
    assert call(world, "PUT", path, {"supplier_id": world["maker"], "line_ids": ["1"]}, user="eye").status_code == 403
    given = call(world, "PUT", path, {"supplier_id": world["maker"], "line_ids": ["1"]})
    assert given.status_code == 200, given.body
    assert given.json_body["order"]["supplier_lines"] == ["1"]
    order = bootstrap.orders().get(order_id)
    assert order.erp_handoff.value == "ready" and "lines 1 assigned" in order.history[-1].summary
    listed = call(world, "GET", "/admin/supplier/orders", user="maker").json_body["items"]
    assert [x["line_id"] for x in listed[0]["items"]] == ["1"] and listed[0]["partial"] is True
    body = {"order_no": order.order_no, "carrier_code": "ZTO", "tracking_no": "ZT8880001"}
    shipped = call(world, "POST", "/admin/supplier/shipments", body, user="maker")
    assert shipped.status_code == 201, shipped.body
    assert [x["line_id"] for x in shipped.json_body["shipment"]["lines"]] == ["1"]
    seller = call(world, "POST", "/admin/shipments", {"order_id": order_id, "carrier_code": "SF",
                                                       "tracking_no": "SF8880001", "lines": [{"line_id": "1",
                                                                                               "quantity": 1}]})
    assert seller.status_code == 400 and seller.json_body["error"]["reason"] == "dropship.supplier_line"
    audit = call(world, "GET", "/admin/audit?action=PUT%20/admin/dropship/orders/{order_id}/lines",
                 user="root").json_body["items"]
    assert audit and audit[0]["actor"] == "ops"


def test_GIVEN_bad_lines_WHEN_given_THEN_4xx_with_the_reason_and_nothing_changed(world: dict[str, Any]) -> None:
    order_id = _two_line_order(world)
    before = bootstrap.orders().get(order_id)
    path = f"/admin/dropship/orders/{order_id}/lines"
    unknown = call(world, "PUT", path, {"supplier_id": world["maker"], "line_ids": ["9"]})
    assert unknown.status_code == 400 and unknown.json_body["error"]["reason"] == "dropship.unknown_line"
    nobody = call(world, "PUT", path, {"supplier_id": "nope", "line_ids": ["1"]})
    assert nobody.status_code == 400 and nobody.json_body["error"]["reason"] == "dropship.unknown_supplier"
    extra = call(world, "PUT", path, {"supplier_id": world["maker"], "line_ids": ["1"], "x": 1})
    assert extra.status_code == 400
    assert call(world, "PUT", "/admin/dropship/orders/S1-none/lines",
                {"supplier_id": world["maker"], "line_ids": ["1"]}).status_code == 404
    assert bootstrap.orders().get(order_id).revision == before.revision


def test_GIVEN_chosen_orders_WHEN_the_rule_runs_in_bulk_THEN_supplier_lines_go_and_own_stock_stays(
        world: dict[str, Any]) -> None:
    goods = {"code": "TS", "name": "纯棉短袖T恤", "supplier_ids": [world["maker"]],
             "skus": [{"sku_code": "ERP-MC-1", "price_fen": 1990}]}
    assert call(world, "POST", "/admin/goods", goods).status_code in (200, 201)
    mixed, own = _two_line_order(world), ready_order(lines=(replace(canonical_order().lines[0], merchant_code="MC-9"),))
    results = call(world, "POST", "/admin/dropship/assign-by-rule", {"order_ids": [mixed, own]}).json_body["results"]
    assert results[0] == {"order_id": mixed, "ok": True, "supplier_id": world["maker"], "supplier_lines": ["1"]}
    assert results[1]["reason"] == "dropship.no_rule_supplier"
    assert bootstrap.orders().get(own).supplier_id == ""


def test_GIVEN_a_partly_drop_shipped_order_WHEN_the_erp_takes_and_ships_it_THEN_it_sees_and_ships_its_lines_only(
        world: dict[str, Any]) -> None:
    from tests.erp_kit import new_client, signed
    order_id = _two_line_order(world)
    assert call(world, "PUT", f"/admin/dropship/orders/{order_id}/lines",
                {"supplier_id": world["maker"], "line_ids": ["1"]}).status_code == 200
    key_id, secret = new_client()
    taken = signed(world["client"], key_id, secret, "POST", "/erp/v1/orders/take", {"limit": 50})
    assert taken.status_code == 200, taken.body
    [mine] = [o for o in taken.json_body["items"] if o["order_id"] == order_id]
    assert [x["line_id"] for x in mine["lines"]] == ["2"] and mine["supplier_lines"] == ["1"]
    refused = signed(world["client"], key_id, secret, "POST", "/erp/v1/shipments",
                     {"order_id": order_id, "carrier_code": "SF", "tracking_no": "SF8880009",
                      "lines": [{"line_id": "1", "quantity": 1}]})
    assert refused.status_code == 400 and refused.json_body["error"]["reason"] == "dropship.supplier_line"
    shipped = signed(world["client"], key_id, secret, "POST", "/erp/v1/shipments",
                     {"order_id": order_id, "carrier_code": "SF", "tracking_no": "SF8880010"})
    assert shipped.status_code == 201, shipped.body
    assert [x["line_id"] for x in shipped.json_body["shipment"]["lines"]] == ["2"]


def test_GIVEN_the_shops_rule_on_WHEN_an_order_mixes_supplier_and_own_stock_skus_THEN_only_the_suppliers_lines_go(
        world: dict[str, Any]) -> None:
    from chalicelib.domain.orders import SkuLink
    from chalicelib.services.ingest import apply_and_keep
    goods = {"code": "TS", "name": "纯棉短袖T恤", "supplier_ids": [world["maker"]],
             "skus": [{"sku_code": "ERP-MC-1", "price_fen": 1990}]}
    assert call(world, "POST", "/admin/goods", goods).status_code in (200, 201)
    assert call(world, "PUT", "/admin/dropship/auto/S1", {"enabled": True}, user="root").status_code == 200
    incoming = canonical_order()
    own = replace(incoming.lines[0], line_id="2", platform_sku_id="sku-2", merchant_code="MC-2")
    incoming = replace(incoming, lines=(incoming.lines[0], own))
    links = {"sku-1": (SkuLink("ERP-MC-1"),), "sku-2": (SkuLink("ERP-MC-2"),)}
    ruled = apply_and_keep(bootstrap.orders(), bootstrap.clock(), "S1", incoming, links,
                           gate=bootstrap.review_gate())[1]
    assert (ruled.supplier_id, ruled.supplier_lines) == (world["maker"], ("1",))
    assert ruled.erp_handoff.value == "ready" and "lines 1 to supplier" in ruled.history[-1].summary
