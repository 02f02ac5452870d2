"""Hand-written fakes of the ports: same behaviour as the DynamoDB adapters (the contract suite in
tests/contract/test_repositories.py runs against both), no AWS."""
from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.order_counters import aggregate_key, scope_of
from chalicelib.domain.order_query import matches
from chalicelib.domain.orders import Order
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import ErpHandoff
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

    def get(self, key: str, *, consistent: bool = True) -> Any:
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
    """Writes orders only, as the DynamoDB adapter does; its counters are kept as in production, by the reports
    consumer's fold (services/report_fold.py) into a report store of its own: `fold()` delivers a note of each
    order written since the last fold, and reading the counters folds first (the consumer caught up)."""

    def __init__(self) -> None:
        super().__init__(lambda o: o.order_id)
        self.unfolded: set[str] = set()
        self.report_store: Any = None

    def get_many(self, order_ids: Any) -> dict[str, Any]:
        return {key: copy.deepcopy(self.rows[key]) for key in order_ids if key in self.rows}

    def add(self, record: Any) -> None:
        super().add(record)
        self.unfolded.add(record.order_id)

    def save(self, record: Any, expected_revision: int) -> None:
        super().save(record, expected_revision)
        self.unfolded.add(record.order_id)

    def fold(self) -> None:
        from chalicelib.services.report_fold import FoldDeps, fold_orders
        from tests.report_fakes import InMemoryReportStore
        if self.report_store is None:
            self.report_store = InMemoryReportStore()
        order_ids, self.unfolded = self.unfolded, set()
        fold_orders(FoldDeps(self.report_store, self, InMemoryAfterSaleRepository(), FixedClock()), order_ids)

    @property
    def counter_rows(self) -> dict[str, dict[str, int]]:
        """Each counter scope's numbers, as folded."""
        self.fold()
        return {scope: dict(values) for key, values in self.report_store.items.items()
                if (scope := scope_of(key)) is not None}

    def counters(self) -> InMemoryOrderCounters:
        return InMemoryOrderCounters(self)

    def query(self, q: OrderQuery) -> Page[Order]:
        rows = [o for o in self.rows.values() if matches(o, q)]
        if q.shop_id and not q.order_no and not q.print_state:     # by_print is by creation time, shop or not
            rows.sort(key=lambda o: (o.updated_at or o.modified_at), reverse=True)
        else:
            rows.sort(key=lambda o: (o.created_at, o.order_id), reverse=True)
        return _page(rows, q.limit, q.cursor)

    def by_order_no(self, order_no: str) -> list[Order]:
        return [o for o in self.rows.values() if o.order_no == order_no]

    def erp_ready(self, limit: int, cursor: str | None = None) -> Page[Order]:
        # oldest order first (storage/order_lists.py: the ERP list is by creation time)
        rows = sorted((o for o in self.rows.values() if o.erp_handoff is ErpHandoff.READY),
                      key=lambda o: (o.created_at, o.order_id))
        return _page(rows, limit, cursor)


class InMemoryOrderCounters:
    def __init__(self, orders: InMemoryOrderRepository) -> None:
        self.orders = orders

    def shop_ids(self) -> list[str]:
        return sorted({o.shop_id for o in self.orders.rows.values()})

    def totals(self, scopes: Any) -> dict[str, int]:
        self.orders.fold()
        out: dict[str, int] = {}
        for scope in set(scopes):
            for name, n in self.orders.report_store.items.get(aggregate_key(scope), {}).items():
                out[name] = out.get(name, 0) + n
        return out


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
        self.sign_ins: dict[str, tuple[int, datetime]] = {}     # name -> (attempts, end of window)
        self._sign_in_lock = threading.Lock()

    def all(self) -> list[User]:
        return sorted(self.rows.values(), key=lambda u: u.username)

    def claim_sign_in(self, name: str, now: datetime, limit: int, window: timedelta) -> datetime | None:
        with self._sign_in_lock:
            attempts, until = self.sign_ins.get(name, (0, now))
            if until <= now:
                attempts = 0
            if attempts >= limit:
                return until
            self.sign_ins[name] = (attempts + 1, now + window)
            return None

    def clear_sign_ins(self, name: str) -> None:
        with self._sign_in_lock:
            self.sign_ins.pop(name, None)


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
        self.pending: dict[tuple[str, Stream], tuple[str, Any]] = {}
        self.sent: dict[tuple[str, Stream], dict[str, tuple[str, float]]] = {}

    def get_cursor(self, shop_id, stream):  # type: ignore[no-untyped-def]
        from chalicelib.domain.sync import Cursor
        return self.cursors.get((shop_id, stream), Cursor(shop_id, stream))

    def acquire_lease(self, shop_id, stream, owner, now, ttl):  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner and cursor.lease_owner != owner and cursor.lease_until and cursor.lease_until > now:
            return None
        self.cursors[(shop_id, stream)] = replace(cursor, lease_owner=owner, lease_until=now + ttl)
        return self.cursors[(shop_id, stream)]

    def advance(self, shop_id, stream, owner, watermark, now, release=False) -> bool:  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner != owner or (cursor.watermark and cursor.watermark >= watermark):
            return False
        freed = {"lease_owner": "", "lease_until": None} if release else {}
        self.cursors[(shop_id, stream)] = replace(cursor, watermark=watermark, last_success_at=now, last_error="",
                                                  **freed)
        return True

    def release(self, shop_id, stream, owner, error: str = "") -> None:  # type: ignore[no-untyped-def]
        cursor = self.get_cursor(shop_id, stream)
        if cursor.lease_owner == owner:
            self.cursors[(shop_id, stream)] = replace(cursor, lease_owner="", lease_until=None,
                                                      last_error=error or cursor.last_error)

    def add_log(self, log) -> None:  # type: ignore[no-untyped-def]
        self.logs.append(log)

    def mark_pending(self, shop_id, stream, job_id, now, until) -> bool:  # type: ignore[no-untyped-def]
        current = self.pending.get((shop_id, stream))
        if current is not None and current[1] >= now:
            return False
        self.pending[(shop_id, stream)] = (job_id, until)
        return True

    def clear_pending(self, shop_id, stream, job_id) -> None:  # type: ignore[no-untyped-def]
        if self.pending.get((shop_id, stream), ("",))[0] == job_id:
            del self.pending[(shop_id, stream)]

    def get_sent(self, shop_id, stream):  # type: ignore[no-untyped-def]
        return dict(self.sent.get((shop_id, stream), {}))

    def put_sent(self, shop_id, stream, sent) -> None:  # type: ignore[no-untyped-def]
        self.sent[(shop_id, stream)] = dict(sent)

    def add_counts(self, shop_id, stream, day, counts) -> None:  # type: ignore[no-untyped-def]
        current = self.stats.setdefault((shop_id, stream, day), {"new": 0, "updated": 0, "unchanged": 0, "failed": 0})
        for key, value in counts.items():
            current[key] = current.get(key, 0) + value

    def counts(self, shop_id, stream, now):  # type: ignore[no-untyped-def]
        return dict(self.stats.get((shop_id, stream, f"{now.astimezone(UTC):%Y-%m-%d}"),
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


# ---------------------------------------------------------------- catalog, stock, shop side items (issue 8)
class InMemoryShopSkuRepository:
    """Same contract as storage/catalog.py's DynamoShopSkuRepository (bundles included)."""

    def __init__(self) -> None:
        from chalicelib.domain.catalog import ShopSku
        self.rows: dict[tuple[str, str], ShopSku] = {}

    def get(self, shop_id: str, platform_sku_id: str):  # type: ignore[no-untyped-def]
        return self.rows.get((shop_id, platform_sku_id))

    def add(self, sku) -> None:  # type: ignore[no-untyped-def]
        key = (sku.shop_id, sku.platform_sku_id)
        if key in self.rows:
            raise ConflictError(f"shop sku {key} exists")
        self.rows[key] = replace(sku, revision=1)

    def save(self, sku, expected_revision: int) -> None:  # type: ignore[no-untyped-def]
        current = self.rows.get((sku.shop_id, sku.platform_sku_id))
        if current is None or current.revision != expected_revision:
            raise ConflictError("shop sku changed meanwhile")
        self.rows[(sku.shop_id, sku.platform_sku_id)] = replace(sku, revision=expected_revision + 1)

    def _shop(self, shop_id: str) -> list[Any]:
        return sorted((s for (shop, _), s in self.rows.items() if shop == shop_id), key=lambda s: s.platform_sku_id)

    def list_shop(self, shop_id: str, limit: int = 50, cursor: str | None = None,  # type: ignore[no-untyped-def]
                  unlinked_only: bool = False):
        return _page([s for s in self._shop(shop_id) if not (unlinked_only and s.links)], limit, cursor)

    def iterate_shop(self, shop_id: str):  # type: ignore[no-untyped-def]
        yield from self._shop(shop_id)

    def unlinked(self, shop_id: str, limit: int = 100) -> list[Any]:
        return [s for s in self._shop(shop_id) if not s.links][:limit]

    def by_merchant_code(self, merchant_code: str) -> list[Any]:
        return sorted((s for s in self.rows.values() if s.merchant_code == merchant_code),
                      key=lambda s: (s.shop_id, s.platform_sku_id))

    def linked_to(self, sku_code: str) -> list[tuple[str, str]]:
        return sorted(k for k, s in self.rows.items() if any(link.sku_code == sku_code for link in s.links))

    def links_for(self, shop_id: str, platform_sku_ids: set[str]):  # type: ignore[no-untyped-def]
        return {i: self.rows[(shop_id, i)].links for i in platform_sku_ids
                if (shop_id, i) in self.rows and self.rows[(shop_id, i)].links}


class InMemoryErpSkuRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda s: s.sku_code)

    def existing_codes(self, sku_codes) -> set[str]:  # type: ignore[no-untyped-def]
        return {c for c in sku_codes if c in self.rows}

    def get_many(self, sku_codes) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        return {c: copy.deepcopy(self.rows[c]) for c in sku_codes if c in self.rows}

    def add_many(self, skus) -> set[str]:  # type: ignore[no-untyped-def]
        refused = set()
        for sku in skus:
            try:
                self.add(sku)
            except ConflictError:
                refused.add(sku.sku_code)
        return refused

    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = ""):  # type: ignore[no-untyped-def]
        return _page([self.rows[c] for c in sorted(self.rows) if c.startswith(prefix)], limit, cursor)


class InMemoryStockLedger:
    """The ledger's contract in memory, per (SKU, warehouse), thread-safe (concurrency tests run against it)."""

    def __init__(self, debounce_seconds: float = 60) -> None:
        import threading
        from datetime import timedelta
        # (code, warehouse) -> [on_hand, reserved, available, in_transit, revision]
        self.counters: dict[tuple[str, str], list[int]] = {}
        self.moves: dict[tuple[str, str], Any] = {}
        self.due: dict[str, datetime] = {}
        self.debounce = timedelta(seconds=debounce_seconds)
        self.discrepancy_rows: dict[str, Any] = {}
        self._lock = threading.RLock()

    def balance(self, sku_code: str, warehouse_id: str = "default"):  # type: ignore[no-untyped-def]
        from chalicelib.domain.inventory import Stock
        with self._lock:
            on_hand, reserved, _, in_transit, revision = self.counters.get((sku_code, warehouse_id), [0] * 5)
            return Stock(sku_code, on_hand, reserved, revision, in_transit, warehouse_id)

    def balances(self, sku_codes, warehouses=("default",)):  # type: ignore[no-untyped-def]
        from chalicelib.domain.inventory import Stock
        out = {}
        for code in sorted(set(sku_codes)):
            parts = [self.balance(code, w) for w in sorted(set(warehouses))]
            out[code] = parts[0] if len(parts) == 1 else Stock(
                code, sum(p.on_hand for p in parts), sum(p.reserved for p in parts),
                sum(p.revision for p in parts), sum(p.in_transit for p in parts), "")
        return out

    def stock_of(self, sku_code: str):  # type: ignore[no-untyped-def]
        with self._lock:
            return [self.balance(c, w) for (c, w) in sorted(self.counters) if c == sku_code]

    def warehouse_stock(self, warehouse_id: str, limit: int = 50, cursor: str | None = None):  # type: ignore[no-untyped-def]
        with self._lock:
            rows = [self.balance(c, w) for (c, w) in sorted(self.counters) if w == warehouse_id]
        return _page(rows, limit, cursor)

    def existing(self, refs) -> set[str]:  # type: ignore[no-untyped-def]
        with self._lock:
            return {key for code, key in refs if (code, key) in self.moves}

    def movement(self, sku_code: str, idempotency_key: str):  # type: ignore[no-untyped-def]
        with self._lock:
            return self.moves.get((sku_code, idempotency_key))

    def apply(self, movements, *, guard_available: bool, guard_on_hand: bool = False,  # type: ignore[no-untyped-def]
              requires=(), forbids=(), discrepancy=None, expect=None):
        from chalicelib.domain.inventory import effect
        from chalicelib.services.stock_ports import Applied
        unique = list({m.idempotency_key: m for m in movements}.values())
        with self._lock:
            if any((m.sku_code, m.idempotency_key) in self.moves for m in unique):
                return Applied.REPLAYED
            deltas: dict[tuple[str, str], list[int]] = {}
            for m in unique:
                d = deltas.setdefault((m.sku_code, m.warehouse_id), [0, 0, 0, 0])
                for i, v in enumerate(effect(m)):
                    d[i] += v
            for place, (on_hand, _, available, _) in deltas.items():
                current = self.counters.get(place, [0] * 5)
                if guard_available and available < 0 and current[2] < -available:
                    return Applied.SHORT
                if guard_on_hand and on_hand < 0 and current[0] < -on_hand:
                    return Applied.SHORT
                if expect and place in expect and current[4] != expect[place]:
                    return Applied.SHORT
            if any(ref not in self.moves for ref in requires) or any(ref in self.moves for ref in forbids):
                return Applied.UNMET
            if discrepancy is not None and discrepancy.discrepancy_id in self.discrepancy_rows:
                return Applied.REPLAYED
            for m in unique:
                self.moves[(m.sku_code, m.idempotency_key)] = m
            if discrepancy is not None:
                from dataclasses import replace as _replace
                self.discrepancy_rows[discrepancy.discrepancy_id] = _replace(discrepancy, revision=1)
            for place, delta in deltas.items():
                row = self.counters.setdefault(place, [0] * 5)
                for i in range(4):
                    row[i] += delta[i]
                row[4] += 1
                if delta[2]:
                    self.due.setdefault(place[0], unique[0].at + self.debounce)
            return Applied.APPLIED

    def set_on_hand(self, movement):  # type: ignore[no-untyped-def]
        from chalicelib.services.stock_ports import Applied
        with self._lock:
            if (movement.sku_code, movement.idempotency_key) in self.moves:
                return Applied.REPLAYED
            self.moves[(movement.sku_code, movement.idempotency_key)] = movement
            row = self.counters.setdefault((movement.sku_code, movement.warehouse_id), [0] * 5)
            row[0], row[2], row[4] = movement.quantity, movement.quantity - row[1], row[4] + 1
            self.due.setdefault(movement.sku_code, movement.at + self.debounce)
            return Applied.APPLIED

    def movements(self, sku_code: str, limit: int = 50, cursor: str | None = None):  # type: ignore[no-untyped-def]
        rows = sorted((m for (c, _), m in self.moves.items() if c == sku_code),
                      key=lambda m: (m.at, m.idempotency_key), reverse=True)
        return _page(rows, limit, cursor)

    def due_for_push(self, now: datetime) -> list[tuple[str, str]]:
        from chalicelib.codec import sortable
        with self._lock:
            return sorted((c, sortable(d)) for c, d in self.due.items() if d <= now)

    def discrepancies(self, open_only: bool, limit: int = 50, cursor: str | None = None):  # type: ignore[no-untyped-def]
        rows = sorted((d for d in self.discrepancy_rows.values() if not (open_only and d.resolved)),
                      key=lambda d: (d.at, d.discrepancy_id), reverse=True)
        return _page(rows, limit, cursor)

    def get_discrepancy(self, discrepancy_id: str):  # type: ignore[no-untyped-def]
        return self.discrepancy_rows.get(discrepancy_id)

    def save_discrepancy(self, discrepancy, expected_revision: int) -> None:  # type: ignore[no-untyped-def]
        from dataclasses import replace as _replace

        from chalicelib.domain.errors import ConflictError
        with self._lock:
            current = self.discrepancy_rows.get(discrepancy.discrepancy_id)
            if current is None or current.revision != expected_revision:
                raise ConflictError(f"discrepancy {discrepancy.discrepancy_id} changed")
            self.discrepancy_rows[discrepancy.discrepancy_id] = _replace(discrepancy, revision=expected_revision + 1)

    def clear_due(self, sku_code: str, due: str) -> None:
        from chalicelib.codec import sortable
        with self._lock:
            if sku_code in self.due and sortable(self.due[sku_code]) == due:
                del self.due[sku_code]

    def mark_due(self, sku_code: str, now: datetime) -> None:
        with self._lock:
            self.due.setdefault(sku_code, now)


class InMemoryStockSyncRepository:
    def __init__(self) -> None:
        self.settings: dict[str, Any] = {}
        self.records: dict[tuple[str, str], Any] = {}
        self.history: list[Any] = []

    def get_settings(self, shop_id: str):  # type: ignore[no-untyped-def]
        from chalicelib.services.stock_ports import StockSyncSettings
        return self.settings.get(shop_id, StockSyncSettings())

    def save_settings(self, shop_id: str, settings, expected_revision: int) -> None:  # type: ignore[no-untyped-def]
        if self.get_settings(shop_id).revision != expected_revision:
            raise ConflictError("settings changed meanwhile")
        self.settings[shop_id] = replace(settings, revision=expected_revision + 1)

    def last_push(self, shop_id: str, platform_sku_id: str):  # type: ignore[no-untyped-def]
        return self.records.get((shop_id, platform_sku_id))

    def record_push(self, record) -> None:  # type: ignore[no-untyped-def]
        self.records[(record.shop_id, record.platform_sku_id)] = record
        self.history.append(record)

    def pushes(self, shop_id: str, limit: int = 50, cursor: str | None = None):  # type: ignore[no-untyped-def]
        return _page([r for (s, _), r in sorted(self.records.items()) if s == shop_id], limit, cursor)


class InMemoryShopLeases:
    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock or FixedClock()
        self.leases: dict[tuple[str, str], tuple[str, datetime]] = {}

    def acquire(self, shop_id: str, purpose: str, holder: str, ttl) -> bool:  # type: ignore[no-untyped-def]
        current = self.leases.get((shop_id, purpose))
        if current and current[0] != holder and current[1] > self.clock.now():
            return False
        self.leases[(shop_id, purpose)] = (holder, self.clock.now() + ttl)
        return True

    def release(self, shop_id: str, purpose: str, holder: str) -> None:
        if self.leases.get((shop_id, purpose), ("",))[0] == holder:
            del self.leases[(shop_id, purpose)]


# ---------------------------------------------------------------- ERP integration and shipments
class InMemoryErpClientRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda c: c.key_id)

    def all(self) -> list[Any]:
        return sorted((copy.deepcopy(c) for c in self.rows.values()), key=lambda c: c.key_id)


class InMemoryDeliveryRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda d: d.delivery_id)

    def add(self, record: Any) -> None:
        if record.delivery_id not in self.rows:
            super().add(record)

    def for_client(self, key_id: str, limit: int, cursor: str | None = None,
                   undelivered_only: bool = False) -> Page[Any]:
        from chalicelib.services.erp_ports import DeliveryStatus
        rows = [d for d in self.rows.values() if d.key_id == key_id
                and not (undelivered_only and d.status is DeliveryStatus.DELIVERED)]
        rows.sort(key=lambda d: (d.created_at, d.event_id), reverse=True)
        return _page(rows, limit, cursor)


class InMemoryStreamRepository:
    def __init__(self) -> None:
        self.streams: dict[tuple[str, str], Any] = {}
        self.results: dict[str, Any] = {}

    def get_stream(self, key_id: str, order_id: str) -> Any:
        return copy.deepcopy(self.streams.get((key_id, order_id)))

    def save_stream(self, stream: Any, expected_revision: int) -> None:
        current = self.streams.get((stream.key_id, stream.order_id))
        if (current.revision if current else 0) != expected_revision:
            raise ConflictError(f"stream {stream.key_id}/{stream.order_id} changed meanwhile")
        self.streams[(stream.key_id, stream.order_id)] = replace(stream, told=dict(stream.told),
                                                                 revision=expected_revision + 1)

    def get_result(self, case_id: str) -> Any:
        return self.results.get(case_id)

    def add_result(self, result: Any) -> None:
        if result.case_id in self.results:
            raise ConflictError(f"answer on case {result.case_id} exists")
        self.results[result.case_id] = replace(result, revision=1)


class InMemoryRateLimiter:
    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = {}

    def hit(self, key: str, window_start: int, ttl_seconds: int) -> int:
        self.counts[(key, window_start)] = self.counts.get((key, window_start), 0) + 1
        return self.counts[(key, window_start)]


class InMemoryCaseQueue:
    """The ERP hand-off queue (HandoffQueue) over the in-memory orders and cases; `shop_ids` filters a page
    after it is read, as the DynamoDB filter does."""

    def __init__(self, cases: InMemoryAfterSaleRepository, orders: InMemoryOrderRepository | None = None) -> None:
        self.cases = cases
        self.orders = orders or InMemoryOrderRepository()

    def erp_ready_orders(self, limit: int, cursor: str | None = None,
                         shop_ids: frozenset[str] = frozenset()) -> Page[Order]:
        page = self.orders.erp_ready(limit, cursor)
        return Page([o for o in page.items if not shop_ids or o.shop_id in shop_ids], page.cursor)

    def erp_ready_cases(self, limit: int, cursor: str | None = None,
                        shop_ids: frozenset[str] = frozenset()) -> Page[AfterSale]:
        rows = sorted((c for c in self.cases.rows.values() if c.erp_handoff is ErpHandoff.READY),
                      key=lambda c: c.modified_at)
        page = _page(rows, limit, cursor)
        return Page([c for c in page.items if not shop_ids or c.shop_id in shop_ids], page.cursor)


class InMemoryShipmentRepository(_Store):
    def __init__(self) -> None:
        super().__init__(lambda s: s.shipment_id)

    def for_order(self, order_id: str) -> list[Any]:
        return sorted((copy.deepcopy(s) for s in self.rows.values() if s.order_id == order_id),
                      key=lambda s: s.created_at)

    def by_tracking(self, tracking_no: str) -> list[Any]:
        return [copy.deepcopy(s) for s in self.rows.values() if s.tracking_no == tracking_no]


class RecordingWebhookSender:
    """Records every POST; `down` makes it fail like an ERP that is not there."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, str], bytes]] = []
        self.down = False

    def send(self, url: str, headers: Any, body: bytes) -> Any:
        from chalicelib.services.erp_ports import SendResult
        if self.down:
            return SendResult(False, 0, "ConnectError: connection refused")
        self.sent.append((url, dict(headers), body))
        return SendResult(True, 200)

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, _, body in self.sent]


_shops_app: Any = None


def shops_app() -> Any:
    """The app with the shop, OAuth, catalog and stock blueprints: app.py once they are registered there,
    until then one test app (a chalice blueprint can be registered only once per process)."""
    global _shops_app
    from app import app
    if any(path.startswith("/admin/shops") for path in app.routes):
        return app
    if _shops_app is None:
        from chalice import Chalice

        from chalicelib.api import catalog, oauth, shops, stock
        _shops_app = Chalice(app_name="shops-test")
        for bp in (shops.bp, oauth.bp, catalog.bp, stock.bp):
            _shops_app.register_blueprint(bp)
    return _shops_app


def serialised_moto() -> Any:
    """moto in-process is not thread-safe inside one request (a transaction deep-copies tables while another
    thread writes), whereas DynamoDB applies each request atomically. Serialising moto's request handling
    restores that; code under test still runs in parallel between requests, where races come from."""
    import threading
    from contextlib import contextmanager

    from moto.core.botocore_stubber import BotocoreStubber

    @contextmanager
    def patched():  # type: ignore[no-untyped-def]
        original = BotocoreStubber.__call__
        lock = threading.Lock()

        def atomic(self, event_name, request, **kwargs):  # type: ignore[no-untyped-def]
            with lock:
                return original(self, event_name, request, **kwargs)

        BotocoreStubber.__call__ = atomic  # type: ignore[method-assign]
        try:
            yield
        finally:
            BotocoreStubber.__call__ = original  # type: ignore[method-assign]
    return patched()


# ---------------------------------------------------------------- after-sale center (issue 7)
class InMemoryAfterSaleQueries:
    """The after-sale list queries over an InMemoryAfterSaleRepository, ordered as the indexes order them."""

    def __init__(self, cases: InMemoryAfterSaleRepository) -> None:
        self.cases = cases

    def list(self, q: Any) -> Any:
        from chalicelib.domain.errors import ValidationError
        from chalicelib.services.ports import Page
        rows = list(self.cases.rows.values())
        if not (q.order_no or q.status or q.shop_id or q.deadline_before):
            raise ValidationError("give shop_id, status, order_no or deadline_before", field="status")
        if q.order_no:
            rows = [c for c in rows if c.order_no == q.order_no]
        if q.deadline_before and not (q.status or q.shop_id or q.order_no):
            rows = [c for c in rows if c.open]          # "deadline soon": the open cases only
        if q.status or q.deadline_before:
            rows.sort(key=lambda c: (c.deadline_at is None, c.deadline_at or c.created_at, c.case_id))
        else:
            rows.sort(key=lambda c: c.modified_at, reverse=True)
        found = [c for c in rows if _case_matches(c, q)]
        start = int(q.cursor or 0)
        end = start + q.limit
        return Page(found[start:end], str(end) if end < len(found) else None)

    def counts(self, shop_id: str = "") -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.cases.rows.values():
            if not shop_id or c.shop_id == shop_id:
                counts[c.status.value] = counts.get(c.status.value, 0) + 1
        return counts


def _case_matches(case: Any, q: Any) -> bool:
    return ((not q.shop_id or case.shop_id == q.shop_id) and (not q.platform or case.platform.value == q.platform)
            and (not q.type or case.type is q.type) and (not q.status or case.status is q.status)
            and (q.deadline_before is None or (case.deadline_at is not None and case.deadline_at < q.deadline_before)))


def action_deps(**given: Any) -> Any:
    """The platform-action handlers' dependencies built from these fakes; `given` replaces any of them."""
    from chalicelib.platforms import registry
    from chalicelib.services.action_handlers.deps import ActionDeps
    from chalicelib.services.after_sales import CaseDeps
    from chalicelib.services.shipments import ShipmentDeps
    clock = given.get("clock") or FixedClock()
    publisher = RecordingPublisher()
    orders = InMemoryOrderRepository()
    defaults: dict[str, Any] = {
        "shops": InMemoryShopRepository(), "clients": lambda _shop: FakePlatformClient(), "platforms": registry,
        "clock": clock,
        "shipments": ShipmentDeps(orders=orders, shipments=InMemoryShipmentRepository(), publisher=publisher,
                                  clock=clock),
        "cases": CaseDeps(cases=InMemoryAfterSaleRepository(), publisher=publisher, clock=clock),
        "stock": InMemoryStockLedger(), "shop_skus": InMemoryShopSkuRepository(),
        "stock_sync": InMemoryStockSyncRepository(), "warehouses": InMemoryWarehouseRepository(),
    }
    return ActionDeps(**{**defaults, **given})


class InMemoryWarehouseRepository:
    """Warehouses in memory; the default exists before anyone saves it (as in storage/warehouses.py)."""

    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}

    def get(self, warehouse_id: str):  # type: ignore[no-untyped-def]
        from chalicelib.domain.warehouses import default_warehouse
        return self.rows.get(warehouse_id) or (default_warehouse() if warehouse_id == "default" else None)

    def list(self) -> list[Any]:
        listed = {"default": self.get("default"), **self.rows}
        return sorted(listed.values(), key=lambda w: (w.warehouse_id != "default", w.warehouse_id))

    def save(self, warehouse, expected_revision: int):  # type: ignore[no-untyped-def]
        from dataclasses import replace as _replace

        from chalicelib.domain.errors import ConflictError
        current = self.rows.get(warehouse.warehouse_id)
        if (current.revision if current else 0) != expected_revision:
            raise ConflictError(f"warehouse {warehouse.warehouse_id} changed")
        self.rows[warehouse.warehouse_id] = _replace(warehouse, revision=expected_revision + 1)
        return self.rows[warehouse.warehouse_id]


class InMemoryStockDocumentRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}

    def get(self, doc_id: str):  # type: ignore[no-untyped-def]
        return self.rows.get(doc_id)

    def add(self, doc) -> bool:  # type: ignore[no-untyped-def]
        from dataclasses import replace as _replace
        if doc.doc_id in self.rows:
            return False
        self.rows[doc.doc_id] = _replace(doc, revision=1)
        return True

    def save(self, doc, expected_revision: int):  # type: ignore[no-untyped-def]
        from dataclasses import replace as _replace

        from chalicelib.domain.errors import ConflictError
        current = self.rows.get(doc.doc_id)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"document {doc.doc_id} changed")
        self.rows[doc.doc_id] = _replace(doc, revision=expected_revision + 1)
        return self.rows[doc.doc_id]
