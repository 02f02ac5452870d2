"""The ports the use cases need: repositories, queries, clock, queue. storage/, messaging/ and platforms/
implement them; tests use the hand-written fakes in tests/fakes.py, and one contract suite runs against
both. Every Protocol of the service layer lives in this module or a sibling *_ports.py: platform_ports
(the platform client by role, the platform specs), stock_ports (catalog, links, stock), erp_ports (the
ERP integration), waybill_ports (e-waybills)."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

# the query dataclasses' field types: the codec resolves them at run time (typing.get_type_hints)
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType

if TYPE_CHECKING:
    # annotations only: a use case importing its ports does not load every domain module (cold start; the
    # orders model alone is ~17 ms) for types it never touches
    from chalicelib.domain.after_sales import AfterSale
    from chalicelib.domain.audit import AuditEntry, AuditQuery
    from chalicelib.domain.order_query import OrderQuery
    from chalicelib.domain.orders import Order, SkuLink
    from chalicelib.domain.shipping import Shipment
    from chalicelib.domain.shops import Shop, ShopSecrets
    from chalicelib.domain.sync import Cursor, PullLog, Stream
    from chalicelib.domain.users import User


def __getattr__(name: str) -> Any:
    """`OrderQuery` is re-exported (callers import it from here with the repository it queries)."""
    if name == "OrderQuery":
        from chalicelib.domain.order_query import OrderQuery  # cold start: loaded by whoever asks
        return OrderQuery
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursor: str | None          # opaque; None: no more


class OrderCounters(Protocol):
    def totals(self, scopes: Collection[str]) -> dict[str, int]:
        """Each counter name summed over the scopes (domain/order_counters.py), folded by the reports
        consumer from the orders' changes (seconds behind them)."""
    def shop_ids(self) -> list[str]:
        """Every shop whose orders may be counted."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class OrderRepository(Protocol):
    def get(self, order_id: str, *, consistent: bool = True) -> Order | None: ...
    def get_many(self, order_ids: Collection[str]) -> dict[str, Order]:
        """Eventually consistent, by key, the found ones only (one call for a consumer's batch)."""
    def add(self, order: Order) -> None:
        """Insert; ConflictError if the order exists."""
    def save(self, order: Order, expected_revision: int) -> None:
        """Replace the order if its stored revision is still `expected_revision` (else ConflictError).
        The stored revision becomes expected_revision + 1."""
    def query(self, q: OrderQuery) -> Page[Order]: ...
    def by_order_no(self, order_no: str) -> list[Order]: ...
    def erp_ready(self, limit: int, cursor: str | None = None) -> Page[Order]: ...


class AfterSaleRepository(Protocol):
    def get(self, case_id: str) -> AfterSale | None: ...
    def add(self, case: AfterSale) -> None: ...
    def save(self, case: AfterSale, expected_revision: int) -> None: ...
    def for_order(self, order_id: str) -> list[AfterSale]: ...


class ShopRepository(Protocol):
    def get(self, shop_id: str) -> Shop | None: ...
    def add(self, shop: Shop) -> None: ...
    def save(self, shop: Shop, expected_revision: int) -> None: ...
    def by_seller(self, platform: str, seller_id: str) -> Shop | None: ...
    def syncing(self) -> list[Shop]: ...
    def all(self) -> list[Shop]: ...
    def by_app(self, platform: str, app_key: str) -> list[Shop]: ...
    def get_secrets(self, shop_id: str) -> ShopSecrets | None: ...
    def put_secrets(self, shop_id: str, secrets: ShopSecrets, expected_revision: int) -> None:
        """expected_revision 0 for the first secrets; ConflictError if another writer got there first."""


class UserRepository(Protocol):
    def get(self, username: str) -> User | None: ...
    def add(self, user: User) -> None: ...
    def save(self, user: User, expected_revision: int) -> None: ...
    def all(self) -> list[User]: ...
    def claim_sign_in(self, name: str, now: datetime, limit: int, window: timedelta) -> datetime | None:
        """Counts one sign-in attempt at `name` (known or not) before its password is checked, atomically
        whatever the concurrency. None: it may go ahead (at most `limit` in a window that restarts at each
        one); else when the name unlocks."""
    def clear_sign_ins(self, name: str) -> None: ...


class IdempotencyStore(Protocol):
    def claim(self, key: str, ttl_seconds: int) -> bool:
        """True the first time a key is claimed within its TTL; False for a replay."""
    def release(self, key: str) -> None:
        """Frees a claimed key whose work did not happen, so a retry can claim it again."""


class RawStore(Protocol):
    def put_batch(self, shop: Shop, stream: str, payloads: list[dict[str, Any]]) -> str:
        """Stores raw platform payloads losslessly, one object per batch (not per order); returns its key."""


class Publisher(Protocol):
    def publish(self, queue: str, messages: Iterable[tuple[str, str, str]]) -> None:
        """(body, group id, deduplication id) per message; batched 10 at a time."""


@dataclass(frozen=True)
class CaseQuery:
    shop_id: str = ""
    platform: str = ""
    type: AfterSaleType | None = None
    status: AfterSaleStatus | None = None
    deadline_before: datetime | None = None
    order_no: str = ""
    limit: int = 50
    cursor: str | None = None


class CaseQueries(Protocol):
    def list(self, q: CaseQuery) -> Page[AfterSale]: ...
    def counts(self, shop_id: str = "") -> dict[str, int]: ...


class AuditLog(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    def search(self, query: AuditQuery) -> Page[AuditEntry]: ...


@dataclass(frozen=True)
class ShipmentListQuery:
    day_from: date
    day_to: date
    shop_id: str = ""
    carrier_code: str = ""
    source_prefix: str = ""
    status: str = ""
    limit: int = 50
    cursor: str | None = None


class ShipmentLists(Protocol):
    def list_page(self, query: ShipmentListQuery) -> tuple[list[Shipment], str | None]: ...


class SyncRepository(Protocol):
    def get_cursor(self, shop_id: str, stream: Stream) -> Cursor: ...
    def acquire_lease(self, shop_id: str, stream: Stream, owner: str, now: datetime,
                      ttl: timedelta) -> Cursor | None:
        """The cursor as the lease write left it (no read after it); None while another owner holds it."""
    def advance(self, shop_id: str, stream: Stream, owner: str, watermark: datetime, now: datetime,
                release: bool = False) -> bool: ...
    def release(self, shop_id: str, stream: Stream, owner: str, error: str = "") -> None: ...
    def add_log(self, log: PullLog) -> None: ...
    def clear_pending(self, shop_id: str, stream: Stream, job_id: str) -> None: ...
    def get_sent(self, shop_id: str, stream: Stream) -> dict[str, tuple[str, float]]: ...
    def put_sent(self, shop_id: str, stream: Stream, sent: dict[str, tuple[str, float]]) -> None: ...


class PendingMarks(Protocol):
    def mark_pending(self, shop_id: str, stream: Stream, job_id: str, now: datetime, until: datetime) -> bool: ...
    def clear_pending(self, shop_id: str, stream: Stream, job_id: str) -> None: ...


class ShopStatusStore(Protocol):
    def get(self, shop_id: str) -> Shop | None: ...
    def save(self, shop: Shop, expected_revision: int) -> None: ...


class ShopStore(Protocol):
    def get(self, shop_id: str) -> Shop | None: ...
    def add(self, shop: Shop) -> None: ...
    def save(self, shop: Shop, expected_revision: int) -> None: ...
    def by_seller(self, platform: str, seller_id: str) -> Shop | None: ...
    def all(self) -> list[Shop]: ...
    def get_secrets(self, shop_id: str) -> ShopSecrets | None: ...
    def put_secrets(self, shop_id: str, secrets: ShopSecrets, expected_revision: int) -> None: ...


class ShopWriter(Protocol):
    def add(self, shop: Shop) -> None: ...
    def by_seller(self, platform: str, seller_id: str) -> Shop | None: ...
    def get_secrets(self, shop_id: str) -> ShopSecrets | None: ...
    def put_secrets(self, shop_id: str, secrets: ShopSecrets, expected_revision: int) -> None: ...


class Leases(Protocol):
    def acquire(self, shop_id: str, purpose: str, holder: str, ttl: timedelta) -> bool: ...
    def release(self, shop_id: str, purpose: str, holder: str) -> None: ...


class ShopBound(Protocol):
    @property
    def shop_id(self) -> str: ...


class ShopDirectory(Protocol):
    def get(self, shop_id: str) -> object | None: ...


class SecretsSource(Protocol):
    def get_secrets(self, shop_id: str) -> ShopSecrets | None: ...


class BatchReads(Protocol):
    """What a consumer batch read at once (workers/batch_reads.py): its orders, its SKUs' links."""
    def first_read(self, order_id: str) -> Callable[[], Order | None] | None:
        """The order as the batch read it, once per order; None: read it afresh."""
    def links(self, shop_id: str, sku_ids: set[str]) -> dict[str, tuple[SkuLink, ...]]: ...


class DeadLetters(Protocol):
    """The dead-letter queues, by our queue key (messaging/dlq.py)."""
    def counts(self) -> dict[str, int]: ...
    def peek(self, key: str, limit: int = 10) -> list[dict[str, Any]]: ...
    def redrive(self, key: str, limit: int = 500) -> int: ...


class QueueAdmin(Protocol):
    def delay(self, source_arn: str, receipt_handle: str, seconds: int) -> None:
        """Makes a received message visible again only after `seconds` (a retry later, not now)."""


class SyncStore(SyncRepository, PendingMarks, Protocol):
    """The sync records as storage keeps them: cursors and leases, pending pulls, counters, logs."""
    def add_counts(self, shop_id: str, stream: Stream, day: str, counts: dict[str, int]) -> None: ...
    def counts(self, shop_id: str, stream: Stream, now: datetime) -> dict[str, int]: ...
    def logs(self, shop_id: str, stream: Stream, limit: int = 20) -> list[PullLog]: ...


class RawArchive(RawStore, Protocol):
    def get(self, raw_ref: str) -> dict[str, Any]:
        """One stored payload, by the reference put_batch gave (key#index)."""

