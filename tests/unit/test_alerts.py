"""Business alerts: channels (validation, write-only secrets), one alert per cause per window, quiet period
holds, refusals retried and recorded, a second raise or a redelivery never sends twice."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.alerts import Alert, QuietPeriod
from chalicelib.domain.errors import ValidationError
from chalicelib.services.alert_channels import add_channel, channel_view, edit_channel, set_quiet
from chalicelib.services.alerts import AlertDeps, AlertHeld, AlertNotDelivered, process, recent, send_test
from chalicelib.services.erp_ports import DeliveryStatus
from tests.alert_fakes import InMemoryAlertLedger, InMemoryAlertSettingsStore, ScriptedBot
from tests.fakes import FixedClock, InMemoryDeliveryRepository

DING = "https://oapi.dingtalk.com/robot/send?access_token=fake-token-1234"
NOON = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)          # 12:00 in China


@pytest.fixture
def deps() -> AlertDeps:
    return AlertDeps(InMemoryAlertSettingsStore(), InMemoryAlertLedger(), InMemoryDeliveryRepository(), ScriptedBot(),
                     FixedClock(NOON))


def reauth(at: datetime = NOON, shop: str = "S1") -> Alert:
    return Alert("shop.reauth_needed", shop, "淘宝演示旗舰店: refresh token refused", at)


@pytest.mark.parametrize("kind, url, secret, field", [
    ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=x", "SEC1", "webhook_url"),
    ("dingtalk", "https://evil.example.com/robot/send?access_token=x", "SEC1", "webhook_url"),
    ("dingtalk", "https://oapi.dingtalk.com/robot/send", "SEC1", "webhook_url"),
    ("dingtalk", DING, "", "secret"),
    ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/abc", "", "secret"),
    ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "", "webhook_url"),
    ("wecom", "http://127.0.0.1:9/cgi-bin/webhook/send?key=k", "", "webhook_url"),   # loopback: local only
])
def test_GIVEN_a_bad_channel_WHEN_added_THEN_refused_naming_the_field(kind: str, url: str, secret: str,
                                                                     field: str) -> None:
    store = InMemoryAlertSettingsStore()
    with pytest.raises(ValidationError) as refused:
        add_channel(store, kind=kind, name="群", webhook_url=url, secret=secret)
    assert refused.value.field == field and refused.value.reason.startswith("alerts.")
    assert store.load().channels == ()


def test_GIVEN_a_channel_WHEN_viewed_THEN_no_secret_and_the_token_masked() -> None:
    store = InMemoryAlertSettingsStore()
    channel = add_channel(store, kind="dingtalk", name="运营群", webhook_url=DING, secret="SECfake-secret")
    view = channel_view(channel)
    assert "SECfake-secret" not in str(view) and "fake-token-1234" not in str(view)
    assert view["secret_set"] is True and view["webhook_url"].endswith("access_token=****1234")
    kept = edit_channel(store, channel.channel_id, {"secret": "", "name": "新名"})
    assert kept.secret == "SECfake-secret" and kept.name == "新名"


def test_GIVEN_a_bad_quiet_time_WHEN_set_THEN_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as refused:
        set_quiet(InMemoryAlertSettingsStore(), enabled=True, start="24:00", end="08:00")
    assert refused.value.field == "start"


def test_GIVEN_two_channels_WHEN_an_alert_is_raised_twice_and_redelivered_THEN_each_bot_gets_it_once(
        deps: AlertDeps) -> None:
    add_channel(deps.settings, kind="dingtalk", name="A", webhook_url=DING, secret="SECa")
    add_channel(deps.settings, kind="wecom", name="B", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    add_channel(deps.settings, kind="wecom", name="C", webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=c",
                events=["orders.at_risk"])                    # routed elsewhere: never gets a re-authorisation
    process(deps, reauth())
    process(deps, reauth(NOON + timedelta(hours=1)))          # the same cause in the same window
    process(deps, reauth())                                    # the queue redelivers
    bot: ScriptedBot = deps.sender  # type: ignore[assignment]
    assert sorted(url.split("?")[0] for url, _ in bot.sent) == [
        "https://oapi.dingtalk.com/robot/send", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"]
    assert all("授权" in str(body) for _, body in bot.sent)
    assert {d.status for d in recent(deps, 10).items} == {DeliveryStatus.DELIVERED}


def test_GIVEN_the_next_window_WHEN_raised_again_THEN_a_new_alert(deps: AlertDeps) -> None:
    add_channel(deps.settings, kind="dingtalk", name="A", webhook_url=DING, secret="SECa")
    process(deps, reauth())
    process(deps, reauth(NOON + timedelta(hours=25)))
    assert len(deps.sender.sent) == 2  # type: ignore[attr-defined]


def test_GIVEN_a_refusing_bot_WHEN_delivered_THEN_the_try_is_recorded_retried_and_dead_on_the_last(
        deps: AlertDeps) -> None:
    add_channel(deps.settings, kind="dingtalk", name="A", webhook_url=DING, secret="SECa")
    deps.sender.refuse = 310000  # type: ignore[attr-defined]
    with pytest.raises(AlertNotDelivered):
        process(deps, reauth())
    owed = recent(deps, 10).items[0]
    assert owed.status is DeliveryStatus.PENDING and owed.attempts == 1 and "310000" in owed.last_error
    with pytest.raises(AlertNotDelivered):
        process(deps, reauth(), final=True)
    assert recent(deps, 10).items[0].status is DeliveryStatus.DEAD
    process(deps, reauth())                                    # dead stays dead: nothing more is sent
    assert len(deps.sender.sent) == 2  # type: ignore[attr-defined]


def test_GIVEN_the_quiet_period_WHEN_an_alert_is_raised_THEN_it_is_held_until_the_end_and_sent_after(
        deps: AlertDeps) -> None:
    add_channel(deps.settings, kind="dingtalk", name="A", webhook_url=DING, secret="SECa")
    set_quiet(deps.settings, enabled=True, start="23:00", end="08:00")
    night = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)        # 00:30 in China
    deps.clock.current = night  # type: ignore[attr-defined]
    with pytest.raises(AlertHeld) as held:
        process(deps, reauth(night))
    assert held.value.seconds == 7 * 3600 + 30 * 60
    assert deps.sender.sent == [] and "quiet period until" in recent(deps, 1).items[0].last_error  # type: ignore[attr-defined]
    deps.clock.current = night + timedelta(seconds=held.value.seconds)  # type: ignore[attr-defined]
    process(deps, reauth(night))
    assert len(deps.sender.sent) == 1  # type: ignore[attr-defined]


def test_GIVEN_a_quiet_period_over_midnight_WHEN_asked_THEN_inside_and_outside_are_right() -> None:
    quiet = QuietPeriod("23:00", "08:00", True)
    china = lambda h, m: datetime(2026, 11, 20, h, m, tzinfo=UTC) - timedelta(hours=8)  # noqa: E731
    assert quiet.resumes_at(china(22, 59)) is None and quiet.resumes_at(china(8, 0)) is None
    assert quiet.resumes_at(china(23, 0)) is not None and quiet.resumes_at(china(7, 59)) is not None
    assert QuietPeriod("12:00", "14:00", True).resumes_at(china(13, 0)) is not None
    assert QuietPeriod("23:00", "08:00", False).resumes_at(china(1, 0)) is None


def test_GIVEN_a_channel_WHEN_tested_THEN_sent_now_and_recorded(deps: AlertDeps) -> None:
    channel = add_channel(deps.settings, kind="feishu", name="飞书群",
                          webhook_url="https://open.feishu.cn/open-apis/bot/v2/hook/abc", secret="s")
    delivery = send_test(deps, channel.channel_id, "user:root")
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.event_type == "test"
    assert deps.sender.sent[0][1]["msg_type"] == "text"  # type: ignore[attr-defined]
