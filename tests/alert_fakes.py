"""Fakes of the alerts ports (services/alert_ports.py) and a bot that answers like the real ones."""
from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.alerts import Alert
from chalicelib.domain.errors import ConflictError
from chalicelib.services.alert_ports import AlertSettings, RaisedAlert
from chalicelib.services.erp_ports import SendResult


class InMemoryAlertSettingsStore:
    def __init__(self) -> None:
        self.settings = AlertSettings()

    def load(self) -> AlertSettings:
        return copy.deepcopy(self.settings)

    def save(self, settings: AlertSettings, expected_revision: int) -> None:
        if self.settings.revision != expected_revision:
            raise ConflictError("the alert settings changed meanwhile")
        self.settings = replace(settings, revision=expected_revision + 1)


class InMemoryAlertLedger:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[RaisedAlert, datetime]] = {}

    def claim(self, raised: RaisedAlert, expires_at: datetime) -> bool:
        if raised.alert.alert_id in self.rows:
            return False
        self.rows[raised.alert.alert_id] = (raised, expires_at)
        return True

    def get(self, alert_id: str) -> RaisedAlert | None:
        row = self.rows.get(alert_id)
        return row[0] if row else None


class RecordingAlertSink:
    def __init__(self) -> None:
        self.raised: list[Alert] = []

    def raise_alerts(self, alerts: list[Alert]) -> None:
        self.raised += alerts


class ScriptedBot:
    """Every POST recorded; answers errcode/code 0, or `refuse` (a code) as the bots do, with HTTP 200."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.refuse: int = 0
        self.down = False

    def send(self, url: str, headers: Any, body: bytes) -> SendResult:
        if self.down:
            return SendResult(False, 0, "ConnectError: connection refused")
        self.sent.append((url, json.loads(body)))
        code = self.refuse
        answer = {"code": code, "msg": "sign match fail"} if "feishu" in url else {"errcode": code, "errmsg": "x"}
        return SendResult(True, 200, body=json.dumps(answer))
