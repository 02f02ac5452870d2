"""The ports the use cases need. storage/, messaging/ and platforms/ implement them; tests use the
hand-written fakes in tests/fakes.py, and one contract suite runs against both."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.order_query import OrderQuery
from chalicelib.domain.orders import Order
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.users import User

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursor: str | None          # opaque; None: no more


class OrderCounters(Protocol):
    def totals(self, scopes: Collection[str]) -> dict[str, int]:
        """Each counter name summed over the scopes (domain/order_counters.py), kept by the order writes."""
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
