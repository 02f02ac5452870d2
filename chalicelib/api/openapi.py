"""The ERP API's OpenAPI 3.1 document, generated from the pydantic models of api/erp_schemas.py and the
operation table below (the routes in api/erp.py use the same paths). Served at /erp/v1/openapi.json
(signed, like every ERP call) and /admin/erp/openapi.json (admins)."""
from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

API_PREFIX = "/erp/v1"
SPEC_PATH = f"{API_PREFIX}/openapi.json"
ERRORS = {"400": "the body or a parameter is invalid (fields name which)",
          "401": "signature headers missing, stale or future timestamp, unknown key, wrong signature or reused nonce",
          "403": "the key lacks the scope this operation needs",
          "404": "no such record, or one of a shop outside the key's shops (the same answer: ids cannot be probed)",
          "409": "the record's state does not allow it (see the message)", "413": "body too large",
          "429": "over the key's rate limit (Retry-After says when to come back)"}


class Operation(NamedTuple):   # cold start: a NamedTuple is made in ~50 us, a dataclass ~450 us
    op_id: str
    method: str
    path: str
    scope: str
    summary: str
    response: str                       # model name of the 200 (or 201) answer
    body: str | None = None             # model name of the JSON body
    created: bool = False               # answers 201 when it created a record, 200 when it was there
    shop_scoped: bool = True            # a key limited to some shops sees only their records here


OPERATIONS = (
    Operation("take_orders", "post", "/orders/take", "orders", "Take orders ready for the warehouse: awaiting "
              "shipment, no holds, newest state. Each is marked taken; acknowledge it with your own id.",
              "OrderPage", "TakeBody"),
    Operation("get_order", "get", "/orders/{order_id}", "orders", "Look up one order", "OrderOut"),
    Operation("get_fulfilment", "get", "/fulfilments/{fulfilment_id}", "orders", "Look up one parcel (发货单): the "
              "orders merged into it, or the lines of a split order's part. Post one shipment per member order "
              "with the parcel's tracking no. (a part's lines for a split)", "FulfilmentOut"),
    Operation("acknowledge_order", "post", "/orders/{order_id}/ack", "orders", "Acknowledge a taken order with "
              "the ERP's own id (repeating the same id is a success)", "OrderOut", "AckBody"),
    Operation("post_shipment", "post", "/shipments", "shipments", "Post a shipment (partial allowed): the OMS "
              "records it and writes it back to the platform; the same shipment again ships nothing twice",
              "ShipmentPosted", "ShipmentBody", created=True),
    Operation("get_shipment", "get", "/shipments/{shipment_id}", "shipments", "A shipment and its ship-back state",
              "ShipmentOut"),
    Operation("take_after_sales", "post", "/after-sales/take", "after_sales", "Take after-sale cases new or "
              "changed since you last took them", "AfterSalePage", "TakeBody"),
    Operation("get_after_sale", "get", "/after-sales/{case_id}", "after_sales", "Look up one after-sale case",
              "AfterSaleOut"),
    Operation("post_after_sale_result", "post", "/after-sales/{case_id}/result", "after_sales", "Answer a case "
              "(for now: whether an interception worked)", "CaseResultOut", "CaseResultBody"),
    Operation("post_after_sale_action", "post", "/after-sales/{case_id}/actions", "after_sales", "Act on a case "
              "(approve or reject a refund, approve a return, confirm goods received, reissue, note); written to the "
              "platform through the OMS queue; the same request again does nothing new",
              "AfterSaleActionOut", "AfterSaleActionBody", created=True),
    Operation("get_stock", "get", "/stock/{sku_code}", "stock", "Stock of one ERP SKU, summed and per warehouse "
              "(shared by every shop: not limited by the key's shops)", "StockOut", shop_scoped=False),
    Operation("set_stock", "put", "/stock/{sku_code}", "stock", "Set on hand of one ERP SKU in one warehouse (the "
              "warehouse's or WMS's count; reservations stay; shared by every shop)", "StockOut", "StockSetBody",
              shop_scoped=False),
)


@cache
def spec() -> dict[str, Any]:
    components = _schemas()
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(API_PREFIX + op.path, {})[op.method] = _operation(op)
    paths[SPEC_PATH] = {"get": {"operationId": "get_openapi", "summary": "This document", "tags": ["meta"],
                                "responses": {"200": {"description": "the OpenAPI document",
                                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                                              **_errors(("401", "429"))}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Qihang OMS ERP API", "version": "1.0.0", "description": _description()},
        "servers": [{"url": "/", "description": "this deployment"}],
        "security": [{"OmsKey": [], "OmsTimestamp": [], "OmsNonce": [], "OmsSignature": []}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {"schemas": components, "securitySchemes": {
            name: {"type": "apiKey", "in": "header", "name": header}
            for name, header in (("OmsKey", "X-OMS-Key"), ("OmsTimestamp", "X-OMS-Timestamp"),
                                 ("OmsNonce", "X-OMS-Nonce"), ("OmsSignature", "X-OMS-Signature"))}},
    }


def _operation(op: Operation) -> dict[str, Any]:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
              for name in _path_params(op.path)]
    success = {"description": "done", "content": {"application/json": {"schema": _ref(op.response)}}}
    responses: dict[str, Any] = {"200": success}
    if op.created:
        responses["201"] = {**success, "description": "created"}
    codes = ("400", "401", "403", "404", "409", "413", "429")
    out: dict[str, Any] = {"operationId": op.op_id, "summary": op.summary, "tags": [op.scope], "x-scope": op.scope,
                           "x-shop-scoped": op.shop_scoped, "parameters": params,
                           "responses": {**responses, **_errors(codes)}}
    if op.body:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(op.body)}}}
    return out


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _errors(codes: tuple[str, ...]) -> dict[str, Any]:
    return {code: {"description": ERRORS[code], "content": {"application/json": {"schema": _ref("ErrorOut")}}}
            for code in codes}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    from chalicelib.api import erp_schemas as s
    inputs = (s.TakeBody, s.AckBody, s.ShipmentBody, s.CaseResultBody, s.StockSetBody, s.AfterSaleActionBody)
    outputs = (s.OrderPage, s.OrderOut, s.FulfilmentOut, s.ShipmentPosted, s.ShipmentOut, s.AfterSalePage,
               s.AfterSaleOut, s.CaseResultOut, s.StockOut, s.ErrorOut, s.WebhookEvent, s.AfterSaleActionOut)
    models = [(m, "validation") for m in inputs] + [(m, "serialization") for m in outputs]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    return dict(top.get("$defs", {}))


def _webhooks() -> dict[str, Any]:
    from chalicelib.services.erp_ports import EVENTS
    return {event: {"post": {
        "summary": f"{event}: pushed to the client's webhook URL", "description": when,
        "parameters": [{"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
                       for h in ("OMS-Signature", "OMS-Event-Id", "OMS-Event-Type")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("WebhookEvent")}}},
        "responses": {"200": {"description": "any 2xx: taken; anything else: sent again later, in order"}}}}
        for event, when in EVENTS.items()}


def _description() -> str:
    from chalicelib.services import erp_signing
    return ("Every request is signed (the README's section \"Signing a request\", word for word):\n\n"
            + erp_signing.SIGNING_RECIPE +
            "\nA timestamp more than 300 s from the server's clock, a reused nonce, an unknown key or a wrong "
            "signature gets 401 and changes nothing. Money is integer fen; times are ISO 8601 with offset.\n\n"
            "Scopes. A key holds resource scopes (orders, shipments, after_sales, stock, webhooks; x-scope on each "
            "operation) and may be limited to some shops. A shop-limited key takes and sees only the orders, "
            "after-sale cases and shipments of its shops, and receives webhook events only for them; a record of "
            "another shop answers 404, exactly as one that does not exist. Operations marked x-shop-scoped: false "
            "(stock, per ERP SKU and shared by every shop) are not limited by shops. A take answer may hold fewer "
            "records than asked, even none, with a next_cursor: call again with it until next_cursor is null.")
