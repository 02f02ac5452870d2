"""The WeChat token life cycle: refresh ahead of expiry, one refresher at a time, forced refresh on 40001."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest

from chalicelib.platforms.wechat.token import InMemoryTokenCache, TokenManager
from chalicelib.services.platform_errors import AuthExpiredError, TransientError
from chalicelib.services.platform_ports import CachedToken
from chalicelib.services.platform_types import SHANGHAI, TokenSet

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class FakeWechat:
    """Counts fetches; each returns a new token living two hours."""

    def __init__(self, clock: Clock, delay: float = 0.0) -> None:
        self.clock, self.delay = clock, delay
        self.calls: list[bool] = []
        self._lock = threading.Lock()

    def __call__(self, force: bool) -> TokenSet:
        time.sleep(self.delay)
        with self._lock:
            self.calls.append(force)
            return TokenSet(access_token=f"token-{len(self.calls)}", expires_at=self.clock() + timedelta(hours=2))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def manager(cache, fetch, clock, **kw) -> TokenManager:
    return TokenManager(cache, fetch, clock=clock, sleep=lambda _s: time.sleep(0.001), **kw)


def test_given_an_empty_cache_when_a_token_is_asked_twice_then_it_is_fetched_once(clock):
    wechat = FakeWechat(clock)
    tokens = manager(InMemoryTokenCache(clock), wechat, clock)
    assert tokens.access_token() == tokens.access_token() == "token-1"
    assert wechat.calls == [False]


def test_given_a_token_near_expiry_then_it_is_refreshed_ahead_without_force(clock):
    wechat = FakeWechat(clock)
    tokens = manager(InMemoryTokenCache(clock), wechat, clock)
    tokens.access_token()
    clock.now += timedelta(hours=2) - timedelta(minutes=3)
    assert tokens.access_token() == "token-2"
    assert wechat.calls == [False, False]


def test_given_a_peer_holds_the_lease_near_expiry_then_the_old_token_keeps_serving(clock):
    cache = InMemoryTokenCache(clock)
    cache.compare_and_set(0, CachedToken("old", T0 + timedelta(minutes=2), 1))
    assert cache.acquire("peer", timedelta(seconds=30))
    wechat = FakeWechat(clock)
    assert manager(cache, wechat, clock).access_token() == "old"
    assert wechat.calls == []


def test_given_many_workers_on_an_empty_cache_then_exactly_one_fetches(clock):
    cache, wechat = InMemoryTokenCache(clock), FakeWechat(clock, delay=0.05)
    results: list[str] = []
    workers = [threading.Thread(target=lambda: results.append(manager(cache, wechat, clock).access_token()))
               for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert wechat.calls == [False]
    assert results == ["token-1"] * 8


def test_given_a_rejected_token_already_replaced_by_a_peer_then_no_second_rotation(clock):
    cache, wechat = InMemoryTokenCache(clock), FakeWechat(clock)
    cache.compare_and_set(0, CachedToken("peer-new", T0 + timedelta(hours=2), 2))
    assert manager(cache, wechat, clock).replace_rejected("stale") == "peer-new"
    assert wechat.calls == []


def test_given_the_cached_token_is_rejected_then_one_forced_refresh_replaces_it(clock):
    cache, wechat = InMemoryTokenCache(clock), FakeWechat(clock)
    tokens = manager(cache, wechat, clock)
    rejected = tokens.access_token()
    assert tokens.replace_rejected(rejected) == "token-2"
    assert wechat.calls == [False, True]
    assert cache.get() == CachedToken("token-2", T0 + timedelta(hours=2), 2)


def test_given_a_dead_lease_holder_then_its_lease_expires_and_another_worker_refreshes(clock):
    cache, wechat = InMemoryTokenCache(clock), FakeWechat(clock)
    assert cache.acquire("crashed-lambda", timedelta(seconds=30))
    tokens = TokenManager(cache, wechat, clock=clock, sleep=lambda s: setattr(clock, "now", clock.now + timedelta(seconds=1)),
                          wait=timedelta(seconds=60))
    assert tokens.access_token() == "token-1"


def test_given_a_lease_never_released_within_the_wait_then_a_transient_error_is_raised(clock):
    cache, wechat = InMemoryTokenCache(clock), FakeWechat(clock)
    assert cache.acquire("slow-peer", timedelta(hours=1))
    tokens = TokenManager(cache, wechat, clock=clock, sleep=lambda s: setattr(clock, "now", clock.now + timedelta(seconds=5)),
                          wait=timedelta(seconds=10))
    with pytest.raises(TransientError):
        tokens.access_token()


def test_given_the_secret_frozen_during_an_early_refresh_then_the_still_valid_token_serves(clock):
    cache = InMemoryTokenCache(clock)
    cache.compare_and_set(0, CachedToken("old", T0 + timedelta(minutes=2), 1))

    def frozen(force: bool) -> TokenSet:
        raise AuthExpiredError("40243: AppSecret frozen", code="40243")

    tokens = manager(cache, frozen, clock)
    assert tokens.access_token() == "old"
    with pytest.raises(AuthExpiredError):
        tokens.renew()


def test_given_a_stale_version_then_compare_and_set_refuses_it(clock):
    cache = InMemoryTokenCache(clock)
    assert cache.compare_and_set(0, CachedToken("a", T0, 1))
    assert not cache.compare_and_set(0, CachedToken("b", T0, 1))
    assert cache.get() == CachedToken("a", T0, 1)
