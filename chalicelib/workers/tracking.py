"""Scheduled tracking refresh: shipped waybills not yet delivered, every 30 minutes, bounded per run."""
from __future__ import annotations

import dataclasses
import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.tracking")
BUDGET = 400          # waybills per run: at ~0.3 s a platform call this fits the 300 s timeout with room


@bp.schedule(Rate(30, unit=Rate.MINUTES))
def refresh_tracking(event: Any) -> dict[str, int]:
    from chalicelib.services.waybill_tracking import refresh_due
    context = getattr(event, "context", None)
    summary = refresh_due(bootstrap.waybill_deps(), budget=BUDGET,
                          time_left=lambda: context.get_remaining_time_in_millis() / 1000 if context else 300.0)
    log.info("tracking refreshed", extra=dataclasses.asdict(summary))
    return dataclasses.asdict(summary)
