"""Business alerts in the outbound-notice tables: the seller's settings are one erp_state item
("ALERTS#SETTINGS", revisioned; webhook URLs and secrets envelope-encrypted: the URLs carry the bots'
tokens), each alert's dedup key another ("ALERT#<alert id>", conditional put, TTL). Their deliveries are
erp_deliveries items under the feed "~alerts" (storage/erp.py)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.alerts import Alert, ChannelKind, QuietPeriod
from chalicelib.domain.errors import ConflictError
from chalicelib.services.alert_ports import AlertSettings, Channel, RaisedAlert
from chalicelib.storage import conditional
from chalicelib.storage.envelope import Envelope, default_envelope
from chalicelib.storage.erp_models import StateItem

SETTINGS_KEY = "ALERTS#SETTINGS"
CONTEXT = "alerts:settings:secrets"


class DynamoAlertSettingsStore:
    def __init__(self, envelope: Envelope | None = None) -> None:
        self._envelope = envelope

    @property
    def envelope(self) -> Envelope:
        if self._envelope is None:
            self._envelope = default_envelope()
        return self._envelope

    def load(self) -> AlertSettings:
        try:
            item = StateItem.get(SETTINGS_KEY, consistent_read=True)
        except StateItem.DoesNotExist:
            return AlertSettings()
        doc = item.doc or {}
        secrets: dict[str, Any] = self.envelope.decrypt(doc["secrets_blob"], CONTEXT) if doc.get("secrets_blob") \
            else {}
        channels = tuple(_channel(c, secrets.get(c["channel_id"], {})) for c in doc.get("channels", ()))
        return AlertSettings(channels, from_doc(QuietPeriod, doc.get("quiet", {})), int(item.revision))

    def save(self, settings: AlertSettings, expected_revision: int) -> None:
        secrets = {c.channel_id: {"webhook_url": c.webhook_url, "secret": c.secret} for c in settings.channels}
        doc = {"channels": [{"channel_id": c.channel_id, "kind": c.kind.value, "name": c.name,
                             "events": sorted(c.events), "active": c.active} for c in settings.channels],
               "quiet": to_doc(settings.quiet), "secrets_blob": self.envelope.encrypt(secrets, CONTEXT)}
        item = StateItem(SETTINGS_KEY, revision=expected_revision + 1, doc=doc)
        condition = StateItem.state_key.does_not_exist() if expected_revision == 0 else \
            StateItem.revision == expected_revision
        conditional.put(item, condition, "the alert settings")


def _channel(doc: dict[str, Any], secret: dict[str, str]) -> Channel:
    return Channel(doc["channel_id"], ChannelKind(doc["kind"]), doc.get("name", ""), secret.get("webhook_url", ""),
                   secret.get("secret", ""), frozenset(doc.get("events", ())), bool(doc.get("active", True)))


class DynamoAlertLedger:
    def claim(self, raised: RaisedAlert, expires_at: datetime) -> bool:
        doc = {"alert": to_doc(raised.alert), "channel_ids": list(raised.channel_ids)}
        item = StateItem(f"ALERT#{raised.alert.alert_id}", revision=1, doc=doc,
                         expires_at=int(expires_at.timestamp()))
        try:
            conditional.put(item, StateItem.state_key.does_not_exist(), f"alert {raised.alert.alert_id}")
        except ConflictError:
            return False
        return True

    def get(self, alert_id: str) -> RaisedAlert | None:
        try:
            item = StateItem.get(f"ALERT#{alert_id}", consistent_read=True)
        except StateItem.DoesNotExist:
            return None
        doc = item.doc or {}
        return RaisedAlert(from_doc(Alert, doc["alert"]), tuple(doc.get("channel_ids", ())))
