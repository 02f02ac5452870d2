"""The shipping admin API: carriers, waybill accounts, waybills (issue, cancel, print, ship, tracking),
PDF labels and pick lists. Thin: parse, one use case, answer. Contract: /work/briefs/shipping-api.md."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Chalice, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.errors import BadRequest
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

PDF = "application/pdf"


class _Blueprint(Blueprint):
    """Registers application/pdf as a binary type on the app it joins: chalice then base64-encodes PDF
    answers for API Gateway (a client sends `Accept: application/pdf`)."""

    def register(self, app: Chalice, options: dict[str, Any]) -> None:
        super().register(app, options)
        if PDF not in app.api.binary_types:
            app.api.binary_types.append(PDF)


bp = _Blueprint(__name__)


def _query(ctx: Ctx, name: str) -> str:
    params = ctx.request.query_params
    return str(params.get(name, "")) if params else ""


def _outcomes(outcomes: list[Any], key: str) -> dict[str, Any]:
    from chalicelib.api.errors import to_response
    from chalicelib.services.waybill_views import waybill_view
    results = []
    for outcome in outcomes:
        if outcome.waybill is not None:
            results.append({key: outcome.key, "ok": True, "waybill": waybill_view(outcome.waybill)})
        else:
            error = to_response(outcome.error).body["error"]
            results.append({key: outcome.key, "ok": False,
                            "error": {k: error[k] for k in ("code", "reason", "message", "holds") if k in error}})
    return {"results": results}


outcomes_view = _outcomes            # the parcels API answers its waybill batches alike (api/fulfilments.py)


def _pdf(body: bytes, name: str) -> Response:
    return Response(body, headers={"Content-Type": PDF, "Content-Disposition": f'inline; filename="{name}"'})


# ---------------------------------------------------------------- carriers and accounts
@admin_route(bp, "/admin/shops/{shop_id}/carriers")
def shop_carriers(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.waybill_accounts import carriers
    return {"items": [{"code": code, "name": name} for code, name in carriers(bootstrap.waybill_deps(), shop_id)]}


@admin_route(bp, "/admin/shops/{shop_id}/waybill-accounts/pull", methods=("POST",), role=Role.OPERATOR)
def pull_waybill_accounts(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.waybill_accounts import pull_accounts
    from chalicelib.services.waybill_views import account_view
    deps = bootstrap.waybill_deps()
    accounts, added, updated = pull_accounts(deps, shop_id)
    default = deps.accounts.default_id(shop_id)
    return {"items": [account_view(a, a.account_id == default) for a in accounts], "added": added,
            "updated": updated}


@admin_route(bp, "/admin/waybill-accounts")
def list_waybill_accounts(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.waybill_accounts import list_accounts
    from chalicelib.services.waybill_views import account_view
    accounts = list_accounts(bootstrap.waybill_deps(), _query(ctx, "shop_id"))
    return {"items": [account_view(a, is_default) for a, is_default in accounts]}


@admin_route(bp, "/admin/shops/{shop_id}/default-waybill-account", methods=("PUT",), role=Role.OPERATOR)
def choose_default_account(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.waybill_schemas import DefaultAccountBody
    from chalicelib.services.waybill_accounts import set_default_account
    from chalicelib.services.waybill_views import account_view
    body = parse(DefaultAccountBody, ctx.request)
    account = set_default_account(bootstrap.waybill_deps(), shop_id, body.account_id, sender_name=body.sender_name,
                                  sender_phone=body.sender_phone)
    return account_view(account, True)


# ---------------------------------------------------------------- waybills
@admin_route(bp, "/admin/waybills", methods=("POST",), role=Role.OPERATOR)
def issue_waybills(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.waybill_schemas import IssueBody
    from chalicelib.services.order_admin import resolve_order_refs
    from chalicelib.services.waybills import issue
    body = parse(IssueBody, ctx.request)
    order_ids = resolve_order_refs(bootstrap.orders(), body.order_ids)     # an id or the platform's number
    outcomes = issue(bootstrap.waybill_deps(), order_ids, account_id=body.account_id or "", merge=body.merge,
                     account_shop_id=body.account_shop_id or "")
    return _outcomes(outcomes, "order_id")


@admin_route(bp, "/admin/waybills")
def list_waybills(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.waybill_views import waybill_view
    from chalicelib.services.waybills import list_waybills as listed
    limit = _query(ctx, "limit") or "50"
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        raise BadRequest("limit must be 1..200", field="limit")
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = listed(bootstrap.waybill_deps(), order_id=_query(ctx, "order_id"), shop_id=_query(ctx, "shop_id"),
                  status=_query(ctx, "status"), limit=int(limit), cursor=cursor)
    return {"items": [waybill_view(w) for w in page.items], "next": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/waybills/{waybill_id}")
def get_waybill(ctx: Ctx, waybill_id: str) -> dict[str, Any]:
    from chalicelib.services.waybill_views import waybill_view
    from chalicelib.services.waybills import get_waybill as found
    return waybill_view(found(bootstrap.waybill_deps(), waybill_id))


@admin_route(bp, "/admin/waybills/{waybill_id}/cancel", methods=("POST",), role=Role.OPERATOR)
def cancel_waybill(ctx: Ctx, waybill_id: str) -> dict[str, Any]:
    from chalicelib.services.waybill_views import waybill_view
    from chalicelib.services.waybills import cancel
    return waybill_view(cancel(bootstrap.waybill_deps(), waybill_id))


@admin_route(bp, "/admin/waybills/printed", methods=("POST",), role=Role.OPERATOR)
def waybills_printed(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.waybill_schemas import WaybillIdsBody
    from chalicelib.services.waybills import mark_printed
    body = parse(WaybillIdsBody, ctx.request)
    return _outcomes(mark_printed(bootstrap.waybill_deps(), body.waybill_ids), "waybill_id")


@admin_route(bp, "/admin/waybills/ship", methods=("POST",), role=Role.OPERATOR)
def ship_waybills(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.waybill_schemas import WaybillIdsBody
    from chalicelib.services.waybills import ship
    body = parse(WaybillIdsBody, ctx.request)
    return _outcomes(ship(bootstrap.waybill_deps(), body.waybill_ids, ctx.actor), "waybill_id")


@admin_route(bp, "/admin/waybills/{waybill_id}/tracking/refresh", methods=("POST",), role=Role.OPERATOR)
def refresh_tracking(ctx: Ctx, waybill_id: str) -> dict[str, Any]:
    from chalicelib.services.waybill_tracking import refresh_one
    from chalicelib.services.waybill_views import waybill_view
    return waybill_view(refresh_one(bootstrap.waybill_deps(), waybill_id))


@admin_route(bp, "/admin/orders/{order_id}/shipments")
def order_shipments(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.waybill_views import waybill_view
    from chalicelib.services.waybills import list_waybills as listed
    deps = bootstrap.waybill_deps()
    return {"items": [shipment_view(s) for s in bootstrap.shipments().for_order(order_id)],
            "waybills": [waybill_view(w) for w in listed(deps, order_id=order_id).items]}


# ---------------------------------------------------------------- printing
@admin_route(bp, "/admin/print-jobs", methods=("POST",), role=Role.OPERATOR)
def print_job(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.waybill_schemas import PrintJobBody
    from chalicelib.printing.waybill_print import print_job as job
    body = parse(PrintJobBody, ctx.request)
    return job(bootstrap.waybill_deps(), body.waybill_ids, body.printer, preview=body.preview)


@admin_route(bp, "/admin/labels", methods=("POST",), role=Role.OPERATOR)
def labels(ctx: Ctx) -> Response:
    from chalicelib.api.waybill_schemas import LabelsBody
    from chalicelib.printing.waybill_print import labels_pdf
    body = parse(LabelsBody, ctx.request)
    return _pdf(labels_pdf(bootstrap.waybill_deps(), body.waybill_ids, body.size), "labels.pdf")


@admin_route(bp, "/admin/picklists", methods=("POST",), role=Role.OPERATOR)
def picklist(ctx: Ctx) -> Response:
    from chalicelib.api.waybill_schemas import PicklistBody
    from chalicelib.printing.waybill_print import picklist_pdf
    from chalicelib.services.order_admin import resolve_order_refs
    body = parse(PicklistBody, ctx.request)
    order_ids = resolve_order_refs(bootstrap.orders(), body.order_ids)     # an id or the platform's number
    return _pdf(picklist_pdf(bootstrap.waybill_deps(), order_ids), "picklist.pdf")
