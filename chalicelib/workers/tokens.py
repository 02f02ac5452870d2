"""Scheduled token refresh: every shop whose token expires soon, one refresher per shop (a lease)."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.tokens")


@bp.schedule(Rate(10, unit=Rate.MINUTES))
def refresh_tokens(event: Any) -> dict[str, str]:
    from chalicelib.services.tokens import refresh_due
    context = getattr(event, "context", None)
    outcomes = refresh_due(bootstrap.shops(), bootstrap.clients(), bootstrap.platforms(), bootstrap.shop_leases(),
                           bootstrap.clock(),
                           time_left=lambda: context.get_remaining_time_in_millis() / 1000 if context else 600.0)
    log.info("tokens refreshed", extra={"outcomes": outcomes})
    _alert([shop_id for shop_id, outcome in outcomes.items() if outcome in ("reauth_needed", "failed")])
    return outcomes


def _alert(shop_ids: list[str]) -> None:
    """At once rather than at the next alert check (de-duplicated with it: the same alert per window)."""
    from chalicelib.services.alert_scan import shop_alert
    now = bootstrap.clock().now()
    shops = [bootstrap.shops().get(shop_id) for shop_id in shop_ids]
    bootstrap.alert_sink().raise_alerts([a for a in (shop_alert(s, now) for s in shops if s) if a is not None])
