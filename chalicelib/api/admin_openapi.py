"""The admin API's OpenAPI 3.1 document, served (public: it is a schema, no data) at /admin/openapi.json.
Generated from the app's own routes: every /admin route appears by itself, with its path parameters and
the role its decorator asks for (http.ROUTE_ACCESS). The tables below add what a route does not say:
the pydantic model of its JSON body, its query parameters, answers that are not JSON. A new route that
takes a JSON body needs one row in BODIES."""
from __future__ import annotations

from functools import cache
from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.http import ROUTE_ACCESS, public_route

bp = Blueprint(__name__)
SPEC_PATH = "/admin/openapi.json"

# "METHOD /path" -> "module.Model" under chalicelib/api
BODIES: dict[str, str] = {
    "PUT /admin/review/rules": "review_schemas.RulesBody",
    "PUT /admin/fulfilment/rules": "fulfil_schemas.FulfilRulesBody",
    "PUT /admin/fulfilment/orders/{order_id}/account": "fulfil_schemas.AccountOverrideBody",
    "PUT /admin/review/shops/{shop_id}/auto": "review_schemas.AutoReviewBody",
    "POST /admin/review/blacklist": "review_schemas.BlacklistBody",
    "POST /admin/review/blacklist/remove": "review_schemas.BlacklistRemoveBody",
    "POST /admin/review/confirm": "review_schemas.ConfirmBody",
    "POST /admin/exceptions/release": "review_schemas.ReleaseBody",
    "POST /admin/exports": "export_schemas.ExportBody",
    "POST /admin/exceptions/cancel": "review_schemas.BulkCancelBody",
    "POST /admin/offline-shops": "review_schemas.OfflineShopBody",
    "POST /admin/manual-orders": "review_schemas.ManualOrderBody",
    "POST /admin/order-edits/{order_id}/receiver": "review_schemas.ReceiverEditBody",
    "POST /admin/order-edits/{order_id}/line-sku": "review_schemas.LineSkuBody",
    "POST /admin/order-edits/{order_id}/gift-lines": "review_schemas.GiftLineBody",
    "POST /admin/order-edits/{order_id}/gift-lines/remove": "review_schemas.GiftLineRemoveBody",
    "POST /admin/auth/login": "schemas.LoginBody",
    "POST /admin/auth/password": "schemas.PasswordChangeBody",
    "POST /admin/users": "schemas.NewUserBody",
    "PATCH /admin/users/{username}": "schemas.UserPatchBody",
    "POST /admin/api-tokens": "token_schemas.NewApiTokenBody",
    "POST /admin/orders/{order_id}/memo": "schemas.MemoBody",
    "POST /admin/orders/{order_id}/hold": "schemas.HoldBody",
    "POST /admin/orders/{order_id}/release": "schemas.HoldBody",
    "POST /admin/orders/{order_id}/cancel": "schemas.CancelBody",
    "POST /admin/repair/pull-order": "schemas.PullOrderBody",
    "POST /admin/repair/resync": "schemas.ResyncBody",
    "POST /admin/after-sales/{case_id}/{verb}": "erp_schemas.AfterSaleActionDetails",
    "POST /admin/shops": "shop_schemas.NewShopBody",
    "PATCH /admin/shops/{shop_id}": "shop_schemas.ShopPatchBody",
    "PUT /admin/shops/{shop_id}/tokens": "shop_schemas.TokensBody",
    "POST /admin/shops/{shop_id}/authorize": "shop_schemas.AuthoriseBody",
    "POST /admin/shops/{shop_id}/pause": "shop_schemas.PauseBody",
    "PUT /admin/shops/{shop_id}/stock-sync": "shop_schemas.StockSyncBody",
    "PUT /admin/shops/{shop_id}/skus/{sku_id}/links": "shop_schemas.LinksBody",
    "POST /admin/skus/links/bulk": "shop_schemas.BulkLinksBody",
    "POST /admin/erp-skus": "shop_schemas.ErpSkuBody",
    "PATCH /admin/erp-skus/{sku_code}": "shop_schemas.ErpSkuPatchBody",
    "POST /admin/stock/{sku_code}/adjust": "shop_schemas.AdjustBody",
    "POST /admin/stock/push": "shop_schemas.PushNowBody",
    "POST /admin/stock/discrepancies/{discrepancy_id}/resolve": "shop_schemas.ResolveDiscrepancyBody",
    "POST /admin/warehouses": "warehouse_schemas.WarehouseBody",
    "PATCH /admin/warehouses/{warehouse_id}": "warehouse_schemas.WarehousePatchBody",
    "POST /admin/stock-documents": "warehouse_schemas.StockDocumentBody",
    "POST /admin/erp/clients": "erp_schemas.ClientCreateBody",
    "PATCH /admin/erp/clients/{key_id}": "erp_schemas.ClientPatchBody",
    "POST /admin/erp/clients/{key_id}/rotate": "erp_schemas.RotateBody",
    "POST /admin/erp/dlq/redrive": "erp_schemas.RedriveBody",
    "POST /admin/shipments": "erp_schemas.ManualShipmentBody",
    "PUT /admin/shops/{shop_id}/default-waybill-account": "waybill_schemas.DefaultAccountBody",
    "POST /admin/waybills": "waybill_schemas.IssueBody",
    "POST /admin/fulfilments/merge": "fulfilment_schemas.MergeBody",
    "POST /admin/fulfilments/{fulfilment_id}/split-out": "fulfilment_schemas.SplitOutBody",
    "POST /admin/orders/{order_id}/split": "fulfilment_schemas.SplitBody",
    "POST /admin/fulfilments/waybills": "fulfilment_schemas.ParcelWaybillsBody",
    "PUT /admin/shops/{shop_id}/fulfilment-settings": "fulfilment_schemas.FulfilSettingsBody",
    "POST /admin/waybills/printed": "waybill_schemas.WaybillIdsBody",
    "POST /admin/waybills/ship": "waybill_schemas.WaybillIdsBody",
    "POST /admin/print-jobs": "waybill_schemas.PrintJobBody",
    "POST /admin/labels": "waybill_schemas.LabelsBody",
    "POST /admin/picklists": "waybill_schemas.PicklistBody",
    "POST /admin/goods": "goods_schemas.GoodsBody",
    "PATCH /admin/goods/{goods_id}": "goods_schemas.GoodsPatchBody",
    "PATCH /admin/library-skus/{sku_code}": "goods_schemas.SkuPatchBody",
    "POST /admin/categories": "goods_schemas.CategoryBody",
    "PATCH /admin/categories/{category_id}": "goods_schemas.CategoryPatchBody",
    "POST /admin/brands": "goods_schemas.BrandBody",
    "PATCH /admin/brands/{brand_id}": "goods_schemas.BrandPatchBody",
    "POST /admin/suppliers": "goods_schemas.SupplierBody",
    "PATCH /admin/suppliers/{supplier_id}": "goods_schemas.SupplierPatchBody",
    "POST /admin/goods/images": "goods_schemas.ImageGrantBody",
    "POST /admin/goods/images/confirm": "goods_schemas.ImageConfirmBody",
    "POST /admin/shops/{shop_id}/goods-push": "goods_schemas.PushBody",
    "POST /admin/shops/{shop_id}/goods-push/jobs": "goods_schemas.PushJobBody",
    "POST /admin/goods/import": "goods_schemas.XlsxImportBody",
    "POST /admin/manual-orders/import.xlsx": "goods_schemas.XlsxImportBody",
    "POST /admin/shops/{shop_id}/goods-push/preview": "goods_schemas.PushBody",
    "POST /admin/alerts/channels": "alert_schemas.ChannelBody",
    "PATCH /admin/alerts/channels/{channel_id}": "alert_schemas.ChannelPatchBody",
    "PUT /admin/alerts/quiet": "alert_schemas.QuietBody",
    "POST /admin/dropship/assign": "dropship_schemas.AssignBody",
    "PUT /admin/dropship/orders/{order_id}/lines": "dropship_schemas.AssignLinesBody",
    "POST /admin/dropship/assign-by-rule": "dropship_schemas.RuleBody",
    "PUT /admin/dropship/auto/{shop_id}": "dropship_schemas.AutoBody",
    "POST /admin/supplier/shipments": "dropship_schemas.SupplierShipBody",
    "POST /admin/supplier/shipments/import": "dropship_schemas.TrackingFileBody",
}
OPTIONAL_BODIES = {"POST /admin/shops/{shop_id}/pause", "POST /admin/after-sales/{case_id}/{verb}"}
RAW_BODIES = {"POST /admin/manual-orders/import": "text/csv",
              "POST /admin/erp-skus/import": "text/csv", "POST /admin/shipments/import": "text/csv"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANSWERS = {"GET /admin/erp/orders.csv": "text/csv", "POST /admin/labels": "application/pdf",
           "POST /admin/picklists": "application/pdf",
           "GET /admin/goods/template.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "GET /admin/manual-orders/template.xlsx": XLSX,
           "GET /admin/goods/export.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "GET /admin/orders/export": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PAGE = ("limit", "cursor")
ORDER_FILTERS = ("shop_id", "platform", "hold", "held", "erp_handoff", "order_no", "tracking_no", "q", "sku",
                 "date_field", "date_from", "date_to", "range", "updated_from", "updated_to", "print")
QUERIES: dict[str, tuple[str, ...]] = {
    "GET /admin/exceptions": ("shop_id", "hold", "q", *PAGE),
    "GET /admin/exceptions/at-risk": ("hours", "shop_id"),
    "POST /admin/manual-orders/import": ("shop_id",),
    "POST /admin/manual-orders/import.xlsx": ("shop_id",),
    # the workbench (README "The admin API"): status = all | a tab (to_ship, exception, pending_review, shipped,
    # completed, cancelled, unpaid) | an order status; dates are Asia/Shanghai days on date_field
    # (created | paid | ship_by | updated), or range = today | yesterday | 7d
    "GET /admin/orders": (*ORDER_FILTERS, "status", *PAGE),
    "GET /admin/orders/counts": ORDER_FILTERS,
    "GET /admin/orders/export": (*ORDER_FILTERS, "status", "format"),
    "GET /admin/after-sales": ("shop_id", "platform", "type", "status", "deadline_before", "order_no", *PAGE),
    "GET /admin/after-sales/counts": ("shop_id",),
    "GET /admin/reject-reasons": ("platform",),
    "GET /admin/api-tokens": ("username",),
    "GET /admin/audit": ("actor", "action", "target", "from", "to", *PAGE),
    "GET /admin/shops/{shop_id}/skus": ("unlinked", *PAGE),
    "GET /admin/erp-skus": ("prefix", *PAGE),
    "GET /admin/erp/deliveries": ("key_id", "undelivered", *PAGE),
    "GET /admin/alerts/deliveries": ("undelivered", *PAGE),
    "GET /admin/erp/orders.csv": ("shop_id", "status"),
    "GET /admin/stock": ("codes",),
    "GET /admin/stock/{sku_code}": PAGE,
    "GET /admin/stock/discrepancies": ("open", *PAGE),
    "GET /admin/warehouses/{warehouse_id}/stock": PAGE,
    "GET /admin/stock-documents": PAGE,
    "GET /admin/shops/{shop_id}/stock-pushes": PAGE,
    "GET /admin/waybills": ("shop_id", "status", *PAGE),
    "GET /admin/shops": ("archived",),
    "GET /admin/shipments": ("shop_id", "carrier_code", "source", "status", "from", "to", *PAGE),
    "GET /admin/exports": PAGE,
    "GET /admin/goods": ("q", "prefix", *PAGE),
    "GET /admin/goods/export.xlsx": ("cursor",),
    "GET /admin/categories": PAGE,
    "GET /admin/brands": PAGE,
    "GET /admin/suppliers": PAGE,
    "GET /admin/supplier/orders": ("status", *PAGE),
    "GET /admin/supplier/stock-up": ("format",),
    "GET /admin/dropship/suppliers/{supplier_id}/stock-up": ("format",),
    "GET /admin/dropship/warehouses/{warehouse_id}/stock-up": ("format",),
    # reports (README "Reports and aggregates"): YYYY-MM-DD Asia/Shanghai days, both included, at most 92
    "GET /admin/reports/daily": ("date_from", "date_to", "by"),
    "GET /admin/reports/top-skus": ("date_from", "date_to", "limit"),
    "GET /admin/reports/after-sales": ("date_from", "date_to", "by"),
}
ERRORS = {"400": "the body or a parameter is invalid (fields name which)",
          "401": "no, an expired or a revoked bearer token", "403": "the token's role may not do this",
          "404": "no such record", "405": "the path has no such method", "409": "the record's state does not allow it",
          "413": "body over 1 MB", "415": "the body's content type is not accepted",
          "429": "too many attempts (Retry-After says when to come back)"}


@public_route(bp, SPEC_PATH)
def admin_openapi(ctx: Any) -> Response:
    routes = bp.current_app.routes
    keys = frozenset((method, path, entry.view_function.__doc__ or "") for path, entries in routes.items()
                     for method, entry in entries.items())
    return Response(spec(keys), headers={"Content-Type": "application/json"})


@cache
def spec(routes: frozenset[tuple[str, str, str]]) -> dict[str, Any]:
    """`routes`: (METHOD, path, the view's docstring) of every route of the app."""
    paths: dict[str, Any] = {}
    for method, path, doc in sorted(routes):
        if path.startswith("/admin/"):
            paths.setdefault(path, {})[method.lower()] = _operation(method, path) | (
                {"description": " ".join(doc.split())} if doc.strip() else {})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Qihang OMS admin API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": "/", "description": "this deployment"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": _schemas(), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                       "description": "the token of POST /admin/auth/login"}}},
    }


DESCRIPTION = ("The API behind the admin UI. Sign in with POST /admin/auth/login ({username, password}) and send "
               "the answer's token as `Authorization: Bearer <token>`. Each operation's x-role is the lowest role "
               "that may call it (viewer < operator < admin); `supplier`: a drop-ship supplier's user only (it may "
               "call nothing else but `signed_in` operations). Every error is {\"error\": {\"code\", \"message\", "
               "\"fields\"?}}. Lists page with ?limit= and the answer's cursor.")


def _operation(method: str, path: str) -> dict[str, Any]:
    key = f"{method} {path}"
    access = ROUTE_ACCESS.get((method, path), "admin")
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
              for name in _path_params(path)]
    params += [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
               for name in QUERIES.get(key, ())]
    answer_type = ANSWERS.get(key, "application/json")
    answer_schema = {"type": "string", "format": "binary"} if answer_type != "application/json" else {}
    out: dict[str, Any] = {
        "operationId": _op_id(method, path), "tags": [path.split("/")[2]], "x-role": access,
        "summary": key, "parameters": params,
        "responses": {"2XX": {"description": "done", "content": {answer_type: {"schema": answer_schema}}},
                      **{code: {"description": text, "content": {"application/json": {"schema": _ref("ErrorOut")}}}
                         for code, text in ERRORS.items()}}}
    if access == "public":
        out["security"] = []
    if key in BODIES:
        out["requestBody"] = {"required": key not in OPTIONAL_BODIES, "content": {
            "application/json": {"schema": _ref(BODIES[key].split(".")[1])}}}
    elif key in RAW_BODIES:
        out["requestBody"] = {"required": True, "content": {RAW_BODIES[key]: {"schema": {"type": "string"}}}}
    return out


def _op_id(method: str, path: str) -> str:
    words = [part.strip("{}").replace("-", "_").replace(".", "_") for part in path.split("/")[2:]]
    return "_".join([method.lower(), *words])


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _schemas() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema
    models = {name: _model(name) for name in BODIES.values()}
    pairs = [(m, "validation") for m in models.values()] + [(_model("erp_schemas.ErrorOut"), "serialization")]
    _, top = models_json_schema(pairs, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
    return dict(top.get("$defs", {}))


def _model(dotted: str) -> Any:
    """"module.Model" of BODIES: a schema module new bodies live in must be named here too."""
    # cold start: the schema modules load pydantic models; only the document's route needs them
    from chalicelib.api import (
        alert_schemas,
        dropship_schemas,
        erp_schemas,
        export_schemas,
        fulfil_schemas,
        fulfilment_schemas,
        goods_schemas,
        review_schemas,
        schemas,
        shop_schemas,
        token_schemas,
        warehouse_schemas,
        waybill_schemas,
    )
    modules = {"alert_schemas": alert_schemas, "erp_schemas": erp_schemas, "schemas": schemas,
               "shop_schemas": shop_schemas,
               "waybill_schemas": waybill_schemas, "goods_schemas": goods_schemas, "review_schemas": review_schemas,
               "token_schemas": token_schemas, "warehouse_schemas": warehouse_schemas,
               "fulfil_schemas": fulfil_schemas, "fulfilment_schemas": fulfilment_schemas,
               "export_schemas": export_schemas, "dropship_schemas": dropship_schemas}
    module, name = dotted.split(".")
    return getattr(modules[module], name)
