"""What hangs off a shop besides the shop: the WeChat token slot (TokenCache Protocol), refresh leases,
stock-sync settings and push records; against the fakes and DynamoDB (moto)."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.platforms.wechat.token import InMemoryTokenCache, TokenManager
from chalicelib.services.platform_ports import CachedToken
from chalicelib.services.platform_types import TokenSet
from chalicelib.services.stock_ports import PushRecord, StockSyncSettings
from tests import fakes
from tests.aws import aws

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("shops",)):
        yield "dynamodb"


@pytest.fixture
def clock() -> fakes.FixedClock:
    return fakes.FixedClock(T0)


@pytest.fixture
def cache(backend: str, clock: fakes.FixedClock):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return InMemoryTokenCache(clock.now)
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.token_cache import DynamoTokenCache
    return DynamoTokenCache("S1", Envelope(LocalKeyWrapper(os.urandom(32))), clock.now)


@pytest.fixture
def leases(backend: str, clock: fakes.FixedClock):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryShopLeases(clock)
    from chalicelib.storage.token_cache import DynamoShopLeases
    return DynamoShopLeases(clock.now)


@pytest.fixture
def sync(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryStockSyncRepository()
    from chalicelib.storage.stock_sync import DynamoStockSyncRepository
    return DynamoStockSyncRepository()


class TestWechatTokenCache:
    def test_given_an_empty_slot_then_version_0_sets_and_a_stale_version_loses(self, cache) -> None:
        assert cache.get() is None
        first = CachedToken("tok-1", T0 + timedelta(hours=2), 1)
        assert cache.compare_and_set(0, first)
        assert not cache.compare_and_set(0, CachedToken("tok-x", T0, 1))
        assert cache.compare_and_set(1, CachedToken("tok-2", T0 + timedelta(hours=4), 2))
        assert not cache.compare_and_set(1, CachedToken("tok-y", T0, 2))
        assert cache.get() == CachedToken("tok-2", T0 + timedelta(hours=4), 2)

    def test_given_a_lease_then_others_wait_until_release_or_expiry(self, cache, clock) -> None:
        assert cache.acquire("a", timedelta(seconds=30))
        assert not cache.acquire("b", timedelta(seconds=30))
        cache.release("b")                      # not the holder: no effect
        assert not cache.acquire("b", timedelta(seconds=30))
        cache.release("a")
        assert cache.acquire("b", timedelta(seconds=30))
        clock.advance(seconds=31)
        assert cache.acquire("c", timedelta(seconds=30))

    def test_given_many_workers_on_a_cold_slot_then_wechat_is_asked_once(self, backend, clock, monkeypatch) -> None:
        if backend == "fake":
            shared = InMemoryTokenCache(clock.now)
        else:
            # DynamoDB applies each request atomically (a conditional write is checked and written as one);
            # moto's in-process backend does not when threads call it at once, so requests go one at a time
            from botocore.client import BaseClient
            one_at_a_time, call = threading.Lock(), BaseClient._make_api_call

            def atomic(client: Any, operation: str, params: Any) -> Any:
                with one_at_a_time:
                    return call(client, operation, params)

            monkeypatch.setattr(BaseClient, "_make_api_call", atomic)
            from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
            from chalicelib.storage.token_cache import DynamoTokenCache
            shared = DynamoTokenCache("S1", Envelope(LocalKeyWrapper(os.urandom(32))), clock.now)
        fetches: list[bool] = []

        def fetch(force: bool) -> TokenSet:
            fetches.append(force)
            return TokenSet(access_token="tok-once", expires_at=T0 + timedelta(hours=2))

        def worker(out: list[str]) -> None:
            manager = TokenManager(shared, fetch, clock=clock.now, sleep=lambda _s: None, poll_seconds=0)
            out.append(manager.access_token())

        got: list[str] = []
        threads = [threading.Thread(target=worker, args=(got,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert got == ["tok-once"] * 8 and fetches == [False]


class TestLeases:
    def test_given_a_shop_lease_then_one_holder_per_shop_and_purpose(self, leases, clock) -> None:
        assert leases.acquire("S1", "token_refresh", "a", timedelta(minutes=2))
        assert not leases.acquire("S1", "token_refresh", "b", timedelta(minutes=2))
        assert leases.acquire("S2", "token_refresh", "b", timedelta(minutes=2))
        assert leases.acquire("S1", "other", "b", timedelta(minutes=2))
        leases.release("S1", "token_refresh", "a")
        assert leases.acquire("S1", "token_refresh", "b", timedelta(minutes=2))
        clock.advance(minutes=3)
        assert leases.acquire("S1", "token_refresh", "c", timedelta(minutes=2))


class TestStockSyncSettings:
    def test_given_no_settings_then_defaults_and_saves_are_revision_conditional(self, sync) -> None:
        assert sync.get_settings("S1") == StockSyncSettings()
        sync.save_settings("S1", StockSyncSettings(ratio_percent=80, safety_stock=2), 0)
        with pytest.raises(ConflictError):
            sync.save_settings("S1", StockSyncSettings(ratio_percent=50), 0)
        assert sync.get_settings("S1") == StockSyncSettings(ratio_percent=80, safety_stock=2, revision=1)

    def test_given_pushes_then_the_last_per_sku_is_kept_and_listed(self, sync) -> None:
        sync.record_push(PushRecord("S1", "sku-1", 5, T0, True, "ok"))
        sync.record_push(PushRecord("S1", "sku-1", 4, T0 + timedelta(minutes=1), False, "TransientError: busy"))
        sync.record_push(PushRecord("S1", "sku-2", 9, T0, True, "ok"))
        assert sync.last_push("S1", "sku-1").quantity == 4
        assert sync.last_push("S2", "sku-1") is None
        assert [(r.platform_sku_id, r.quantity) for r in sync.pushes("S1").items] == [("sku-1", 4), ("sku-2", 9)]
