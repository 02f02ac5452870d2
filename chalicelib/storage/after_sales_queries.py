"""After-sale list queries over the table's indexes (never a Scan): by order, by shop (newest change
first), by status (soonest deadline first); platform and type are filters on the chosen index. Counts
per status come from the status index with Select=COUNT."""
from __future__ import annotations

from typing import Any

from chalicelib.codec import from_doc, sortable
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import order_id_for
from chalicelib.domain.status import AfterSaleStatus
from chalicelib.services.ports import CaseQuery, Page
from chalicelib.storage import paging
from chalicelib.storage.models import AfterSaleItem
from chalicelib.storage.shops import shop_ids


def _shops(q: CaseQuery) -> list[str]:
    """An order number alone (a seller pasting it from a chat) is looked up in every shop: one key query
    each, a handful of shops, rather than an index every case would pay to write."""
    if q.shop_id:
        return [q.shop_id]
    return shop_ids()


OPEN_STATUSES = tuple(s for s in AfterSaleStatus if s not in (
    AfterSaleStatus.REFUNDED, AfterSaleStatus.RESHIPPED, AfterSaleStatus.CLOSED, AfterSaleStatus.FAILED,
    AfterSaleStatus.REJECTED))


class DynamoAfterSaleQueries:
    def list(self, q: CaseQuery) -> Page[AfterSale]:
        if q.order_no:
            items = [i for shop_id in _shops(q) for i in AfterSaleItem.by_order.query(order_id_for(shop_id,
                                                                                                       q.order_no))]
            return Page([c for c in (from_doc(AfterSale, i.doc) for i in items) if _matches(c, q)], None)
        if q.status:
            return self._by_status(q.status, q)
        if q.shop_id:
            results = AfterSaleItem.by_shop_updated.query(q.shop_id, scan_index_forward=False, **_paging(q))
            return _page(results, q)
        if q.deadline_before is not None:
            return self._deadline_soon(q)
        raise ValidationError("give shop_id, status, order_no or deadline_before", field="status")

    def _by_status(self, status: AfterSaleStatus, q: CaseQuery) -> Page[AfterSale]:
        condition = AfterSaleItem.deadline_key < sortable(q.deadline_before) if q.deadline_before else None
        results = AfterSaleItem.by_status_deadline.query(status.value, range_key_condition=condition, **_paging(q))
        return _page(results, q)

    def _deadline_soon(self, q: CaseQuery) -> Page[AfterSale]:
        """Every open status with a deadline before the given time, soonest first (one page)."""
        assert q.deadline_before is not None
        found: list[AfterSale] = []
        for status in OPEN_STATUSES:
            for item in AfterSaleItem.by_status_deadline.query(
                    status.value, range_key_condition=AfterSaleItem.deadline_key < sortable(q.deadline_before),
                    limit=q.limit):
                case = from_doc(AfterSale, item.doc)
                if _matches(case, q):
                    found.append(case)
        found.sort(key=lambda c: c.deadline_at or c.created_at)
        return Page(found[:q.limit], None)

    def counts(self, shop_id: str = "") -> dict[str, int]:
        counts: dict[str, int] = {}
        for status in AfterSaleStatus:
            condition = AfterSaleItem.shop_id == shop_id if shop_id else None
            counts[status.value] = AfterSaleItem.by_status_deadline.count(status.value, filter_condition=condition)
        return counts


def _paging(q: CaseQuery) -> dict[str, Any]:
    return {"limit": q.limit, "last_evaluated_key": paging.decode(q.cursor)}


def _page(results: Any, q: CaseQuery) -> Page[AfterSale]:
    items = [c for c in (from_doc(AfterSale, i.doc) for i in _take(results, q.limit)) if _matches(c, q)]
    return Page(items, paging.encode(results.last_evaluated_key))


def _take(results: Any, limit: int) -> list[Any]:
    taken = []
    for item in results:
        taken.append(item)
        if len(taken) >= limit:
            break
    return taken


def _matches(case: AfterSale, q: CaseQuery) -> bool:
    return ((not q.shop_id or case.shop_id == q.shop_id) and (not q.platform or case.platform.value == q.platform)
            and (not q.type or case.type is q.type) and (not q.status or case.status is q.status)
            and (q.deadline_before is None or (case.deadline_at is not None and case.deadline_at < q.deadline_before)))
