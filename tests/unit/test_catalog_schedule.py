"""The catalog schedule (workers/catalog.py) walks its slots by the time each event fired for, not by the
clock: a shop's catalog is pulled once per 36 ticks however fast the local runtime's ticks come."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.workers import catalog

START = datetime(2026, 12, 7, 18, 20, tzinfo=UTC)


def _event(when: datetime) -> Any:
    return SimpleNamespace(time=when.strftime("%Y-%m-%dT%H:%M:%SZ"), context=None)


def test_GIVEN_an_events_time_THEN_it_is_the_time_fired_for() -> None:
    assert catalog.fired_at(_event(START)) == START


def test_GIVEN_no_readable_time_THEN_the_clock() -> None:
    before = datetime.now(UTC)
    assert catalog.fired_at(SimpleNamespace(time="soon")) >= before - timedelta(seconds=1)


def test_GIVEN_36_ticks_fired_10_minutes_apart_WHEN_the_clock_stands_still_THEN_every_shop_is_pulled_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shops = [Shop(f"S{n}", f"店{n}", Platform.TAOBAO, f"seller-{n}") for n in range(20)]
    pulled: list[str] = []
    monkeypatch.setattr(bootstrap, "shops", lambda: SimpleNamespace(syncing=lambda: shops))
    monkeypatch.setattr(bootstrap, "link_deps", lambda: None)
    monkeypatch.setattr(bootstrap, "clients", lambda: lambda shop: None)
    monkeypatch.setattr("chalicelib.services.catalog.pull_catalog",
                        lambda deps, shop, client, left: pulled.append(shop.shop_id) or SimpleNamespace())
    for tick in range(catalog.CATALOG_SLOTS):
        catalog.pull_catalogs.func(_event(START + timedelta(minutes=catalog.CATALOG_TICK_MINUTES * tick)))
    assert sorted(pulled) == sorted(shop.shop_id for shop in shops)
