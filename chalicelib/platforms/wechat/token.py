"""The access-token life cycle of a WeChat shop app (reference §2.1).

WeChat has no refresh token: the app secret fetches tokens. Each fetch through /cgi-bin/stable_token
with force_refresh rotates the token and kills the previous one, so concurrent Lambdas must not all
refresh at once. The cache is shared (DynamoDB in AWS); a lease elects the one refresher, the others keep
using the still-valid token (we refresh ahead of expiry) or wait for the new one.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.services.platform_errors import PlatformError, TransientError
from chalicelib.services.platform_ports import CachedToken, TokenCache
from chalicelib.services.platform_types import SHANGHAI, TokenSet

# The stable-token endpoint hands out a new token in the last 5 minutes of the old one's life; refreshing a
# little later than that guarantees a non-forced fetch returns a new token rather than the dying one.
REFRESH_AHEAD = timedelta(minutes=4)
LEASE_TTL = timedelta(seconds=30)


def _now() -> datetime:
    return datetime.now(SHANGHAI)


class InMemoryTokenCache:
    """The process-local cache (tests, the local runtime). Thread-safe."""

    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._token: CachedToken | None = None
        self._lease: tuple[str, datetime] | None = None

    def get(self) -> CachedToken | None:
        with self._lock:
            return self._token

    def compare_and_set(self, expected_version: int, new: CachedToken) -> bool:
        with self._lock:
            current = self._token.version if self._token else 0
            if current != expected_version:
                return False
            self._token = new
            return True

    def acquire(self, holder: str, ttl: timedelta) -> bool:
        with self._lock:
            now = self._clock()
            if self._lease and self._lease[0] != holder and self._lease[1] > now:
                return False
            self._lease = (holder, now + ttl)
            return True

    def release(self, holder: str) -> None:
        with self._lock:
            if self._lease and self._lease[0] == holder:
                self._lease = None


class TokenManager:
    """Hands out a usable token; `fetch(force)` gets a new one from WeChat."""

    def __init__(
        self,
        cache: TokenCache,
        fetch: Callable[[bool], TokenSet],
        *,
        clock: Callable[[], datetime] = _now,
        refresh_ahead: timedelta = REFRESH_AHEAD,
        lease_ttl: timedelta = LEASE_TTL,
        wait: timedelta = LEASE_TTL,
        sleep: Callable[[float], None] = time.sleep,
        poll_seconds: float = 0.05,
    ) -> None:
        self._cache = cache
        self._fetch = fetch
        self._clock = clock
        self._refresh_ahead = refresh_ahead
        self._lease_ttl = lease_ttl
        self._wait = wait
        self._sleep = sleep
        self._poll = poll_seconds

    def access_token(self) -> str:
        cached = self._cache.get()
        if cached and self._fresh(cached):
            return cached.access_token
        if cached and self._usable(cached):
            # ahead of expiry: one worker refreshes, the rest carry on with the old token meanwhile
            try:
                renewed = self._try_renew(cached, force=False)
            except PlatformError:
                return cached.access_token  # opportunistic: the old token still works, expiry will retry
            return (renewed or cached).access_token
        return self._renew(cached, force=False).access_token

    def replace_rejected(self, rejected: str) -> str:
        """WeChat refused `rejected` (40001/42001): one forced refresh, unless someone already replaced it."""
        cached = self._cache.get()
        if cached and cached.access_token != rejected and self._usable(cached):
            return cached.access_token
        return self._renew(cached, force=True).access_token

    def renew(self) -> TokenSet:
        """A fresh fetch (the OAuth-style entry points): stored so every worker uses it."""
        cached = self._cache.get()
        token = self._renew(cached, force=False, even_if_fresh=True)
        return TokenSet(access_token=token.access_token, expires_at=token.expires_at)

    # ------------------------------------------------------------ internals
    def _renew(self, seen: CachedToken | None, *, force: bool, even_if_fresh: bool = False) -> CachedToken:
        deadline = self._clock() + self._wait
        while True:
            renewed = self._try_renew(seen, force=force, even_if_fresh=even_if_fresh)
            if renewed:
                return renewed
            current = self._cache.get()
            if self._replaced(current, seen):
                assert current is not None
                return current
            if self._clock() >= deadline:
                raise TransientError(
                    "another worker holds the token refresh lease", code="token_lease", platform="wechat"
                )
            self._sleep(self._poll)

    def _try_renew(self, seen: CachedToken | None, *, force: bool, even_if_fresh: bool = False) -> CachedToken | None:
        holder = uuid.uuid4().hex
        if not self._cache.acquire(holder, self._lease_ttl):
            return None
        try:
            current = self._cache.get()
            if not even_if_fresh and self._replaced(current, seen):
                return current
            fetched = self._fetch(force)
            new = CachedToken(fetched.access_token, fetched.expires_at, (current.version if current else 0) + 1)
            # a lost race only means a peer stored a token too: ours is valid as well, so use it either way
            self._cache.compare_and_set(current.version if current else 0, new)
            return new
        finally:
            self._cache.release(holder)

    def _replaced(self, current: CachedToken | None, seen: CachedToken | None) -> bool:
        return current is not None and self._fresh(current) and (seen is None or current.version != seen.version)

    def _fresh(self, token: CachedToken) -> bool:
        return token.expires_at - self._refresh_ahead > self._clock()

    def _usable(self, token: CachedToken) -> bool:
        return token.expires_at - timedelta(seconds=10) > self._clock()
