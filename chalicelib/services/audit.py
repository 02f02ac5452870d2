"""Audit use cases: record an entry (never failing the action it records) and search the log."""
from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from chalicelib.domain.audit import KEEP_DAYS, AuditEntry, AuditQuery, redact
from chalicelib.domain.errors import ValidationError
from chalicelib.services.ports import AuditLog, Page

log = logging.getLogger("oms.audit")
MAX_LIMIT = 200


def record(audit_log: AuditLog, clock: Any, *, actor: str, actor_kind: str, action: str, target: str, status: int,
           before: Any = None, after: Any = None, ip: str = "") -> AuditEntry | None:
    """Writes one entry; a failure is logged (without the entry's content) and swallowed: the action it
    records has already happened and must still be answered."""
    entry = AuditEntry(audit_id=uuid.uuid4().hex, at=clock.now(), actor=actor, actor_kind=actor_kind,
                       action=action, target=target, status=status, before=_as_dict(before),
                       after=_as_dict(after), ip=ip)
    try:
        audit_log.add(entry)
    except Exception:
        log.warning("audit write failed", extra={"action": action, "status": status}, exc_info=True)
        return None
    return entry


def search(audit_log: AuditLog, clock: Any, query: AuditQuery) -> Page[AuditEntry]:
    """Fills the day window: `to` defaults to today, `from` to the oldest day still kept."""
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be 1..{MAX_LIMIT}", field="limit")
    to_day = query.to_day or clock.now().date()
    from_day = query.from_day or to_day - timedelta(days=KEEP_DAYS)
    if from_day > to_day:
        raise ValidationError("from is after to", field="from")
    return audit_log.search(replace(query, from_day=from_day, to_day=to_day))


def _as_dict(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    cleaned = redact(value if isinstance(value, dict) else {"value": value})
    return cleaned if isinstance(cleaned, dict) else {"value": cleaned}
