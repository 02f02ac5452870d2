"""The order processing center (订单处理) in the admin API: the review rules and switches, the blacklist, an
operator's confirmation, and the exception center (held orders by reason, released or cancelled in bulk)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

if TYPE_CHECKING:      # every Lambda of the app loads this module: the order model only where it is used
    from chalicelib.domain.orders import Order

bp = Blueprint(__name__)


def processing_view(order: Order) -> dict[str, Any]:
    from chalicelib.api.views import order_summary
    return {**order_summary(order), "review": order.review.value, "hold_notes": dict(order.hold_notes),
            "rule_holds": sorted(h.value for h in order.rule_holds), "seller_flag": order.seller_flag,
            "revision": order.revision}


def _changed(view: dict[str, Any], job_id: str) -> dict[str, Any]:
    return {**view, "job_id": job_id}


# ------------------------------------------------------------------ configuration
@admin_route(bp, "/admin/review/config")
def get_config(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.review_admin import current
    return current(bootstrap.review_admin_deps())


@admin_route(bp, "/admin/review/rules", methods=("PUT",), role=Role.ADMIN)
def put_rules(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import RulesBody
    from chalicelib.services.review_admin import current, save_rules
    body = parse(RulesBody, ctx.request)
    deps = bootstrap.review_admin_deps()
    before = current(deps)
    view, job_id = save_rules(deps, body.rules, body.version, ctx.actor)
    return ctx.audited(_changed(view, job_id), before={"version": before["version"], "rules": before["rules"]})


@admin_route(bp, "/admin/review/shops/{shop_id}/auto", methods=("PUT",), role=Role.ADMIN)
def put_auto_review(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.review_schemas import AutoReviewBody
    from chalicelib.services.review_admin import set_auto_review
    body = parse(AutoReviewBody, ctx.request)
    view, job_id = set_auto_review(bootstrap.review_admin_deps(), shop_id, body.on, body.version, ctx.actor)
    return ctx.audited(_changed(view, job_id))


@admin_route(bp, "/admin/review/blacklist", methods=("POST",), role=Role.OPERATOR)
def add_to_blacklist(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import BlacklistBody
    from chalicelib.services.review_admin import add_blacklist
    body = parse(BlacklistBody, ctx.request)
    view, job_id = add_blacklist(bootstrap.review_admin_deps(), body.model_dump(exclude={"version"}), body.version,
                                 ctx.actor)
    return ctx.audited(_changed(view, job_id))


@admin_route(bp, "/admin/review/blacklist/remove", methods=("POST",), role=Role.OPERATOR)
def remove_from_blacklist(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import BlacklistRemoveBody
    from chalicelib.services.review_admin import remove_blacklist
    body = parse(BlacklistRemoveBody, ctx.request)
    view, job_id = remove_blacklist(bootstrap.review_admin_deps(), body.key, body.version, ctx.actor)
    return ctx.audited(_changed(view, job_id))


# ------------------------------------------------------------------ an operator's confirmation
@admin_route(bp, "/admin/review/confirm", methods=("POST",), role=Role.OPERATOR)
def confirm_orders(ctx: Ctx) -> dict[str, Any]:
    """One order: a lost race is a 409 (review.changed). Several: each answers for itself."""
    from chalicelib.api.review_schemas import ConfirmBody
    from chalicelib.services.review import confirm_many, confirm_order
    body = parse(ConfirmBody, ctx.request)
    orders, clock = bootstrap.orders(), bootstrap.clock()
    if len(body.order_ids) == 1:
        order_id = body.order_ids[0]
        order = confirm_order(orders, clock, order_id, ctx.actor, body.revisions.get(order_id))
        return ctx.audited({"results": [{"order_id": order_id, "outcome": "confirmed",
                                         "order": processing_view(order)}]})
    results = confirm_many(orders, clock, body.order_ids, ctx.actor, body.revisions)
    return ctx.audited({"results": [{"order_id": c.order_id, "outcome": c.outcome,
                                     "order": processing_view(o) if o else None} for c, o in results]})


# ------------------------------------------------------------------ the exception center
@admin_route(bp, "/admin/exceptions/counts")
def exception_counts(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.exceptions import held_counts
    by_reason, by_shop, pairs = held_counts(bootstrap.order_counters())
    return {"by_reason": [{"reason": r, "count": n} for r, n in sorted(by_reason.items(), key=lambda x: -x[1])],
            "by_shop": [{"shop_id": s, "count": n} for s, n in sorted(by_shop.items(), key=lambda x: -x[1])],
            "by_reason_shop": [{"reason": r, "shop_id": s, "count": n} for (r, s), n in sorted(pairs.items())],
            "truncated": False}   # kept for older UIs: counters count every held order


@admin_route(bp, "/admin/exceptions")
def list_exceptions(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.order_params import order_query
    params = {**cursors.query(ctx.request), "held": "true"}
    page = bootstrap.orders().query(order_query(params, bootstrap.clock().now()))
    return {"items": [processing_view(o) for o in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/exceptions/release", methods=("POST",), role=Role.OPERATOR)
def release_exceptions(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import ReleaseBody
    from chalicelib.services.exceptions import release_many
    body = parse(ReleaseBody, ctx.request)
    results = release_many(bootstrap.orders(), bootstrap.clock(), body.order_ids, ctx.actor)
    return ctx.audited({"results": [_outcome(outcome, order) for outcome, order in results]})


@admin_route(bp, "/admin/exceptions/cancel", methods=("POST",), role=Role.OPERATOR)
def cancel_exceptions(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import BulkCancelBody
    from chalicelib.services.exceptions import cancel_many
    body = parse(BulkCancelBody, ctx.request)
    results = cancel_many(bootstrap.orders(), bootstrap.clock(), body.order_ids, body.reason, ctx.actor)
    return ctx.audited({"results": [_outcome(outcome, order) for outcome, order in results]})


@admin_route(bp, "/admin/exceptions/at-risk")
def late_risk(ctx: Ctx) -> dict[str, Any]:
    """Awaiting shipment with the platform's ship-by time within `hours` (default 24): overdue first."""
    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.ship_by import at_risk
    params: dict[str, str] = dict(ctx.request.query_params or {})
    try:
        hours = int(params.get("hours", "24"))
    except ValueError as exc:
        raise ValidationError("hours must be a whole number", field="hours") from exc
    if not 1 <= hours <= 240:
        raise ValidationError("hours must be 1 to 240", field="hours")
    found, truncated = at_risk(bootstrap.orders(), bootstrap.clock().now(), hours, params.get("shop_id"))
    return {"items": [{**processing_view(o), "ship_by_at": o.ship_by_at.isoformat() if o.ship_by_at else None}
                      for o in found], "truncated": truncated}


def _outcome(outcome: Any, order: Order | None) -> dict[str, Any]:
    return {"order_id": outcome.order_id, "outcome": outcome.outcome, "kept": list(outcome.kept),
            "message": outcome.message, "order": processing_view(order) if order else None}
