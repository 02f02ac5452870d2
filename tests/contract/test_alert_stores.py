"""One contract for the alerts stores (settings, dedup ledger) and the alert deliveries' feed, run against
the fakes and the DynamoDB adapters (moto): conditional writes, secrets never stored in the clear."""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.alerts import Alert, ChannelKind, QuietPeriod
from chalicelib.domain.errors import ConflictError
from chalicelib.services.alert_ports import ALERT_FEED, AlertSettings, Channel, RaisedAlert
from chalicelib.services.alerts import AlertDeps, process, recent
from tests import fakes
from tests.alert_fakes import InMemoryAlertLedger, InMemoryAlertSettingsStore, ScriptedBot

T0 = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
CHANNEL = Channel("ch_1", ChannelKind.DINGTALK, "运营群", "https://oapi.dingtalk.com/robot/send?access_token=tok-secret-1",
                  "SECfake-secret-1", frozenset({"shop.reauth_needed"}))


@pytest.fixture(params=["fake", "moto"])
def stores(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    if request.param == "fake":
        yield {"settings": InMemoryAlertSettingsStore(), "ledger": InMemoryAlertLedger(),
               "deliveries": fakes.InMemoryDeliveryRepository()}
        return
    from chalicelib.storage.alerts import DynamoAlertLedger, DynamoAlertSettingsStore
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.erp import DynamoDeliveryRepository
    from tests.aws import aws
    with aws(("erp_deliveries", "erp_state")):
        yield {"settings": DynamoAlertSettingsStore(Envelope(LocalKeyWrapper(os.urandom(32)))),
               "ledger": DynamoAlertLedger(), "deliveries": DynamoDeliveryRepository(), "moto": True}


def test_GIVEN_settings_WHEN_saved_and_loaded_THEN_equal_and_saves_are_conditional(stores: dict[str, Any]) -> None:
    store = stores["settings"]
    assert store.load() == AlertSettings()
    wanted = AlertSettings((CHANNEL,), QuietPeriod("22:30", "07:45", True))
    store.save(wanted, 0)
    loaded = store.load()
    assert loaded.channels == (CHANNEL,) and loaded.quiet == wanted.quiet and loaded.revision == 1
    with pytest.raises(ConflictError):
        store.save(wanted, 0)
    store.save(AlertSettings(), 1)
    assert store.load().channels == ()


def test_GIVEN_dynamodb_WHEN_settings_are_stored_THEN_neither_url_token_nor_secret_is_in_the_clear(
        stores: dict[str, Any]) -> None:
    if not stores.get("moto"):
        pytest.skip("a storage property")
    from chalicelib.storage.erp_models import StateItem
    stores["settings"].save(AlertSettings((CHANNEL,)), 0)
    raw = str(StateItem.get("ALERTS#SETTINGS").doc)
    assert "tok-secret-1" not in raw and "SECfake-secret-1" not in raw and "运营群" in raw


def test_GIVEN_an_alert_WHEN_claimed_twice_THEN_only_the_first_wins_and_the_record_keeps_its_channels(
        stores: dict[str, Any]) -> None:
    ledger = stores["ledger"]
    alert = Alert("shop.reauth_needed", "S1", "text", T0)
    assert ledger.claim(RaisedAlert(alert, ("ch_1",)), T0 + timedelta(days=2)) is True
    assert ledger.claim(RaisedAlert(alert, ("ch_2",)), T0 + timedelta(days=2)) is False
    assert ledger.get(alert.alert_id) == RaisedAlert(alert, ("ch_1",))
    assert ledger.get("al_nothing") is None


def test_GIVEN_the_stores_WHEN_an_alert_is_delivered_THEN_the_feed_lists_it_newest_first(
        stores: dict[str, Any]) -> None:
    stores["settings"].save(AlertSettings((CHANNEL,)), 0)
    deps = AlertDeps(stores["settings"], stores["ledger"], stores["deliveries"], ScriptedBot(), fakes.FixedClock(T0))
    process(deps, Alert("shop.reauth_needed", "S1", "first", T0))
    process(deps, Alert("shop.reauth_needed", "S2", "second", T0 + timedelta(minutes=1)))
    process(deps, Alert("shop.reauth_needed", "S2", "second", T0 + timedelta(minutes=2)))
    items = recent(deps, 10).items
    assert [d.key_id for d in items] == [ALERT_FEED, ALERT_FEED]
    assert ["second" in d.body for d in items] == [True, False]
    assert len(deps.sender.sent) == 2  # type: ignore[attr-defined]
