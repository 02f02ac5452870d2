"""Hand-written fakes of the ports: same behaviour as the DynamoDB adapters (the contract suite in
tests/contract/test_repositories.py runs against both), no AWS."""
from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import ErpHandoff, OrderStatus
from chalicelib.domain.users import User
from chalicelib.services.ports import OrderQuery, Page

T = TypeVar("T")


class FixedClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kw: float) -> None:
        from datetime import timedelta
        self.current += timedelta(**kw)


class _Store:
    """Records keyed by id with a revision each; writes conditional like DynamoDB's."""

    def __init__(self, key: Callable[[Any], str]) -> None:
        self._key = key
        self.rows: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return copy.deepcopy(self.rows.get(key))

    def add(self, record: Any) -> None:
        key = self._key(record)
        if key in self.rows:
            raise ConflictError(f"{key} exists")
        self.rows[key] = replace(record, revision=1)

    def save(self, record: Any, expected_revision: int) -> None:
        key = self._key(record)
        current = self.rows.get(key)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"{key} changed meanwhile")
        self.rows[key] = replace(record, revision=expected_revision + 1)


def _page(items: list[T], limit: int, cursor: str | None) -> Page[T]:
    start = int(base64.b64decode(cursor)) if cursor else 0
    chunk = items[start:start + limit]
    more = start + limit < len(items)
    return Page(chunk, base64.b64encode(str(start + limit).encode()).decode() if more else None)


class InMemoryOrderRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda o: o.order_id)

    def query(self, q: OrderQuery) -> Page[Order]:
        rows = [o for o in self.rows.values() if _matches(o, q)]
        if q.shop_id and not q.order_no:
            rows.sort(key=lambda o: (o.updated_at or o.modified_at), reverse=True)
        else:
            rows.sort(key=lambda o: o.created_at, reverse=True)
        return _page(rows, q.limit, q.cursor)

    def by_order_no(self, order_no: str) -> list[Order]:
        return [o for o in self.rows.values() if o.order_no == order_no]

    def erp_ready(self, limit: int, cursor: str | None = None) -> Page[Order]:
        rows = sorted((o for o in self.rows.values() if o.erp_handoff is ErpHandoff.READY),
                      key=lambda o: o.updated_at or o.modified_at)
        return _page(rows, limit, cursor)


def _matches(o: Order, q: OrderQuery) -> bool:
    if q.order_no and o.order_no != q.order_no:
        return False
    if q.shop_id and o.shop_id != q.shop_id:
        return False
    status = q.status or (None if (q.shop_id or q.order_no or q.held_only or q.hold) else OrderStatus.AWAITING_SHIPMENT)
    if status and o.status is not status:
        return False
    if (q.held_only or q.hold) and not o.holds:
        return False
    if q.hold and q.hold not in o.holds:
        return False
    if q.platform and o.platform.value != q.platform:
        return False
    if q.erp_handoff and o.erp_handoff.value != q.erp_handoff:
        return False
    if q.tracking_no and o.tracking_no != q.tracking_no:
        return False
    if q.text and q.text not in " ".join(filter(None, [o.order_no, o.receiver.name_masked if o.receiver else "",
                                                        o.receiver.phone_masked if o.receiver else ""])):
        return False
    updated = o.updated_at or o.modified_at
    if q.shop_id and q.updated_from and updated < q.updated_from:
        return False
    return not (q.shop_id and q.updated_to and updated > q.updated_to)


class InMemoryAfterSaleRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda c: c.case_id)

    def for_order(self, order_id: str) -> list[AfterSale]:
        return sorted((c for c in self.rows.values() if c.order_id == order_id), key=lambda c: c.created_at)


class InMemoryShopRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda s: s.shop_id)
        self.secrets: dict[str, ShopSecrets] = {}

    def by_app(self, platform: str, app_key: str) -> list[Shop]:
        return sorted((s for s in self.rows.values() if s.platform == platform and s.app_key == app_key),
                      key=lambda s: s.shop_id)

    def get_secrets(self, shop_id: str) -> ShopSecrets | None:
        return self.secrets.get(shop_id)

    def put_secrets(self, shop_id: str, secrets: ShopSecrets, expected_revision: int) -> None:
        current = self.secrets.get(shop_id)
        if (current.revision if current else 0) != expected_revision:
            raise ConflictError(f"secrets of shop {shop_id} changed meanwhile")
        self.secrets[shop_id] = replace(secrets, revision=expected_revision + 1)

    def by_seller(self, platform: str, seller_id: str) -> Shop | None:
        return next((s for s in self.rows.values() if s.platform == platform and s.seller_id == seller_id), None)

    def syncing(self) -> list[Shop]:
        return sorted((s for s in self.rows.values() if s.syncing), key=lambda s: s.shop_id)

    def all(self) -> list[Shop]:
        return sorted(self.rows.values(), key=lambda s: s.shop_id)


class InMemoryUserRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda u: u.username)

    def all(self) -> list[User]:
        return sorted(self.rows.values(), key=lambda u: u.username)


class InMemoryIdempotencyStore:
    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock()
        self.keys: dict[str, datetime] = {}

    def claim(self, key: str, ttl_seconds: int) -> bool:
        from datetime import timedelta
        now = self.clock.now()
        if key in self.keys and self.keys[key] > now:
            return False
        self.keys[key] = now + timedelta(seconds=ttl_seconds)
        return True

    def release(self, key: str) -> None:
        self.keys.pop(key, None)


class RecordingPublisher:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []

    def publish(self, queue: str, messages: Iterable[tuple[str, str, str]]) -> None:
        for body, group, dedup in messages:
            self.sent.append((queue, body, group, dedup))

    def bodies(self, queue: str) -> list[dict[str, Any]]:
        return [json.loads(b) for q, b, _, _ in self.sent if q == queue]


class InMemorySyncRepository:
    def __init__(self) -> None:
        from chalicelib.domain.sync import Cursor, PullLog, Stream
        self.cursors: dict[tuple[str, Stream], Cursor] = {}
        self.logs: list[PullLog] = []
        self.stats: dict[tuple[str, Stream, str], dict[str, int]] = {}

    def get_cursor(self, shop_id, stream):  # type: ignore[no-untyped-def]
        from chalicelib.domain.sync import Cursor
        return self.cursors.get((shop_id, stream), Cursor(shop_id, stream))

    def acquire_lease(self, shop_id, stream, owner, now, ttl) -> bool:  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner and cursor.lease_owner != owner and cursor.lease_until and cursor.lease_until > now:
            return False
        self.cursors[(shop_id, stream)] = replace(cursor, lease_owner=owner, lease_until=now + ttl)
        return True

    def advance(self, shop_id, stream, owner, watermark, now) -> bool:  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner != owner or (cursor.watermark and cursor.watermark >= watermark):
            return False
        self.cursors[(shop_id, stream)] = replace(cursor, watermark=watermark, last_success_at=now, last_error="")
        return True

    def release(self, shop_id, stream, owner, error: str = "") -> None:  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner == owner:
            self.cursors[(shop_id, stream)] = replace(cursor, lease_owner="", lease_until=None,
                                                      last_error=error or cursor.last_error)

    def add_log(self, log) -> None:  # type: ignore[no-untyped-def]
        self.logs.append(log)

    def add_counts(self, shop_id, stream, day, counts) -> None:  # type: ignore[no-untyped-def]
        current = self.stats.setdefault((shop_id, stream, day), {"new": 0, "updated": 0, "unchanged": 0, "failed": 0})
        for key, value in counts.items():
            current[key] = current.get(key, 0) + value

    def counts(self, shop_id, stream, now):  # type: ignore[no-untyped-def]
        return dict(self.stats.get((shop_id, stream, f"{now:%Y-%m-%d}"),
                                   {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}))


class InMemoryRawStore:
    def __init__(self) -> None:
        self.objects: dict[str, list[dict[str, Any]]] = {}

    def put_batch(self, shop: Shop, stream: str, payloads: list[dict[str, Any]]) -> str:
        key = f"{shop.platform.value}/{shop.shop_id}/{stream}/{len(self.objects)}.jsonl.gz"
        self.objects[key] = list(payloads)
        return key


class FakePlatformClient:
    """Orders and cases in memory, listed by modified time; errors can be scripted per call."""

    def __init__(self, orders: Iterable[Any] = (), cases: Iterable[Any] = ()) -> None:
        from datetime import timedelta

        from chalicelib.domain.platform import Platform
        self.platform = Platform.TAOBAO
        self.max_window = timedelta(hours=1)
        self.settle_lag = timedelta(minutes=1)
        self.orders = {o.order_no: o for o in orders}
        self.cases = {c.case_id: c for c in cases}
        self.fail_next: list[Exception] = []
        self.calls = 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.fail_next:
            raise self.fail_next.pop(0)

    def list_orders(self, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
        self._maybe_fail()
        yield from sorted((o for o in self.orders.values() if start <= o.modified_at < end),
                          key=lambda o: o.modified_at)

    def list_after_sales(self, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
        self._maybe_fail()
        yield from sorted((c for c in self.cases.values() if start <= c.modified_at < end),
                          key=lambda c: c.modified_at)

    def get_order(self, order_no: str):  # type: ignore[no-untyped-def]
        self._maybe_fail()
        return self.orders[order_no]

    def get_after_sale(self, case_id: str):  # type: ignore[no-untyped-def]
        self._maybe_fail()
        return self.cases[case_id]
