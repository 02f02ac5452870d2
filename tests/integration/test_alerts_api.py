"""The alerts admin API over moto: channels in and out (secrets write-only, bad input a 400 naming the
field with its reason), the quiet period, a test send recorded and listed among the deliveries."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from tests.alert_fakes import ScriptedBot
from tests.erp_kit import bearer, moto_world

pytestmark = pytest.mark.integration
DING = "https://oapi.dingtalk.com/robot/send?access_token=fake-token-9876"


@pytest.fixture
def client() -> Iterator[Any]:
    from app import app
    from chalicelib.storage.alerts import DynamoAlertSettingsStore
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    bot = ScriptedBot()
    with moto_world(), bootstrap.override(alert_settings=DynamoAlertSettingsStore(Envelope(LocalKeyWrapper(
            os.urandom(32)))), webhook_sender=bot), Client(app, stage_name="test") as c:
        c.bot = bot  # type: ignore[attr-defined]   # the tests read what the bot received
        yield c


def call(client: Any, method: str, path: str, body: Any = None, user: str = "root") -> tuple[int, Any]:
    response = client.http.request(method, path, headers=bearer(user),
                                   body=json.dumps(body).encode() if body is not None else b"")
    return response.status_code, json.loads(response.body or b"null")


def test_GIVEN_an_admin_WHEN_adding_a_dingtalk_channel_and_testing_it_THEN_signed_sent_recorded_and_secret_hidden(
        client: Any) -> None:
    status, channel = call(client, "POST", "/admin/alerts/channels", {
        "kind": "dingtalk", "name": "运营群", "webhook_url": DING, "secret": "SECfake-not-real",
        "events": ["shop.reauth_needed"]})
    assert status == 201, channel
    status, settings = call(client, "GET", "/admin/alerts/settings", user="eye")
    assert status == 200 and "SECfake-not-real" not in json.dumps(settings) and "fake-token-9876" not in json.dumps(
        settings)
    assert settings["channels"][0]["secret_set"] is True and "shop.reauth_needed" in settings["events"]
    status, sent = call(client, "POST", f"/admin/alerts/channels/{channel['channel_id']}/test")
    assert status == 200 and sent["status"] == "delivered", sent
    url = client.bot.sent[0][0]
    assert "access_token=fake-token-9876" in url and "&timestamp=" in url and "&sign=" in url
    status, page = call(client, "GET", "/admin/alerts/deliveries?limit=5", user="eye")
    assert status == 200 and [d["event"] for d in page["items"]] == ["test"]


@pytest.mark.parametrize("body, field, reason", [
    ({"kind": "dingtalk", "name": "x", "webhook_url": "https://example.com/robot/send?access_token=1",
      "secret": "SEC1"}, "webhook_url", "alerts.bad_webhook_url"),
    ({"kind": "feishu", "name": "x", "webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/abc"},
     "secret", "alerts.secret_missing"),
])
def test_GIVEN_bad_channel_input_WHEN_added_THEN_400_names_the_field_and_nothing_is_stored(
        client: Any, body: dict[str, Any], field: str, reason: str) -> None:
    status, answer = call(client, "POST", "/admin/alerts/channels", body)
    assert status == 400 and answer["error"]["fields"][0]["field"] == field, answer
    assert answer["error"]["reason"] == reason
    assert call(client, "GET", "/admin/alerts/settings")[1]["channels"] == []


def test_GIVEN_an_unknown_field_or_event_WHEN_sent_THEN_400(client: Any) -> None:
    assert call(client, "POST", "/admin/alerts/channels", {"kind": "wecom", "name": "x", "webhook_url": "u",
                                                           "colour": "red"})[0] == 400
    assert call(client, "POST", "/admin/alerts/channels", {"kind": "wecom", "name": "x", "webhook_url": "u",
                                                           "events": ["no.such"]})[0] == 400


def test_GIVEN_the_quiet_period_WHEN_set_THEN_shown(client: Any) -> None:
    status, quiet = call(client, "PUT", "/admin/alerts/quiet", {"enabled": True, "start": "23:00", "end": "08:00"})
    assert status == 200 and quiet["enabled"] is True
    assert call(client, "PUT", "/admin/alerts/quiet", {"enabled": True, "start": "25:00", "end": "08:00"})[0] == 400
    assert call(client, "GET", "/admin/alerts/settings")[1]["quiet"]["start"] == "23:00"
