"""The audit log, searchable by admins (contract: docs in the audit-api brief). Newest first; a page may
hold fewer than `limit` entries and still carry `next` (it stops after a month of day partitions)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/audit", role=Role.ADMIN)
def search_audit(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.audit import search
    page = search(bootstrap.audit_log(), bootstrap.clock(), _query(cursors.query(ctx.request)))
    return {"items": [entry_view(e) for e in page.items], "next": cursors.issue(ctx.request, page.cursor)}


def entry_view(entry: Any) -> dict[str, Any]:
    return {"audit_id": entry.audit_id, "at": entry.at.isoformat(), "actor": entry.actor,
            "actor_kind": entry.actor_kind, "action": entry.action, "target": entry.target, "status": entry.status,
            "before": entry.before, "after": entry.after, "ip": entry.ip}


def _query(params: dict[str, str]) -> Any:
    from chalicelib.domain.audit import AuditQuery
    raw_limit = params.get("limit") or "50"
    if not raw_limit.isdigit():
        raise ValidationError("limit must be a whole number 1..200", field="limit")
    return AuditQuery(actor=params.get("actor") or None, action=params.get("action") or None,
                      target=params.get("target") or None, from_day=_day(params, "from"), to_day=_day(params, "to"),
                      limit=int(raw_limit), cursor=params.get("cursor") or None)


def _day(params: dict[str, str], name: str) -> Any:
    from datetime import UTC, date, datetime
    value = params.get(name)
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
        return (moment.astimezone(UTC) if moment.tzinfo else moment).date()   # day partitions are UTC
    except ValueError as exc:
        raise ValidationError(f"{name} must be an ISO 8601 date", field=name) from exc
