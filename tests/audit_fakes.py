"""The in-memory audit log (the contract suite in tests/security/test_audit_log.py runs it and the
DynamoDB adapter side by side)."""
from __future__ import annotations

import base64

from chalicelib.domain.audit import AuditEntry, AuditQuery
from chalicelib.domain.errors import ValidationError
from chalicelib.services.ports import Page


class InMemoryAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []
        self.fail = False            # True: every write raises, as an unreachable table would

    def add(self, entry: AuditEntry) -> None:
        if self.fail:
            raise ConnectionError("audit table unreachable")
        self.entries.append(entry)

    def search(self, query: AuditQuery) -> Page[AuditEntry]:
        found = sorted((e for e in self.entries if query.matches(e)), key=lambda e: e.sort_key, reverse=True)
        start = _offset(query.cursor)
        end = start + query.limit
        return Page(found[start:end], base64.b64encode(str(end).encode()).decode() if end < len(found) else None)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(cursor))
    except ValueError as exc:
        raise ValidationError("cursor is not one this API issued", field="cursor") from exc
