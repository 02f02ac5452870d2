"""The alerts queue with its real consumer on moto's queues, polled the way the local runner polls: an alert
raised twice reaches the bot once; a refusing bot is retried later (the visibility grows, not at once);
inside the quiet period the message is held until it ends; a body that is no alert goes to the DLQ."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from app import app
from chalicelib import bootstrap
from chalicelib.domain.alerts import Alert
from chalicelib.services.alert_channels import add_channel, set_quiet
from chalicelib.services.alert_sink import PublishingAlertSink
from chalicelib.services.alerts import recent
from local.runtime.queue_runner import QueueWorker, RunnerOptions
from tests.alert_fakes import ScriptedBot
from tests.erp_kit import moto_world
from tests.fakes import FixedClock

pytestmark = pytest.mark.integration
NOON = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)       # 12:00 in China


class RecordingAdmin:
    def __init__(self) -> None:
        self.delays: list[int] = []

    def delay(self, source_arn: str, receipt_handle: str, seconds: int) -> None:
        self.delays.append(seconds)


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    from chalicelib.storage.alerts import DynamoAlertSettingsStore
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    bot, admin, clock = ScriptedBot(), RecordingAdmin(), FixedClock(NOON)
    with moto_world(clock) as w, bootstrap.override(
            alert_settings=DynamoAlertSettingsStore(Envelope(LocalKeyWrapper(os.urandom(32)))), webhook_sender=bot,
            erp_queue_admin=admin):
        add_channel(bootstrap.alert_settings(), kind="dingtalk", name="运营群", secret="SECfake",
                    webhook_url="https://oapi.dingtalk.com/robot/send?access_token=fake-1")
        source = next(s for s in app.event_sources if getattr(s, "name", "") == "on_alert")
        worker = QueueWorker(app, source, RunnerOptions(endpoint_url="https://sqs.us-east-1.amazonaws.com",
                                                        region="us-east-1", account_id="123456789012"))
        yield {**w, "bot": bot, "admin": admin, "clock": clock, "poll": lambda: worker.poll_once(w["queues"]["alerts"])}


def raise_reauth(at: datetime = NOON) -> None:
    PublishingAlertSink(bootstrap.publisher()).raise_alerts([Alert("shop.reauth_needed", "S1", "淘宝店: 授权失效", at)])


def test_GIVEN_an_alert_raised_twice_WHEN_consumed_THEN_the_bot_gets_it_once(world: dict[str, Any]) -> None:
    raise_reauth()
    raise_reauth()
    world["poll"]()
    assert len(world["bot"].sent) == 1 and world["admin"].delays == []
    assert recent(bootstrap.alert_deps(), 5).items[0].status.value == "delivered"


def test_GIVEN_a_refusing_bot_WHEN_consumed_THEN_retried_later_with_growing_delays(world: dict[str, Any]) -> None:
    world["bot"].refuse = 310000
    raise_reauth()
    world["poll"]()
    assert world["admin"].delays == [60]
    assert recent(bootstrap.alert_deps(), 5).items[0].attempts == 1


def test_GIVEN_the_quiet_period_WHEN_consumed_THEN_held_until_it_ends(world: dict[str, Any]) -> None:
    set_quiet(bootstrap.alert_settings(), enabled=True, start="11:00", end="13:00")
    raise_reauth()
    world["poll"]()
    assert world["bot"].sent == [] and world["admin"].delays == [3600]


def test_GIVEN_a_body_that_is_no_alert_WHEN_consumed_THEN_it_comes_back_at_once_for_the_dlq(
        world: dict[str, Any]) -> None:
    boto3.client("sqs").send_message(QueueUrl=world["queues"]["alerts"], MessageBody=json.dumps({"event": 1}))
    world["poll"]()
    assert world["admin"].delays == [0]
