"""The OMS's bot client (services/alerts.py with the httpx sender) against the bot sandboxes, which check
signatures with their own code: signed messages land; a wrong secret, a stale timestamp or an unknown key is
refused with the vendor's documented code, and the refusal is what the delivery records."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.alerts import Alert, ChannelKind
from chalicelib.messaging.erp_adapters import HttpxWebhookSender
from chalicelib.services.alert_channels import add_channel
from chalicelib.services.alert_signing import bot_request
from chalicelib.services.alerts import AlertDeps, AlertNotDelivered, process, recent
from local.sandbox.bots import BotSandbox
from local.sandbox.core import SandboxServer
from tests import fakes
from tests.alert_fakes import InMemoryAlertLedger, InMemoryAlertSettingsStore


@pytest.fixture
def bots() -> Iterator[tuple[BotSandbox, str]]:
    sandbox = BotSandbox()
    server = SandboxServer(sandbox).start()
    try:
        yield sandbox, server.url
    finally:
        server.stop()


def deps(now: datetime | None = None) -> AlertDeps:
    return AlertDeps(InMemoryAlertSettingsStore(), InMemoryAlertLedger(), fakes.InMemoryDeliveryRepository(),
                     HttpxWebhookSender(), fakes.FixedClock(now or datetime.now(UTC)))


def messages(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_sandbox/messages") as answer:
        return dict(json.load(answer))


@pytest.mark.parametrize("vendor", ["dingtalk", "wecom", "feishu"])
def test_GIVEN_a_configured_bot_WHEN_an_alert_is_sent_THEN_it_lands_verified_once(
        bots: tuple[BotSandbox, str], vendor: str) -> None:
    sandbox, url = bots
    robot = sandbox.add_robot(vendor)
    d = deps()
    add_channel(d.settings, kind=vendor, name="群", webhook_url=sandbox.webhook_url(url, robot), secret=robot.secret,
                allow_loopback=True)
    alert = Alert("shop.reauth_needed", "S1", "淘宝演示旗舰店 需要重新授权", d.clock.now())
    process(d, alert)
    process(d, alert)
    landed = messages(url)["messages"]
    assert [(m["vendor"], m["verified"]) for m in landed] == [(vendor, True)]
    assert "店铺需要重新授权" in landed[0]["text"]


@pytest.mark.parametrize("vendor, code", [("dingtalk", "errcode 310000"), ("feishu", "code 19021")])
def test_GIVEN_a_wrong_secret_WHEN_sent_THEN_refused_with_the_vendors_code_and_recorded(
        bots: tuple[BotSandbox, str], vendor: str, code: str) -> None:
    sandbox, url = bots
    robot = sandbox.add_robot(vendor)
    d = deps()
    add_channel(d.settings, kind=vendor, name="群", webhook_url=sandbox.webhook_url(url, robot),
                secret="SECnot-the-right-one", allow_loopback=True)
    with pytest.raises(AlertNotDelivered):
        process(d, Alert("queue.dead_letters", "orders", "3 条", d.clock.now()))
    assert code in recent(d, 1).items[0].last_error
    assert messages(url)["messages"] == []


@pytest.mark.parametrize("vendor", ["dingtalk", "feishu"])
def test_GIVEN_a_signature_over_an_hour_old_WHEN_sent_THEN_refused(bots: tuple[BotSandbox, str], vendor: str) -> None:
    sandbox, url = bots
    robot = sandbox.add_robot(vendor)
    stale = bot_request(ChannelKind(vendor), sandbox.webhook_url(url, robot), robot.secret, "hi",
                        datetime.now(UTC) - timedelta(minutes=61))
    answer = HttpxWebhookSender().send(stale.url, {"Content-Type": "application/json"}, stale.body)
    assert json.loads(answer.body).get("errcode", json.loads(answer.body).get("code")) in (310000, 19021)


def test_GIVEN_an_unknown_wecom_key_WHEN_sent_THEN_93000(bots: tuple[BotSandbox, str]) -> None:
    _, url = bots
    answer = HttpxWebhookSender().send(f"{url}/cgi-bin/webhook/send?key=nope", {},
                                       b'{"msgtype":"text","text":{"content":"x"}}')
    assert json.loads(answer.body)["errcode"] == 93000
