"""What business alerts work with: the seller's channels (bots) and quiet period, the ledger that makes one
alert per cause per window, and the sink other use cases raise alerts into. Deliveries are the ERP
webhooks' own records (erp_ports.Delivery in the same repository, under the feed ALERT_FEED): one delivery
path for every outbound notice. storage/alerts.py implements the stores; tests/alert_fakes.py has fakes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.domain.alerts import Alert, ChannelKind, QuietPeriod

ALERT_FEED = "~alerts"     # the deliveries' key_id: every alert delivery, newest first, in one index range


@dataclass(frozen=True)
class Channel:
    channel_id: str
    kind: ChannelKind
    name: str
    webhook_url: str                          # holds the bot's token or key: kept encrypted, shown masked
    secret: str = ""                          # DingTalk / Feishu signing secret: write-only
    events: frozenset[str] = frozenset()      # the events it receives; empty: every event
    active: bool = True

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


@dataclass(frozen=True)
class AlertSettings:
    channels: tuple[Channel, ...] = ()
    quiet: QuietPeriod = field(default_factory=QuietPeriod)
    revision: int = 0                         # 0: never saved

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.channel_id == channel_id), None)


@dataclass(frozen=True)
class RaisedAlert:
    """The ledger's record of an alert: the channels chosen when it was first raised (a redelivery or a
    second raise in the window uses these, never a new choice)."""
    alert: Alert
    channel_ids: tuple[str, ...]


class AlertSettingsStore(Protocol):
    def load(self) -> AlertSettings: ...
    def save(self, settings: AlertSettings, expected_revision: int) -> None:
        """Conditional on the revision read (0: the first save)."""


class AlertLedger(Protocol):
    def claim(self, raised: RaisedAlert, expires_at: datetime) -> bool:
        """A conditional put of the alert's dedup key (TTL at expires_at): True for the first raise."""
    def get(self, alert_id: str) -> RaisedAlert | None: ...


class AlertSink(Protocol):
    def raise_alerts(self, alerts: list[Alert]) -> None:
        """Hands alerts to the alerts queue (the consumer de-duplicates, routes and delivers)."""
