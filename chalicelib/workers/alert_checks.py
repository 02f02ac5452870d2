"""The scheduled look for what needs the seller's attention (services/alert_scan.py), raised as alerts on
the alerts queue. Its own module: its reads (shops, orders, cases, DLQs, ERP deliveries) are not the
consumer's, and each Lambda is granted what its module reaches (infra/iam.py)."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.alert_checks")


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def alerts_tick(event: Any) -> dict[str, int]:
    from chalicelib.services.alert_scan import scan
    alerts = scan(bootstrap.alert_scan_deps())
    bootstrap.alert_sink().raise_alerts(alerts)
    log.info("alert checks", extra={"raised": len(alerts)})
    return {"raised": len(alerts)}
