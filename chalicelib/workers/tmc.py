"""Taobao's message service (TMC) as a near-real-time feed that fits Lambda: a schedule polls
taobao.tmc.messages.consume per app (the long-lived TMC socket does not fit a function that stops) and
feeds the same queues as the webhooks; messages are confirmed only after they are queued, so a failed
run leaves them for TMC to hand out again."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.tmc")
MAX_BATCHES = 20            # per app and run: 20 x 200 messages, well inside a minute


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def poll_taobao_messages(event: Any) -> dict[str, int]:
    from chalicelib.domain.platform import Platform
    taobao = [s for s in bootstrap.shops().syncing() if s.platform is Platform.TAOBAO]
    by_app: dict[str, Any] = {}
    for shop in taobao:
        by_app.setdefault(shop.app_key, shop)
    queued = sum(_drain(shop) for shop in by_app.values())
    return {"apps": len(by_app), "queued": queued}


def _drain(shop: Any) -> int:
    from chalicelib.platforms.http import Transport
    from chalicelib.platforms.shop_clients import credentials_for
    from chalicelib.platforms.taobao.tmc import TmcFeed
    from chalicelib.services.push_intake import accept
    secrets = bootstrap.shops().get_secrets(shop.shop_id)
    if secrets is None:
        return 0
    feed = TmcFeed(credentials_for(shop, secrets), Transport())
    queued = 0
    for _ in range(MAX_BATCHES):
        events = feed.consume(200)
        if not events:
            break
        queued += accept(events, bootstrap.shops(), bootstrap.idempotency(), bootstrap.publisher())
        feed.confirm(e.message_id for e in events)
    return queued
