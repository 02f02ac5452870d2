"""The authorisation matrix: EVERY route of the app x {admin, operator, viewer, ERP client with every
scope, ERP client without the route's scope, anonymous}. Only the allowed cells get past authentication
and authorisation (an answer other than 401/403, never a 5xx: a 400 or 404 for the dummy input is fine);
every other cell is 401 or 403. A route added without a row here fails the first test.

Platform webhooks, OAuth callbacks, health and sign-in are anonymous by design: the second part checks
that the webhooks and callbacks refuse an unsigned / unstated request (signatures are tested elsewhere)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib.domain.users import Role, User
from tests.erp_kit import bearer, moto_world, new_client, sign_headers

ADMIN, OPERATOR, VIEWER = "admin", "operator", "viewer"
PUBLIC, PLATFORM, OAUTH = "public", "platform", "oauth"   # anonymous by design
API_TOKEN = "api_token"     # a per-user API token (never a sign-in JWT); the tools check its scope themselves
SUPPLIER = "supplier"       # a drop-ship supplier's user: its own routes only, and nobody else on them
SIGNED_IN = "signed_in"     # any signed-in user, a supplier too


def erp(scope: str = "") -> str:
    return f"erp:{scope}"


# (method, route template) -> who may call it: the lowest admin role, an ERP scope, or anonymous-by-design
EXPECTED: dict[tuple[str, str], str] = {
    ("GET", "/health"): PUBLIC,
    ("POST", "/admin/auth/login"): PUBLIC,
    ("GET", "/admin/openapi.json"): PUBLIC,
    ("GET", "/oauth/{platform}/callback"): OAUTH,
    ("POST", "/webhooks/douyin/{app_key}"): PLATFORM,
    ("POST", "/webhooks/kuaishou/{app_key}"): PLATFORM,
    ("GET", "/webhooks/wechat/{shop_id}"): PLATFORM,
    ("POST", "/webhooks/wechat/{shop_id}"): PLATFORM,
    ("POST", "/webhooks/xhs/{shop_id}/{push_secret}"): PLATFORM,
    # ------------------------------------------------------------ the admin API
    ("GET", "/admin/auth/me"): SIGNED_IN,
    ("POST", "/admin/auth/password"): SIGNED_IN,
    ("GET", "/admin/users"): ADMIN,
    ("POST", "/admin/users"): ADMIN,
    ("PATCH", "/admin/users/{username}"): ADMIN,
    ("POST", "/mcp"): API_TOKEN,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/admin/api-tokens"): VIEWER,
    ("POST", "/admin/api-tokens"): VIEWER,
    ("DELETE", "/admin/api-tokens/{token_id}"): VIEWER,
    ("GET", "/admin/orders"): VIEWER,
    ("GET", "/admin/orders/counts"): VIEWER,
    ("GET", "/admin/orders/export"): OPERATOR,
    ("GET", "/admin/dashboard"): VIEWER,
    ("GET", "/admin/reports/summary"): VIEWER,
    ("GET", "/admin/reports/daily"): VIEWER,
    ("GET", "/admin/reports/top-skus"): VIEWER,
    ("GET", "/admin/reports/after-sales"): VIEWER,
    ("GET", "/admin/orders/{order_id}"): VIEWER,
    ("GET", "/admin/orders/{order_id}/raw"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/memo"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/hold"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/release"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/cancel"): OPERATOR,
    ("GET", "/admin/review/config"): VIEWER,
    ("PUT", "/admin/review/rules"): ADMIN,
    ("GET", "/admin/fulfilment/rules"): VIEWER,
    ("PUT", "/admin/fulfilment/rules"): ADMIN,
    ("GET", "/admin/fulfilment/orders/{order_id}/plan"): VIEWER,
    ("PUT", "/admin/fulfilment/orders/{order_id}/account"): OPERATOR,
    ("PUT", "/admin/review/shops/{shop_id}/auto"): ADMIN,
    ("POST", "/admin/review/blacklist"): OPERATOR,
    ("POST", "/admin/review/blacklist/remove"): OPERATOR,
    ("POST", "/admin/review/confirm"): OPERATOR,
    ("GET", "/admin/exceptions/counts"): VIEWER,
    ("GET", "/admin/exceptions"): VIEWER,
    ("GET", "/admin/exceptions/at-risk"): VIEWER,
    ("POST", "/admin/exceptions/release"): OPERATOR,
    ("POST", "/admin/exceptions/cancel"): OPERATOR,
    ("POST", "/admin/offline-shops"): ADMIN,
    ("POST", "/admin/manual-orders"): OPERATOR,
    ("POST", "/admin/manual-orders/import"): OPERATOR,
    ("POST", "/admin/manual-orders/import.xlsx"): OPERATOR,
    ("GET", "/admin/manual-orders/template.xlsx"): VIEWER,
    ("POST", "/admin/order-edits/{order_id}/receiver"): OPERATOR,
    ("POST", "/admin/order-edits/{order_id}/line-sku"): OPERATOR,
    ("POST", "/admin/order-edits/{order_id}/gift-lines"): OPERATOR,
    ("POST", "/admin/order-edits/{order_id}/gift-lines/remove"): OPERATOR,
    ("GET", "/admin/after-sales"): VIEWER,
    ("GET", "/admin/after-sales/counts"): VIEWER,
    ("GET", "/admin/after-sales/{case_id}"): VIEWER,
    ("GET", "/admin/reject-reasons"): VIEWER,
    ("POST", "/admin/after-sales/{case_id}/{verb}"): OPERATOR,
    ("GET", "/admin/dlq"): ADMIN,
    ("GET", "/admin/dlq/{queue}"): ADMIN,
    ("POST", "/admin/dlq/{queue}/redrive"): ADMIN,
    ("GET", "/admin/sync"): VIEWER,
    ("POST", "/admin/sync/{shop_id}/now"): OPERATOR,
    ("GET", "/admin/sync/{shop_id}/{stream}/logs"): VIEWER,
    ("POST", "/admin/repair/pull-order"): OPERATOR,
    ("POST", "/admin/repair/resync"): OPERATOR,
    ("GET", "/admin/shops"): VIEWER,
    ("POST", "/admin/shops"): ADMIN,
    ("GET", "/admin/shops/{shop_id}"): VIEWER,
    ("PATCH", "/admin/shops/{shop_id}"): ADMIN,
    ("DELETE", "/admin/shops/{shop_id}"): ADMIN,
    ("GET", "/admin/shipments"): VIEWER,
    ("POST", "/admin/exports"): OPERATOR,
    ("GET", "/admin/exports"): VIEWER,
    ("GET", "/admin/exports/{export_id}"): VIEWER,
    ("PUT", "/admin/shops/{shop_id}/tokens"): ADMIN,
    ("POST", "/admin/shops/{shop_id}/authorize"): ADMIN,
    ("POST", "/admin/shops/{shop_id}/pause"): OPERATOR,
    ("POST", "/admin/shops/{shop_id}/resume"): OPERATOR,
    ("POST", "/admin/shops/{shop_id}/tokens/refresh"): ADMIN,
    ("GET", "/admin/shops/{shop_id}/stock-sync"): VIEWER,
    ("PUT", "/admin/shops/{shop_id}/stock-sync"): ADMIN,
    ("GET", "/admin/shops/{shop_id}/stock-pushes"): VIEWER,
    ("POST", "/admin/shops/{shop_id}/catalog/pull"): OPERATOR,
    ("GET", "/admin/shops/{shop_id}/skus"): VIEWER,
    ("POST", "/admin/shops/{shop_id}/skus/auto-link"): OPERATOR,
    ("PUT", "/admin/shops/{shop_id}/skus/{sku_id}/links"): OPERATOR,
    ("POST", "/admin/skus/links/bulk"): OPERATOR,
    ("GET", "/admin/erp-skus"): VIEWER,
    ("POST", "/admin/erp-skus"): OPERATOR,
    ("POST", "/admin/erp-skus/import"): ADMIN,
    ("PATCH", "/admin/erp-skus/{sku_code}"): OPERATOR,
    ("GET", "/admin/goods"): VIEWER,
    ("POST", "/admin/goods"): OPERATOR,
    ("GET", "/admin/goods/{goods_id}"): VIEWER,
    ("PATCH", "/admin/goods/{goods_id}"): OPERATOR,
    ("PATCH", "/admin/library-skus/{sku_code}"): OPERATOR,
    ("DELETE", "/admin/library-skus/{sku_code}"): OPERATOR,
    ("GET", "/admin/library-skus/{sku_code}/shop-skus"): VIEWER,
    ("GET", "/admin/categories"): VIEWER,
    ("POST", "/admin/categories"): OPERATOR,
    ("PATCH", "/admin/categories/{category_id}"): OPERATOR,
    ("GET", "/admin/brands"): VIEWER,
    ("POST", "/admin/brands"): OPERATOR,
    ("PATCH", "/admin/brands/{brand_id}"): OPERATOR,
    ("GET", "/admin/suppliers"): VIEWER,
    ("POST", "/admin/suppliers"): OPERATOR,
    ("GET", "/admin/suppliers/{supplier_id}"): VIEWER,
    ("PATCH", "/admin/suppliers/{supplier_id}"): OPERATOR,
    ("POST", "/admin/dropship/assign"): OPERATOR,
    ("PUT", "/admin/dropship/orders/{order_id}/lines"): OPERATOR,
    ("POST", "/admin/dropship/assign-by-rule"): OPERATOR,
    ("GET", "/admin/dropship/auto"): VIEWER,
    ("PUT", "/admin/dropship/auto/{shop_id}"): ADMIN,
    ("GET", "/admin/dropship/suppliers/{supplier_id}/stock-up"): VIEWER,
    ("GET", "/admin/dropship/warehouses/{warehouse_id}/stock-up"): VIEWER,
    ("GET", "/admin/supplier/orders"): SUPPLIER,
    ("POST", "/admin/supplier/shipments"): SUPPLIER,
    ("POST", "/admin/supplier/shipments/import"): SUPPLIER,
    ("GET", "/admin/supplier/stock-up"): SUPPLIER,
    ("POST", "/admin/goods/images"): OPERATOR,
    ("POST", "/admin/goods/images/confirm"): OPERATOR,
    ("POST", "/admin/shops/{shop_id}/goods-push"): OPERATOR,
    ("POST", "/admin/shops/{shop_id}/goods-push/jobs"): OPERATOR,
    ("GET", "/admin/goods/template.xlsx"): VIEWER,
    ("GET", "/admin/goods/export.xlsx"): VIEWER,
    ("POST", "/admin/goods/import"): ADMIN,
    ("POST", "/admin/shops/{shop_id}/goods-push/preview"): OPERATOR,
    ("GET", "/admin/jobs/{job_id}"): VIEWER,
    ("GET", "/admin/stock"): VIEWER,
    ("POST", "/admin/stock/push"): OPERATOR,
    ("GET", "/admin/stock/{sku_code}"): VIEWER,
    ("GET", "/admin/stock/discrepancies"): VIEWER,
    ("POST", "/admin/stock/discrepancies/{discrepancy_id}/resolve"): OPERATOR,
    ("POST", "/admin/stock/{sku_code}/adjust"): OPERATOR,
    ("GET", "/admin/stock/{sku_code}/warehouses"): VIEWER,
    ("GET", "/admin/warehouses"): VIEWER,
    ("GET", "/admin/stock/reconcile-reports"): VIEWER,
    ("POST", "/admin/stock/reconcile"): OPERATOR,
    ("POST", "/admin/warehouses"): ADMIN,
    ("PATCH", "/admin/warehouses/{warehouse_id}"): ADMIN,
    ("GET", "/admin/warehouses/{warehouse_id}/stock"): VIEWER,
    ("GET", "/admin/stock-documents"): VIEWER,
    ("POST", "/admin/stock-documents"): OPERATOR,
    ("GET", "/admin/stock-documents/{doc_id}"): VIEWER,
    ("POST", "/admin/stock-documents/{doc_id}/{verb}"): OPERATOR,
    ("POST", "/admin/shipments"): OPERATOR,
    ("POST", "/admin/shipments/import"): OPERATOR,
    ("GET", "/admin/shipments/{shipment_id}"): VIEWER,
    ("POST", "/admin/shipments/{shipment_id}/mark-shipped"): OPERATOR,
    ("GET", "/admin/alerts/settings"): VIEWER,
    ("POST", "/admin/alerts/channels"): ADMIN,
    ("PATCH", "/admin/alerts/channels/{channel_id}"): ADMIN,
    ("DELETE", "/admin/alerts/channels/{channel_id}"): ADMIN,
    ("POST", "/admin/alerts/channels/{channel_id}/test"): ADMIN,
    ("PUT", "/admin/alerts/quiet"): ADMIN,
    ("GET", "/admin/alerts/deliveries"): VIEWER,
    ("GET", "/admin/erp/clients"): ADMIN,
    ("POST", "/admin/erp/clients"): ADMIN,
    ("GET", "/admin/erp/clients/{key_id}"): ADMIN,
    ("PATCH", "/admin/erp/clients/{key_id}"): ADMIN,
    ("DELETE", "/admin/erp/clients/{key_id}"): ADMIN,
    ("POST", "/admin/erp/clients/{key_id}/rotate"): ADMIN,
    ("GET", "/admin/erp/deliveries"): VIEWER,
    ("GET", "/admin/erp/deliveries/{delivery_id}"): VIEWER,
    ("POST", "/admin/erp/deliveries/{delivery_id}/replay"): OPERATOR,
    ("POST", "/admin/erp/deliveries/{delivery_id}/retry"): OPERATOR,
    ("GET", "/admin/erp/dlq"): OPERATOR,
    ("POST", "/admin/erp/dlq/redrive"): ADMIN,
    ("GET", "/admin/erp/openapi.json"): VIEWER,
    ("GET", "/admin/erp/orders.csv"): OPERATOR,
    ("GET", "/admin/shops/{shop_id}/carriers"): VIEWER,
    ("POST", "/admin/shops/{shop_id}/waybill-accounts/pull"): OPERATOR,
    ("GET", "/admin/waybill-accounts"): VIEWER,
    ("PUT", "/admin/shops/{shop_id}/default-waybill-account"): OPERATOR,
    ("POST", "/admin/waybills"): OPERATOR,
    ("GET", "/admin/orders/{order_id}/parcels"): VIEWER,
    ("POST", "/admin/fulfilments/merge"): OPERATOR,
    ("POST", "/admin/fulfilments/{fulfilment_id}/unmerge"): OPERATOR,
    ("POST", "/admin/fulfilments/{fulfilment_id}/split-out"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/split"): OPERATOR,
    ("POST", "/admin/orders/{order_id}/unsplit"): OPERATOR,
    ("GET", "/admin/shops/{shop_id}/merge-proposals"): VIEWER,
    ("GET", "/admin/shops/{shop_id}/fulfilment-settings"): VIEWER,
    ("PUT", "/admin/shops/{shop_id}/fulfilment-settings"): ADMIN,
    ("POST", "/admin/fulfilments/waybills"): OPERATOR,
    ("GET", "/admin/waybills"): VIEWER,
    ("GET", "/admin/waybills/{waybill_id}"): VIEWER,
    ("POST", "/admin/waybills/{waybill_id}/cancel"): OPERATOR,
    ("POST", "/admin/waybills/printed"): OPERATOR,
    ("POST", "/admin/waybills/ship"): OPERATOR,
    ("POST", "/admin/waybills/{waybill_id}/tracking/refresh"): OPERATOR,
    ("GET", "/admin/orders/{order_id}/shipments"): VIEWER,
    ("POST", "/admin/print-jobs"): OPERATOR,
    ("POST", "/admin/labels"): OPERATOR,
    ("POST", "/admin/picklists"): OPERATOR,
    # ------------------------------------------------------------ the ERP API (HMAC; scopes)
    ("GET", "/erp/v1/openapi.json"): erp(),
    ("POST", "/erp/v1/orders/take"): erp("orders"),
    ("GET", "/erp/v1/orders/{order_id}"): erp("orders"),
    ("GET", "/erp/v1/fulfilments/{fulfilment_id}"): erp("orders"),
    ("POST", "/erp/v1/orders/{order_id}/ack"): erp("orders"),
    ("POST", "/erp/v1/shipments"): erp("shipments"),
    ("GET", "/erp/v1/shipments/{shipment_id}"): erp("shipments"),
    ("POST", "/erp/v1/after-sales/take"): erp("after_sales"),
    ("GET", "/erp/v1/after-sales/{case_id}"): erp("after_sales"),
    ("POST", "/erp/v1/after-sales/{case_id}/result"): erp("after_sales"),
    ("POST", "/erp/v1/after-sales/{case_id}/actions"): erp("after_sales"),
    ("GET", "/erp/v1/stock/{sku_code}"): erp("stock"),
    ("PUT", "/erp/v1/stock/{sku_code}"): erp("stock"),
}

PRINCIPALS = ("admin", "operator", "viewer", "supplier", "erp_all_scopes", "erp_other_scope", "anonymous",
              "token_read", "token_operator")
TOKEN_PRINCIPALS = {"token_read": ("eye", "read"), "token_operator": ("ops", "operator")}
RANK = {VIEWER: 0, OPERATOR: 1, ADMIN: 2}
ANONYMOUS_BY_DESIGN = (PUBLIC, PLATFORM, OAUTH)


def app_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, methods in app.routes.items() for method in methods}


def allowed(rule: str, principal: str) -> bool:
    if rule in ANONYMOUS_BY_DESIGN:
        return True
    if rule == API_TOKEN:
        return principal in TOKEN_PRINCIPALS
    if rule == SIGNED_IN:
        return principal in RANK or principal == SUPPLIER
    if SUPPLIER in (rule, principal):
        return rule == principal
    if rule.startswith("erp:"):
        scope = rule[4:]
        return principal == "erp_all_scopes" or (principal == "erp_other_scope" and not scope)
    return principal in RANK and RANK[principal] >= RANK[rule]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: f"no-such-{m.group(1).replace('_', '-')}", path)


def test_given_the_app_then_every_route_has_a_row_and_every_row_a_route() -> None:
    missing = sorted(app_routes() - set(EXPECTED))
    stale = sorted(set(EXPECTED) - app_routes())
    assert not missing, f"routes without an expected row in the matrix: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    all_scopes = ("orders", "shipments", "after_sales", "stock", "webhooks")
    with moto_world() as w, Client(app, stage_name="test") as client:
        w["users"].add(User(username="maker", password_hash="not-a-real-hash", role=Role.SUPPLIER,
                            supplier_id="SUP-MATRIX"))
        wide = new_client(all_scopes)
        narrow = new_client(("webhooks",))
        yield {**w, "client": client, "erp_all_scopes": wide, "erp_other_scope": narrow,
               **{who: api_token(*made) for who, made in TOKEN_PRINCIPALS.items()}}


def api_token(username: str, scope: str) -> str:
    from chalicelib import bootstrap
    from chalicelib.domain.api_tokens import TokenScope
    from chalicelib.services.api_tokens import create_token
    return create_token(bootstrap.api_tokens(), bootstrap.clock(), bootstrap.api_token_key(),
                        bootstrap.users().get(username), name="matrix", scope=TokenScope(scope), days=1,
                        rate_per_minute=1000)[1]


def call(w: dict[str, Any], principal: str, method: str, path: str) -> Any:
    body = b"" if method in ("GET", "DELETE") else b"{}"
    if principal in RANK or principal == SUPPLIER:
        headers = bearer({"admin": "root", "operator": "ops", "viewer": "eye", SUPPLIER: "maker"}[principal])
    elif principal in TOKEN_PRINCIPALS:
        headers = {"Authorization": f"Bearer {w[principal]}", "Content-Type": "application/json"}
    elif principal.startswith("erp_"):
        key_id, secret = w[principal]
        headers = sign_headers(key_id, secret, method, path, body)
    else:
        headers = {"Content-Type": "application/json"}
    return w["client"].http.request(method, path, headers=headers, body=body)


CELLS = [(method, path, principal) for (method, path), rule in sorted(EXPECTED.items())
         if rule not in (PLATFORM, OAUTH) for principal in PRINCIPALS]


@pytest.mark.parametrize("method, path, principal", CELLS, ids=[f"{m} {p} as {who}" for m, p, who in CELLS])
def test_given_a_cell_of_the_matrix_then_only_allowed_cells_get_through(world: dict[str, Any], method: str,
                                                                        path: str, principal: str) -> None:
    response = call(world, principal, method, concrete(path))
    if allowed(EXPECTED[(method, path)], principal):
        assert response.status_code not in (401, 403), response.body
        assert response.status_code < 500, response.body
    else:
        assert response.status_code in (401, 403), response.body
        code = json.loads(response.body)["error"]["code"]
        assert code in ("unauthenticated", "forbidden")


ANONYMOUS_ROUTES = [(m, p) for (m, p), rule in sorted(EXPECTED.items()) if rule in (PLATFORM, OAUTH)]


@pytest.mark.parametrize("method, path", ANONYMOUS_ROUTES, ids=[f"{m} {p}" for m, p in ANONYMOUS_ROUTES])
def test_given_an_anonymous_by_design_route_when_unsigned_then_refused(world: dict[str, Any], method: str,
                                                                       path: str) -> None:
    body = b"" if method == "GET" else b'{"order_id": "1"}'
    response = world["client"].http.request(method, concrete(path), headers={"Content-Type": "application/json"},
                                            body=body)
    assert 400 <= response.status_code < 500, (response.status_code, response.body)


def test_given_an_erp_client_scoped_to_shop_a_when_reading_a_shop_b_order_then_404(world: dict[str, Any]) -> None:
    """The object-level cell: a key limited to shop A finds shop B's order exactly as an id that is not
    there (404, not 403); shop A's own order, and B's for a key of B, answer 200."""
    from chalicelib import bootstrap
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from tests.erp_kit import ready_order
    for shop_id in ("MA", "MB"):
        bootstrap.shops().add(Shop(shop_id, shop_id, Platform.TAOBAO, f"seller-{shop_id}", app_key="k"))
    scoped = {shop: new_client(("orders",), shop_ids=[shop], shops=bootstrap.shops()) for shop in ("MA", "MB")}
    order_a, order_b = ready_order(shop_id="MA"), ready_order(shop_id="MB")

    def get(shop: str, order_id: str) -> Any:
        key_id, secret = scoped[shop]
        path = f"/erp/v1/orders/{order_id}"
        return world["client"].http.get(path, headers=sign_headers(key_id, secret, "GET", path))

    assert get("MA", order_a).status_code == 200 and get("MB", order_b).status_code == 200
    across, absent = get("MA", order_b), get("MA", "MB-no-such-order")
    assert across.status_code == absent.status_code == 404
    assert json.loads(across.body)["error"]["code"] == json.loads(absent.body)["error"]["code"]
