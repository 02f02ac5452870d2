"""The HTTP transport every platform client shares: timeouts, bounded retries with backoff and
jitter for transient failures only, and a per-shop rate limiter.

Signing is *not* here: each attempt calls `build()` again so that timestamps and signatures are
fresh (gateways refuse a request whose timestamp drifted past their skew window).
"""
from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from chalicelib.services.platform_errors import RateLimitedError, TransientError

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class RateLimiter:
    """Token bucket. In-process only: across Lambdas the platform's own throttle errors are the
    backstop, and those park the shop rather than spin."""

    def __init__(self, rate_per_second: float, burst: int = 1, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._rate = rate_per_second
        self._capacity = max(1, burst)
        self._tokens = float(self._capacity)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self._rate
            self._sleep(wait)


_limiters: dict[str, RateLimiter] = {}
_limiters_lock = threading.Lock()
_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One connection pool for every transport of the process (a warm Lambda keeps it between invocations).
    A client per transport cost each pull job a new TLS context (17 ms of CPU: certifi's bundle is parsed
    every time) and a new connection per platform call; httpx's client is safe across threads."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = httpx.Client(timeout=DEFAULT_TIMEOUT, trust_env=False)
        return _shared


def limiter_for(key: str, rate_per_second: float, burst: int = 1) -> RateLimiter:
    with _limiters_lock:
        if key not in _limiters:
            _limiters[key] = RateLimiter(rate_per_second, burst)
        return _limiters[key]


class Transport:
    """Sends requests with retries. `parse` turns a response into a value or raises a PlatformError;
    only TransientError and RateLimitedError are retried, everything else surfaces at once."""

    def __init__(self, *, client: httpx.Client | None = None, max_attempts: int = 4,
                 base_delay: float = 0.2, max_delay: float = 5.0, max_rate_limit_wait: float = 10.0,
                 limiter: RateLimiter | None = None, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self._client = client
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_rate_limit_wait = max_rate_limit_wait
        self.limiter = limiter
        self._sleep = sleep
        self._rng = rng or random.Random()

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = shared_client()
        return self._client

    def request(self, build: Callable[[], httpx.Request], parse: Callable[[httpx.Response], T]) -> T:
        for attempt in range(1, self.max_attempts + 1):
            if self.limiter:
                self.limiter.acquire()
            try:
                return parse(self._send(build()))
            except RateLimitedError as exc:
                if attempt == self.max_attempts or exc.retry_after > self.max_rate_limit_wait:
                    raise
                self._sleep(exc.retry_after + self._jitter())
            except TransientError:
                if attempt == self.max_attempts:
                    raise
                self._sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.client.send(request)
        except httpx.TimeoutException as exc:
            raise TransientError(f"timeout: {exc.__class__.__name__}", code="timeout") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"transport: {exc.__class__.__name__}", code="transport") from exc
        if response.status_code == 429:
            raise RateLimitedError("HTTP 429", retry_after=_retry_after(response), code="429")
        if response.status_code >= 500:
            raise TransientError(f"HTTP {response.status_code}", code=str(response.status_code))
        return response

    def _backoff(self, attempt: int) -> float:
        # "full jitter" (AWS Architecture Blog): spreads retries of many shops hitting one gateway
        return self._rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    def _jitter(self) -> float:
        return self._rng.uniform(0, self.base_delay)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
