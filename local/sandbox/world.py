"""What the Kuaishou and Xiaohongshu sandboxes' worlds share: the seeded generators and the lock, a pool of
fake buyers, token faults, order times spread over a window, the fault roll around each API request, the
OAuth redirect with a code, and waybill cancelling. Each platform keeps its own records and wire formats."""
from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlencode

from local.sandbox.core import Clock, DataGen, FakePerson, Faults, SandboxResponse, system_clock
from local.sandbox.timeline import ms

PEOPLE = 200  # buyers come back: after this many, orders reuse them


class TokenShop(Protocol):
    seller_id: str
    access_tokens: dict[str, int]   # token -> expires ms
    refresh_tokens: dict[str, int]
    waybills: dict[str, tuple[str, tuple[str, ...]]]   # waybill no -> (carrier code, order nos)


class Outbox(Protocol):
    url: str

    def deliver(self, faults: Faults) -> list[int]: ...


ShopT = TypeVar("ShopT", bound=TokenShop)


class SandboxWorld(Generic[ShopT]):
    outbox: Outbox

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        self.clock = clock or system_clock
        self.faults = faults or Faults()
        self.gen = DataGen(seed)
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.shops: dict[str, ShopT] = {}
        self._people: list[FakePerson] = []

    def now_ms(self) -> int:
        return ms(self.clock())

    def expire_token(self, seller_id: str) -> None:
        with self.lock:
            tokens = self.shops[seller_id].access_tokens
            for token in tokens:
                tokens[token] = 0

    def kill_refresh_token(self, seller_id: str) -> None:
        with self.lock:
            self.shops[seller_id].refresh_tokens.clear()

    def _person(self) -> FakePerson:
        if len(self._people) < PEOPLE:
            self._people.append(self.gen.person())
            return self._people[-1]
        return self.rng.choice(self._people)

    def spread(self, count: int, start: datetime, end: datetime, mix: Sequence[tuple[int, int]]
               ) -> Iterator[tuple[int, int]]:
        """(update ms in [start, end), status drawn from the weighted mix), lazily: the caller builds each
        order before the next draw, so one seed gives the same orders as ever."""
        span = max(1, ms(end) - ms(start))
        statuses, weights = zip(*mix, strict=True)
        for _ in range(count):
            yield ms(start) + self.rng.randrange(span), self.rng.choices(statuses, weights)[0]

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        with self.lock:
            return {no: orders for no, (_cp, orders) in self.shops[seller_id].waybills.items()}

    def subscribe(self, url: str) -> None:
        self.outbox.url = url

    def deliver_pushes(self) -> list[int]:
        return self.outbox.deliver(self.faults)

    def faulted(self, busy: SandboxResponse, throttled: SandboxResponse,
                answer: Callable[[], SandboxResponse]) -> SandboxResponse:
        """Rolls the faults before any work: a busy or throttled answer in the platform's envelope, or the real
        answer (under the lock), late when the roll says timeout."""
        fault = self.faults.roll()
        if fault == "error":
            return busy
        if fault == "throttle":
            return throttled
        with self.lock:
            response = answer()
        if fault == "timeout":
            response.delay = self.faults.slow_seconds
        return response


def redirect_with_code(redirect_uri: str, code: str, state: str) -> SandboxResponse:
    """The authorisation page's answer: back to the app with the code and its state."""
    sep = "&" if "?" in redirect_uri else "?"
    return SandboxResponse(status=302, headers={"Location": redirect_uri + sep + urlencode({"code": code,
                                                                                        "state": state})})


def drop_waybill(waybills: dict[str, tuple[str, tuple[str, ...]]], issued: dict[str, dict], waybill_no: str,
                 carrier_code: str) -> bool:
    """Cancels a waybill of that carrier and forgets the idempotent issue that gave it; False if there is none."""
    entry = waybills.get(waybill_no)
    if entry is None or entry[0] != carrier_code:
        return False
    del waybills[waybill_no]
    for key in [key for key, answer in issued.items() if answer["waybillCode"] == waybill_no]:
        del issued[key]
    return True
