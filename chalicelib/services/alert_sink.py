"""Raising alerts from any use case: a message on the alerts queue per alert (the consumer de-duplicates,
routes, holds in the quiet period and delivers). Raising never fails its caller's work: an alert is a
notice about that work, so a queue that cannot take it is logged, not propagated."""
from __future__ import annotations

import logging
from datetime import datetime

from chalicelib.domain.alerts import Alert
from chalicelib.services.alerts import alert_message
from chalicelib.services.ports import Publisher

log = logging.getLogger("oms.alerts")


class PublishingAlertSink:
    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    def raise_alerts(self, alerts: list[Alert]) -> None:
        if not alerts:
            return
        try:
            self.publisher.publish("alerts", [(alert_message(a), a.alert_id, a.alert_id) for a in alerts])
        except Exception:
            log.exception("alerts not raised", extra={"events": sorted({a.event for a in alerts})})


def raise_refusal(publisher: Publisher, now: datetime, shop_name: str, record: str, action: str, why: str) -> None:
    """A platform refused a write the seller asked for (a ship-back, an after-sale action): it will not be
    retried, so a person has to look. One alert per record and action per window."""
    text = f"{shop_name}: {record} 的 {action} 被平台拒绝: {why}"[:500]
    PublishingAlertSink(publisher).raise_alerts([Alert("action.refused", f"{record}#{action}", text, now)])
