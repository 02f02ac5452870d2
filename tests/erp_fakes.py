"""Fakes of the ERP hand-off ports that the fakes in tests/fakes.py do not cover."""
from __future__ import annotations

import base64
from typing import Any

from chalicelib.domain.status import ErpHandoff
from chalicelib.services.erp_scope import covers
from chalicelib.services.ports import Page


class FakeHandoffQueue:
    """The ready indexes as DynamoDB serves them: `limit` records READ per call, then the shop filter; the
    cursor stands after the last record read (so a page may be empty and still have a cursor)."""

    def __init__(self, orders: Any = None, cases: Any = None) -> None:
        self.orders, self.cases, self.reads = orders, cases, 0

    def erp_ready_orders(self, limit: int, cursor: str | None = None,
                         shop_ids: frozenset[str] = frozenset()) -> Page[Any]:
        rows = [o for o in self.orders.rows.values() if o.erp_handoff is ErpHandoff.READY]
        return self._page(rows, limit, cursor, shop_ids, lambda o: f"{o.created_at.isoformat()}#{o.order_id}")

    def erp_ready_cases(self, limit: int, cursor: str | None = None,
                        shop_ids: frozenset[str] = frozenset()) -> Page[Any]:
        rows = [c for c in self.cases.rows.values() if c.erp_handoff is ErpHandoff.READY]
        return self._page(rows, limit, cursor, shop_ids, lambda c: f"{c.modified_at.isoformat()}#{c.case_id}")

    def _page(self, rows: list[Any], limit: int, cursor: str | None, shop_ids: frozenset[str],
              key: Any) -> Page[Any]:
        self.reads += 1
        after = base64.b64decode(cursor).decode() if cursor else ""
        rest = sorted((r for r in rows if key(r) > after), key=key)    # keys, not offsets: taken rows leave
        chunk = rest[:limit]
        last = base64.b64encode(key(chunk[-1]).encode()).decode() if len(rest) > limit else None
        return Page([r for r in chunk if covers(shop_ids, r.shop_id)], last)
