"""Delivering business alerts to the seller's bots: one alert per cause per window (the ledger's conditional
put), one delivery per chosen channel, each try recorded on the delivery (services/deliveries.py, the ERP
webhooks' own record), signed for the moment it is sent. The alerts queue retries a failed alert with
growing delays (workers/alerts.py); inside the quiet period the deliveries are held and the message comes
back when it ends. Redelivery and a second raise in the window send nothing already delivered."""
from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.alerts import EVENTS, SHANGHAI, Alert
from chalicelib.domain.errors import ConflictError
from chalicelib.services.alert_channels import require
from chalicelib.services.alert_ports import (
    ALERT_FEED,
    AlertLedger,
    AlertSettingsStore,
    Channel,
    RaisedAlert,
)
from chalicelib.services.alert_signing import bot_accepted, bot_request
from chalicelib.services.deliveries import record_attempt
from chalicelib.services.erp_ports import Delivery, DeliveryRepository, DeliveryStatus, SendResult, WebhookSender
from chalicelib.services.ports import Clock, Page

LEDGER_GRACE = timedelta(days=1)     # the dedup key outlives its window a little (TTL deletes lazily anyway)


class AlertHeld(Exception):
    """Inside the quiet period: the alert's message should come back in `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"held for {seconds} s (quiet period)")
        self.seconds = seconds


class AlertNotDelivered(Exception):
    """A bot did not take the alert: the queue tries again later (growing delays)."""


@dataclass(frozen=True)
class AlertDeps:
    settings: AlertSettingsStore
    ledger: AlertLedger
    deliveries: DeliveryRepository
    sender: WebhookSender
    clock: Clock


def process(deps: AlertDeps, alert: Alert, final: bool = False) -> list[Delivery]:
    """Raises AlertHeld in the quiet period, AlertNotDelivered when a bot refused (`final`: the queue's last
    try, the refused deliveries are marked dead)."""
    settings = deps.settings.load()
    raised = RaisedAlert(alert, tuple(c.channel_id for c in settings.channels if c.wants(alert.event)))
    if not deps.ledger.claim(raised, alert.window_ends_at + LEDGER_GRACE):
        raised = deps.ledger.get(alert.alert_id) or raised      # the first raise chose the channels
    made = [_delivery(raised.alert, settings.channel(cid), cid) for cid in raised.channel_ids]
    for delivery in made:
        deps.deliveries.add(delivery)                           # ids are stable: a second add changes nothing
    owed = [d for d in (deps.deliveries.get(m.delivery_id) for m in made)
            if d is not None and d.status is DeliveryStatus.PENDING]
    now = deps.clock.now()
    resume = settings.quiet.resumes_at(now)
    if owed and resume is not None:
        for delivery in owed:
            _hold(deps, delivery, resume)
        raise AlertHeld(max(1, int((resume - now).total_seconds())))
    sent = [send(deps, settings.channel(_channel_id(d)), d, dead_on_failure=final) for d in owed]
    refused = [d for d in sent if d.status is not DeliveryStatus.DELIVERED]
    if refused:
        raise AlertNotDelivered(f"{len(refused)} of {len(sent)} deliveries refused: {refused[0].last_error}")
    return sent


def send(deps: AlertDeps, channel: Channel | None, delivery: Delivery, dead_on_failure: bool = False) -> Delivery:
    now = deps.clock.now()
    if channel is None or not channel.active:
        result = SendResult(False, 0, "the channel was removed or switched off")
        return record_attempt(deps.deliveries, delivery, result, now, dead_on_failure=True)
    request = bot_request(channel.kind, channel.webhook_url, channel.secret, json.loads(delivery.body)["message"],
                          now)
    answer = deps.sender.send(request.url, {"Content-Type": "application/json; charset=utf-8"}, request.body)
    ok, why = bot_accepted(channel.kind, answer.status_code, answer.body) if answer.status_code else \
        (False, answer.error or "no answer")
    return record_attempt(deps.deliveries, delivery, SendResult(ok, answer.status_code, why), now, dead_on_failure)


def send_test(deps: AlertDeps, channel_id: str, actor: str) -> Delivery:
    """Now, whatever the quiet period says, recorded like any delivery."""
    channel = require(deps.settings.load(), channel_id)
    alert = Alert("test", channel_id, f"{channel.name}: 这是一条测试消息 (sent by {actor})", deps.clock.now())
    delivery = _delivery(alert, channel, channel_id)
    deps.deliveries.add(delivery)
    return send(deps, channel, delivery)


def recent(deps: AlertDeps, limit: int, cursor: str | None = None, undelivered_only: bool = False) -> Page[Delivery]:
    return deps.deliveries.for_client(ALERT_FEED, limit, cursor, undelivered_only=undelivered_only)


def _delivery(alert: Alert, channel: Channel | None, channel_id: str) -> Delivery:
    body = {"event": alert.event, "cause": alert.cause, "title": alert.title, "text": alert.text,
            "message": alert.message(), "channel_id": channel_id,
            "kind": channel.kind.value if channel else "", "raised_at": alert.raised_at.isoformat()}
    return Delivery(f"{alert.alert_id}.{channel_id}", ALERT_FEED, alert.alert_id, alert.event, "",
                    f"channel:{channel_id}", json.dumps(body, ensure_ascii=False), alert.raised_at)


def _channel_id(delivery: Delivery) -> str:
    return delivery.record_key.removeprefix("channel:")


def _hold(deps: AlertDeps, delivery: Delivery, resume: datetime) -> None:
    note = f"held: quiet period until {resume.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    if delivery.last_error == note:
        return
    with suppress(ConflictError):     # a peer recorded something meanwhile: the note is only informative
        deps.deliveries.save(replace(delivery, last_error=note), delivery.revision)


def alert_delivery_view(delivery: Delivery) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(delivery.body)
    return {"delivery_id": delivery.delivery_id, "alert_id": delivery.event_id, "event": delivery.event_type,
            "cause": body.get("cause", ""), "title": body.get("title", ""), "text": body.get("text", ""),
            "channel_id": body.get("channel_id", ""), "kind": body.get("kind", ""),
            "status": delivery.status.value, "attempts": delivery.attempts,
            "last_status_code": delivery.last_status_code, "last_error": delivery.last_error,
            "created_at": delivery.created_at.isoformat(),
            "last_attempt_at": delivery.last_attempt_at.isoformat() if delivery.last_attempt_at else None,
            "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None}


def parse_alert(body: str) -> Alert:
    """The alerts queue's message; ValueError when it is not one."""
    try:
        doc = json.loads(body)
        alert = Alert(str(doc["event"]), str(doc["cause"]), str(doc["text"]), datetime.fromisoformat(doc["raised_at"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not an alert: {exc}") from exc
    if alert.event not in EVENTS or alert.raised_at.tzinfo is None:
        raise ValueError(f"not an alert: event {alert.event!r}")
    return alert


def alert_message(alert: Alert) -> str:
    return json.dumps({"event": alert.event, "cause": alert.cause, "text": alert.text,
                       "raised_at": alert.raised_at.isoformat()}, ensure_ascii=False)

