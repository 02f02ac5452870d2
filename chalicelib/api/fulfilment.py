"""Fulfilment strategies (发货策略) in the admin API: the warehouse, carrier and gift rules and the carriers'
unreachable areas, an order's plan and why, and an operator's waybill account for one order."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/fulfilment/rules")
def get_rules(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.fulfil_admin import current
    return current(bootstrap.fulfil_admin_deps())


@admin_route(bp, "/admin/fulfilment/rules", methods=("PUT",), role=Role.ADMIN)
def put_rules(ctx: Ctx) -> dict[str, Any]:
    """One kind of rules saved whole (the kind in the body: an audit target is an id, never a word)."""
    from chalicelib.api.fulfil_schemas import FulfilRulesBody
    from chalicelib.services.fulfil_admin import current, save
    body = parse(FulfilRulesBody, ctx.request)
    deps = bootstrap.fulfil_admin_deps()
    before = current(deps)
    view, job_id = save(deps, body.kind, body.rules, body.version, ctx.actor)
    return ctx.audited({**view, "job_id": job_id},
                       before={"version": before["version"], body.kind: before.get(body.kind)})


@admin_route(bp, "/admin/fulfilment/orders/{order_id}/plan")
def get_plan(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services.erp_views import plan_view
    order = bootstrap.orders().get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    return {"order_id": order_id, "revision": order.revision, "plan": plan_view(order.plan),
            "gift_lines": [{"line_id": x.line_id, "sku_code": x.merchant_code, "quantity": x.quantity}
                           for x in order.lines if x.gift],
            "history": [{"at": h.at.isoformat(), "actor": h.actor, "summary": h.summary} for h in order.history
                        if h.actor == "system:fulfilment" or "waybill account" in h.summary]}


@admin_route(bp, "/admin/fulfilment/orders/{order_id}/account", methods=("PUT",), role=Role.OPERATOR)
def put_account(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.fulfil_schemas import AccountOverrideBody
    from chalicelib.services.carrier_choice import override_account
    from chalicelib.services.erp_views import plan_view
    body = parse(AccountOverrideBody, ctx.request)
    order = override_account(bootstrap.waybill_deps(), order_id, body.account_id, ctx.actor, body.revision)
    return ctx.audited({"order_id": order_id, "revision": order.revision, "plan": plan_view(order.plan)})
