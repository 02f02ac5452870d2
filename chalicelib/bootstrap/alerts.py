"""Business alerts (issue 26): channels, the ledger that dedups a cause, the sink and the scheduled scan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.alert_ports import AlertLedger, AlertSettingsStore, AlertSink
    from chalicelib.services.alert_scan import ScanDeps
    from chalicelib.services.alerts import AlertDeps

__all__ = ["alert_deps", "alert_ledger", "alert_scan_deps", "alert_settings", "alert_sink"]


def alert_settings() -> AlertSettingsStore:
    def build() -> AlertSettingsStore:
        from chalicelib.storage.alerts import DynamoAlertSettingsStore

        return DynamoAlertSettingsStore()

    return _get("alert_settings", build)


def alert_ledger() -> AlertLedger:
    def build() -> AlertLedger:
        from chalicelib.storage.alerts import DynamoAlertLedger

        return DynamoAlertLedger()

    return _get("alert_ledger", build)


def alert_sink() -> AlertSink:
    def build() -> AlertSink:
        from chalicelib.services.alert_sink import PublishingAlertSink

        return PublishingAlertSink(bootstrap.publisher())

    return _get("alert_sink", build)


def alert_deps() -> AlertDeps:
    from chalicelib.services.alerts import AlertDeps

    return AlertDeps(
        settings=alert_settings(),
        ledger=alert_ledger(),
        deliveries=bootstrap.erp_deliveries(),
        sender=bootstrap.webhook_sender(),
        clock=bootstrap.clock(),
    )


def alert_scan_deps() -> ScanDeps:
    from chalicelib.services.alert_scan import ScanDeps

    return ScanDeps(
        shops=bootstrap.shops(),
        orders=bootstrap.orders(),
        cases=bootstrap.after_sale_queries(),
        dead_letters=bootstrap.dead_letters(),
        erp_clients=bootstrap.erp_clients(),
        deliveries=bootstrap.erp_deliveries(),
        clock=bootstrap.clock(),
    )
