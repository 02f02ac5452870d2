"""The audit log: who did what to which record, when, with what outcome, and the before/after.
Secrets and buyer PII never enter an entry: `redact` runs over everything recorded."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

KEEP_DAYS = 400
REDACTED = "[redacted]"
# keys whose values are secrets or buyer PII, wherever they appear in a body
SECRET_KEY = re.compile(r"pass(word)?|secret|token|authori[sz]ation|signature|credential|private|"
                        r"phone|mobile|receiver|address|buyer_name|id_card", re.IGNORECASE)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MAX_STRING = 2000


@dataclass(frozen=True)
class AuditEntry:
    audit_id: str
    at: datetime                 # aware, UTC
    actor: str                   # username, or "erp:<key_id>"
    actor_kind: str              # "admin" | "erp"
    action: str                  # "POST /admin/orders/{order_id}/hold"
    target: str                  # the path parameters' values, "/"-joined
    status: int
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    ip: str = ""

    @property
    def day(self) -> str:
        return self.at.date().isoformat()

    @property
    def sort_key(self) -> str:
        """Sorts as time does (fixed-width UTC), unique by the id."""
        return f"{self.at.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{self.audit_id}"

    def expires_at(self) -> int:
        return int((self.at + timedelta(days=KEEP_DAYS)).timestamp())


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None        # a prefix of the action
    target: str | None = None
    from_day: date | None = None
    to_day: date | None = None
    limit: int = 50
    cursor: str | None = None

    def matches(self, entry: AuditEntry) -> bool:
        return ((self.actor is None or entry.actor == self.actor)
                and (self.action is None or entry.action.startswith(self.action))
                and (self.target is None or entry.target == self.target)
                and (self.from_day is None or entry.at.date() >= self.from_day)
                and (self.to_day is None or entry.at.date() <= self.to_day))


def redact(value: Any, key: str = "") -> Any:
    """A copy with secret- or PII-named keys replaced and mainland mobile numbers masked anywhere."""
    if key and SECRET_KEY.search(key):
        return REDACTED if value not in (None, "", [], {}) else value
    if isinstance(value, dict):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return MOBILE.sub(lambda m: m.group()[:3] + "****" + m.group()[-4:], value[:MAX_STRING])
    return value
