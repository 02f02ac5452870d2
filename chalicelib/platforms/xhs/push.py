"""Xiaohongshu message push (reference §4.6): a JSON array of {msgTag, sellerId, data: "<JSON>"}.

No signature scheme exists in any source, so nothing here can prove a push came from the platform:
the endpoint is guarded by a secret in its URL (the API layer's job), pushes name only sellers we know,
and the pipeline treats every push as a trigger to re-fetch through the signed API. Pure code, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.platforms.push_parse import checked, epoch_time, load_json
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import PushEvent, PushReply, PushRequest

MAX_BODY = 256 * 1024
MAX_AGE = timedelta(days=7)
REPLY = {"success": True, "error_code": 0, "error_msg": ""}
ORDER_PREFIX = "msg_fulfillment_"
AFTER_SALE_PREFIX = "msg_after_sale_"


def _messages(body: bytes) -> list[dict[str, Any]]:
    if len(body) > MAX_BODY:
        raise PushRejectedError("body too large", 413)
    parsed = load_json(body)
    messages = [parsed] if isinstance(parsed, dict) else parsed
    if not isinstance(messages, list) or not messages or \
            not all(isinstance(m, dict) and m.get("msgTag") for m in messages):
        raise PushRejectedError("not an array of XHS messages", 400)
    return messages


def _data(message: Mapping[str, Any]) -> dict[str, Any]:
    raw = message.get("data") or "{}"
    data = load_json(raw, "data") if isinstance(raw, str) else raw
    if not isinstance(data, dict):
        raise PushRejectedError("data is not an object", 400)
    return data


def message_id(message: Mapping[str, Any]) -> str:
    """The platform gives none: a content hash makes re-deliveries of one message share an id."""
    key = f"{message.get('msgTag')}|{message.get('sellerId')}|{message.get('data')}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _event(message: Mapping[str, Any], now: datetime, max_age: timedelta) -> PushEvent | None:
    tag = str(message["msgTag"])
    kind = "order" if tag.startswith(ORDER_PREFIX) else "after_sale" if tag.startswith(AFTER_SALE_PREFIX) else ""
    if not kind:
        return None  # item messages: nothing for the order pipeline
    data = _data(message)
    ms = data.get("updateTime") or data.get("updatedAt")
    occurred_at = epoch_time(ms, "updateTime", millis=True) if ms else now
    if occurred_at < now - max_age:
        raise PushRejectedError("stale message", 400)
    return PushEvent(
        platform=Platform.XHS,
        kind=kind,
        event_type=tag,
        seller_id=str(message.get("sellerId", "")),
        order_no=str(data.get("orderId", "")),
        case_id=str(data.get("returnsId", "")),
        message_id=message_id(message),
        occurred_at=occurred_at,
        payload={**message, "data": data},
    )


def verify_push(
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    seller_ids: Collection[str] | None = None,
    max_age: timedelta = MAX_AGE,
) -> list[PushEvent]:
    """The events to act on; PushRejectedError for a malformed, oversize or stale body, or one naming a
    seller that is not ours (when `seller_ids` is given)."""
    messages = _messages(body)
    if seller_ids is not None and any(str(m.get("sellerId", "")) not in seller_ids for m in messages):
        raise PushRejectedError("message for a seller we do not serve", 401)
    events = (_event(m, now, max_age) for m in messages)
    return checked([e for e in events if e is not None])


class XhsPushes:
    """The URL names our shop and carries the secret we gave it (/webhooks/xhs/{shop_id}/{push_secret}):
    Xiaohongshu signs nothing."""

    keyed_by_app = False

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        expected = secrets.extra_dict().get("push_secret", "")
        if not expected or not hmac.compare_digest(expected.encode(), request.url_secret.encode()):
            raise PushRejectedError("unknown push URL", status=401)
        events = verify_push(request.headers, request.body, now=now, seller_ids={shop.seller_id})
        return events, PushReply(200, "application/json",
                                 json.dumps({"success": True, "error_code": 0, "error_msg": ""}))

    def refusal(self, exc: PushRejectedError) -> PushReply:
        return PushReply(exc.status, "application/json",
                         json.dumps({"success": False, "error_code": exc.status, "error_msg": exc.reason}))


GATE = XhsPushes()
