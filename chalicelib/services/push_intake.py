"""Verified platform pushes become queue messages. A push is trusted for ids and times only: the
consumer fetches the record through the signed API. A message id is claimed before it is sent, so a
duplicate or replayed push enqueues nothing new; if sending fails the claim is given back and the
platform's retry gets another chance."""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable

from chalicelib.domain.shops import Shop
from chalicelib.services.platform_types import PushEvent
from chalicelib.services.ports import IdempotencyStore, Publisher, ShopRepository
from chalicelib.services.queue_messages import order_group

log = logging.getLogger("oms.push")
CLAIM_SECONDS = 7 * 24 * 3600    # platforms retry a push for up to a few days
MAX_KEY = 128                    # SQS's limit on a deduplication id


def accept(events: Iterable[PushEvent], shops: ShopRepository, claims: IdempotencyStore,
           publisher: Publisher) -> int:
    sent = 0
    for event in events:
        shop = shops.by_seller(event.platform.value, event.seller_id)
        if shop is None:
            log.warning("push for a seller we do not serve", extra={"platform": event.platform.value})
            continue
        key = _key(event)
        if not claims.claim(key, CLAIM_SECONDS):
            continue
        try:
            queue, message = _message(shop, event)
            publisher.publish(queue, [message])
        except Exception:
            claims.release(key)
            raise
        sent += 1
    return sent


def _message(shop: Shop, event: PushEvent) -> tuple[str, tuple[str, str, str]]:
    group = order_group(shop.shop_id, event.order_no or event.case_id)
    dedup = _key(event)
    if event.kind == "after_sale":
        body = {"kind": "after_sale", "shop_id": shop.shop_id, "case_id": event.case_id, "order_no": event.order_no,
                "source": "push"}
        return "after_sales", (json.dumps(body), group, dedup)
    body = {"kind": "order", "shop_id": shop.shop_id, "order_no": event.order_no, "source": "push"}
    return "orders", (json.dumps(body), group, dedup)


def _key(event: PushEvent) -> str:
    """The claim key and SQS deduplication id; a message id too long for SQS is hashed (the verifiers
    already refuse ids that are not printable ASCII)."""
    key = f"push:{event.platform.value}:{event.message_id}"
    if len(key) <= MAX_KEY:
        return key
    return f"push:{event.platform.value}:sha256:{hashlib.sha256(event.message_id.encode()).hexdigest()}"
