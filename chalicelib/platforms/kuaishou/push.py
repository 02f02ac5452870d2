"""Kuaishou message push (reference §3.6): the POST body is base64(AES-CBC(key=b64decode(消息密钥),
IV = 16 zero bytes, PKCS#5)) of one JSON event. No signature header exists in any source: a body that
decrypts under our key, parses, and names our app is the authenticity check. Pure code, no I/O."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.platforms.push_parse import checked, epoch_time, load_json
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import PushEvent, PushReply, PushRequest

MAX_BODY = 64 * 1024
MAX_AGE = timedelta(days=7)  # beyond the platform's retry horizon: older bodies are replays
ORDER_PREFIX = "kwaishop_order_"
AFTER_SALE_PREFIX = "kwaishop_aftersales_"
REPLY = {"result": 1}


def decrypt(body: bytes, message_key: str) -> bytes:
    try:
        key = base64.b64decode(message_key, validate=True)
        ciphertext = base64.b64decode(body.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PushRejectedError("body or key is not base64", 400) from exc
    if len(key) not in (16, 24, 32) or not ciphertext or len(ciphertext) % 16:
        raise PushRejectedError("not an AES-CBC body for this key", 401)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(b"\0" * 16)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise PushRejectedError("does not decrypt under our message key", 401) from exc


def _message(plaintext: bytes) -> dict[str, Any]:
    if not plaintext.lstrip().startswith(b"{"):   # what a wrong key that happens to unpad gives
        raise PushRejectedError("decrypted body is not a JSON object", 401)
    message = load_json(plaintext, "decrypted body")
    if not isinstance(message, dict) or not message.get("event"):
        raise PushRejectedError("not a Kuaishou event", 400)
    return message


def _info(message: Mapping[str, Any]) -> dict[str, Any]:
    info = message.get("info") or "{}"
    parsed = load_json(info, "info") if isinstance(info, str) else info
    return parsed if isinstance(parsed, dict) else {}


def _occurred_at(message: Mapping[str, Any], info: Mapping[str, Any], now: datetime) -> datetime:
    ms = message.get("updateTime") or info.get("updateTime") or message.get("createTime")
    return epoch_time(ms, "updateTime", millis=True) if ms else now


def verify_push(
    headers: Mapping[str, str],
    body: bytes,
    message_key: str,
    *,
    now: datetime,
    app_key: str = "",
    max_age: timedelta = MAX_AGE,
) -> list[PushEvent]:
    """Returns the events to act on ([] for test pushes and event kinds we do not use); raises
    PushRejectedError for anything that is not a fresh event for our app."""
    if len(body) > MAX_BODY:
        raise PushRejectedError("body too large", 413)
    message = _message(decrypt(body, message_key))
    if app_key and message.get("appKey") and message["appKey"] != app_key:
        raise PushRejectedError("event for another app", 401)
    event = str(message["event"])
    kind = "order" if event.startswith(ORDER_PREFIX) else "after_sale" if event.startswith(AFTER_SALE_PREFIX) else ""
    if message.get("test") or not kind:
        return []
    info = _info(message)
    occurred_at = _occurred_at(message, info, now)
    if occurred_at < now - max_age:
        raise PushRejectedError("stale event", 400)
    order_no = str(info.get("oid") or (message.get("bizId") if kind == "order" else "") or "")
    case_id = str(info.get("refundId") or message.get("bizId") or "") if kind == "after_sale" else ""
    return checked([
        PushEvent(
            platform=Platform.KUAISHOU,
            kind=kind,
            event_type=event,
            seller_id=str(message.get("userId") or ""),
            order_no=order_no,
            case_id=case_id,
            message_id=str(message.get("msgId") or message.get("eventId") or ""),
            occurred_at=occurred_at,
            payload={**message, "info": info},
        )
    ])


class KuaishouPushes:
    """The URL names the app (/webhooks/kuaishou/{app_key}); the body is encrypted with its message key."""

    keyed_by_app = True

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        key = secrets.extra_dict().get("message_key", "")
        events = verify_push(request.headers, request.body, key, now=now, app_key=request.key)
        return events, PushReply(200, "application/json", json.dumps(REPLY))

    def refusal(self, exc: PushRejectedError) -> PushReply:
        return PushReply(exc.status, "application/json", json.dumps({"result": 0, "error_msg": exc.reason}))


GATE = KuaishouPushes()
