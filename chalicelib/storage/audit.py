"""The audit log in DynamoDB: one partition per day (newest first within it), the by_actor index for
one actor's entries, TTL after KEEP_DAYS. Keys match infra/tables.py."""
from __future__ import annotations

import functools
import operator
from datetime import date, timedelta
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.audit import AuditEntry, AuditQuery
from chalicelib.domain.errors import ValidationError
from chalicelib.services.ports import Page
from chalicelib.storage import paging
from chalicelib.storage.models import index_meta, table_meta

DAYS_PER_PAGE = 31      # a page walks at most this many day partitions, then answers with a cursor


class _ByActor(GlobalSecondaryIndex["AuditItem"]):
    Meta = index_meta("by_actor")
    actor = UnicodeAttribute(hash_key=True)
    ts_id = UnicodeAttribute(range_key=True)


class AuditItem(Model):
    Meta = table_meta("audit")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    day = UnicodeAttribute(hash_key=True)          # "YYYY-MM-DD" (UTC)
    ts_id = UnicodeAttribute(range_key=True)       # AuditEntry.sort_key
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    expires_at = NumberAttribute()
    doc = JSONAttribute()

    by_actor = _ByActor()


class DynamoAuditLog:
    def add(self, entry: AuditEntry) -> None:
        AuditItem(entry.day, entry.sort_key, actor=entry.actor, action=entry.action, target=entry.target,
                  expires_at=entry.expires_at(), doc=to_doc(entry)).save()

    def search(self, query: AuditQuery) -> Page[AuditEntry]:
        assert query.from_day and query.to_day       # services.audit.search fills the window
        if query.actor:
            return self._by_actor(query)
        return self._by_day(query, query.from_day, query.to_day)

    def _by_actor(self, q: AuditQuery) -> Page[AuditEntry]:
        state = paging.decode(q.cursor) or {}
        found = AuditItem.by_actor.query(
            q.actor, AuditItem.ts_id.between(f"{q.from_day}T", f"{q.to_day}T~"), filter_condition=_filter(q),
            scan_index_forward=False, limit=q.limit, last_evaluated_key=state.get("k"))
        items = [_entry(i) for i in found]
        last = found.last_evaluated_key if len(items) == q.limit else None
        return Page(items, paging.encode({"k": last}) if last else None)

    def _by_day(self, q: AuditQuery, oldest: date, newest: date) -> Page[AuditEntry]:
        state = paging.decode(q.cursor) or {}
        day = _day(state.get("d")) or newest
        start_key = state.get("k")
        items: list[AuditEntry] = []
        for _ in range(DAYS_PER_PAGE):
            if day < oldest:
                return Page(items, None)
            found = AuditItem.query(day.isoformat(), filter_condition=_filter(q), scan_index_forward=False,
                                    limit=q.limit - len(items), last_evaluated_key=start_key)
            items += [_entry(i) for i in found]
            if len(items) == q.limit:
                last = found.last_evaluated_key
                return Page(items, paging.encode({"d": day.isoformat(), "k": last}) if last else
                            _next_day(day, oldest))
            day, start_key = day - timedelta(days=1), None
        return Page(items, paging.encode({"d": day.isoformat(), "k": None}) if day >= oldest else None)


def _next_day(day: date, oldest: date) -> str | None:
    previous = day - timedelta(days=1)
    return paging.encode({"d": previous.isoformat(), "k": None}) if previous >= oldest else None


def _filter(q: AuditQuery) -> Any:
    conditions: list[Any] = []
    if q.action:
        conditions.append(AuditItem.action.startswith(q.action))
    if q.target:
        conditions.append(AuditItem.target == q.target)
    return functools.reduce(operator.and_, conditions) if conditions else None


def _day(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError("cursor is not one this API issued", field="cursor") from exc


def _entry(item: AuditItem) -> AuditEntry:
    return from_doc(AuditEntry, item.doc)
