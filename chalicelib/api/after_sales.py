"""After-sales in the admin API: list with filters and cursor paging, counts per status for the dashboard,
detail with history, and the seller's actions (written to the platform through the platform-actions queue)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.users import Role

bp = Blueprint(__name__)
ACTIONS = {"approve": "approve_refund", "reject": "reject_refund", "approve-return": "approve_return",
           "confirm-received": "confirm_received", "reissue": "reissue", "note": "note"}
FILTERS = ("shop_id", "platform", "type", "status", "deadline_before", "order_no", "limit", "cursor")


@admin_route(bp, "/admin/after-sales")
def list_after_sales(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.after_sales import list_cases
    page = list_cases(bootstrap.after_sale_queries(), _query(cursors.query(ctx.request)))
    return {"items": [summary(c) for c in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/after-sales/counts")
def count_after_sales(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.after_sales import count_cases
    params: dict[str, str] = dict(ctx.request.query_params or {})
    shop_id = params.get("shop_id", "")
    return {"shop_id": shop_id, "counts": count_cases(bootstrap.after_sale_queries(), shop_id)}


@admin_route(bp, "/admin/reject-reasons")
def reject_reasons(ctx: Ctx) -> dict[str, Any]:
    """The reason codes reject_refund takes, per platform (?platform= for one)."""
    from chalicelib.domain.reject_reasons import REJECT_REASONS
    platform = dict(ctx.request.query_params or {}).get("platform")
    if platform is not None and platform not in REJECT_REASONS:
        raise ValidationError(f"platform must be one of {', '.join(REJECT_REASONS)}", field="platform")
    chosen = {platform: REJECT_REASONS[platform]} if platform else REJECT_REASONS
    return {"platforms": {p: [{"code": c, "label": label} for c, label in codes.items()]
                          for p, codes in chosen.items()}}


@admin_route(bp, "/admin/after-sales/{case_id}")
def get_after_sale(ctx: Ctx, case_id: str) -> dict[str, Any]:
    from chalicelib.services.after_sales import get_case
    case = get_case(bootstrap.after_sales(), case_id)
    order = bootstrap.orders().get(case.order_id)
    # the interception view: is the order held, and has the ERP already taken it (then it must answer)
    shipments = [bootstrap.shipments().get(i) for i in case.reissue_shipment_ids]
    return {**detail(case), "reissue_shipments": [
        {"shipment_id": x.shipment_id, "status": x.status.value, "platform_error": x.platform_error}
        for x in shipments if x is not None], "order": None if order is None else {
        "status": order.status.value, "holds": sorted(h.value for h in order.holds),
        "erp_handoff": order.erp_handoff.value, "refund_state": order.refund_state.value}}


@admin_route(bp, "/admin/after-sales/{case_id}/{verb}", methods=("POST",), role=Role.OPERATOR)
def act_on_after_sale(ctx: Ctx, case_id: str, verb: str) -> Response:
    from chalicelib.api.erp_schemas import AfterSaleActionBody
    from chalicelib.services.after_sales import perform
    if verb not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", field="action")
    data = _body(ctx) | {"action": ACTIONS[verb]}
    body = AfterSaleActionBody.model_validate(data)
    case, created = perform(bootstrap.after_sale_deps(), case_id, ctx.actor, body.action,
                            body.model_dump(mode="json", exclude={"action"}))
    return Response({**detail(case), "created": created}, status_code=202 if created else 200,
                    headers={"Content-Type": "application/json"})


def _body(ctx: Ctx) -> dict[str, Any]:
    if not ctx.request.raw_body:
        return {}
    from pydantic import BaseModel, ConfigDict

    class _Any(BaseModel):
        model_config = ConfigDict(extra="allow")
    data = parse(_Any, ctx.request).model_dump()
    if "action" in data:
        raise ValidationError("the action is named by the path, not the body", field="action")
    return data


def _query(params: dict[str, str]) -> Any:
    from chalicelib.domain.status import AfterSaleStatus, AfterSaleType
    from chalicelib.services.ports import CaseQuery
    unknown = sorted(set(params) - set(FILTERS))
    if unknown:
        raise ValidationError(f"unknown filter {unknown[0]}", field=unknown[0])
    return CaseQuery(shop_id=params.get("shop_id", ""), platform=params.get("platform", ""),
                     type=_enum(AfterSaleType, params, "type"), status=_enum(AfterSaleStatus, params, "status"),
                     deadline_before=_time(params, "deadline_before"), order_no=params.get("order_no", ""),
                     limit=_int(params, "limit", 50), cursor=params.get("cursor"))


def _enum(kind: Any, params: dict[str, str], name: str) -> Any:
    if name not in params:
        return None
    try:
        return kind(params[name])
    except ValueError as exc:
        raise ValidationError(f"{name} must be one of {', '.join(k.value for k in kind)}", field=name) from exc


def _time(params: dict[str, str], name: str) -> datetime | None:
    if name not in params:
        return None
    try:
        value = datetime.fromisoformat(params[name])
    except ValueError as exc:
        raise ValidationError(f"{name} must be an ISO 8601 time", field=name) from exc
    if value.tzinfo is None:
        raise ValidationError(f"{name} needs a time zone", field=name)
    return value


def _int(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError as exc:
        raise ValidationError(f"{name} must be an integer", field=name) from exc


def summary(case: Any) -> dict[str, Any]:
    return {"case_id": case.case_id, "shop_id": case.shop_id, "platform": case.platform.value,
            "order_id": case.order_id, "order_no": case.order_no, "type": case.type.value,
            "status": case.status.value, "platform_status": case.platform_status, "refund_fen": case.refund_fen,
            "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None,
            "pending_action": case.pending_action, "action_error": case.action_error,
            "modified_at": case.modified_at.isoformat()}


def detail(case: Any) -> dict[str, Any]:
    from chalicelib.services.erp_views import case_view
    return {**case_view(case), "evidence_urls": list(case.evidence_urls), "pending_action": case.pending_action,
            "action_error": case.action_error, "reissue_shipment_ids": list(case.reissue_shipment_ids),
            "history": [{"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "action": e.action,
                         "text": e.text} for e in case.history]}
