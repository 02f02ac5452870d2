"""Platform pushes, from the HTTP request to queue messages: the one use case behind every push route.

The shop (or, where the URL names the app, the app's shops) is read once and its secrets looked up; the
platform's gate (platforms/<p>/push.py, through the PlatformDirectory port) verifies the push before it
parses it, and answers in the platform's own shape. A push is trusted for ids and times only: the consumer
fetches the record through the signed API. A message id is claimed before it is sent, so a duplicate or
replayed push enqueues nothing new; if sending fails the claim is given back and the platform's retry gets
another chance. No body may cause a 5xx: a platform retries a 5xx for days, and an unauthenticated 5xx is a
denial-of-service lever."""
from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_ports import PlatformDirectory, PushGate
from chalicelib.services.platform_types import PushEvent, PushReply, PushRequest
from chalicelib.services.ports import Clock, IdempotencyStore, Publisher, ShopRepository
from chalicelib.services.queue_messages import order_group

T = TypeVar("T")
log = logging.getLogger("oms.push")
CLAIM_SECONDS = 7 * 24 * 3600    # platforms retry a push for up to a few days
MAX_KEY = 128                    # SQS's limit on a deduplication id
_PATH_ID = re.compile(r"[0-9A-Za-z_.\-]{1,64}")


@dataclass(frozen=True)
class PushDeps:
    shops: ShopRepository
    claims: IdempotencyStore
    publisher: Publisher
    platforms: PlatformDirectory
    clock: Clock


def take_push(deps: PushDeps, request: PushRequest) -> PushReply:
    """NotFoundError for a URL that names no shop or app of ours; every other refusal is the platform's
    own reply shape with a 4xx status, and nothing is enqueued."""
    gate = deps.platforms.push_gate(request.platform)
    if gate is None:
        raise NotFoundError(f"no pushes from {request.platform}")
    shops, secrets = _credentials(deps.shops, gate, request)
    try:
        events, reply = _verified(request.platform, lambda: gate.receive(request, shops[0], secrets,
                                                                          deps.clock.now()))
    except PushRejectedError as exc:
        return gate.refusal(exc)
    accept(events, deps.shops, deps.claims, deps.publisher, known=shops)
    return reply


def accept(events: Iterable[PushEvent], shops: ShopRepository, claims: IdempotencyStore,
           publisher: Publisher, known: Sequence[Shop] = ()) -> int:
    """`known`: shops already read for this push; an event for another seller is looked up."""
    sent = 0
    for event in events:
        shop = _shop_of(event, shops, known)
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


def _shop_of(event: PushEvent, shops: ShopRepository, known: Sequence[Shop]) -> Shop | None:
    for shop in known:
        if shop.platform is event.platform and shop.seller_id == event.seller_id:
            return shop
    return shops.by_seller(event.platform.value, event.seller_id)


def _credentials(shops: ShopRepository, gate: PushGate, request: PushRequest
                 ) -> tuple[list[Shop], ShopSecrets]:
    """The app's shops with the first one's secrets (they share the app secret), or the one shop the URL
    names. Ids in the URL become DynamoDB keys (2 KB at most): anything unlike an id is simply not ours."""
    platform, key = request.platform, request.key
    what = "app" if gate.keyed_by_app else "shop"
    if not _PATH_ID.fullmatch(key):
        raise NotFoundError(f"no {platform} {what} like that")
    if gate.keyed_by_app:
        candidates = shops.by_app(platform, key)
        for i, shop in enumerate(candidates):
            secrets = shops.get_secrets(shop.shop_id)
            if secrets:
                return [shop, *candidates[:i], *candidates[i + 1:]], secrets
        raise NotFoundError(f"no {platform} app {key}")
    found = shops.get(key)
    secrets = shops.get_secrets(key) if found and found.platform.value == platform else None
    if found is None or secrets is None:
        raise NotFoundError(f"no {platform} shop {key}")
    return [found], secrets


def _verified(platform: str, verify: Callable[[], T]) -> T:
    """A verifier's own refusals pass through; anything else it raises is a body it did not foresee,
    still the sender's fault: logged for us, a 400 for them, never a 500."""
    try:
        return verify()
    except PushRejectedError:
        raise
    except Exception as exc:
        log.warning("push body broke the verifier", exc_info=True, extra={"platform": platform})
        raise PushRejectedError("unreadable push", status=400) from exc


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
