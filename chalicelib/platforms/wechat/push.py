"""WeChat message push (reference §2.4): URL verification, signature and AES checks, and the events we act
on. Pure code: the HTTP route that calls it belongs to the API layer. Reply ACK to every accepted push.

The URL `signature` (token, timestamp, nonce) is checked before the body is read, in both modes: WeChat
sends it with every push, and it is the only check that needs nothing from the body. In safe mode the
`msg_signature` covers the Encrypt field, so the envelope must be read first: it is read as a flat
envelope only (depth 2), never as a document of any depth."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.platforms.push_parse import MAX_DEPTH, checked, epoch_time, load_json, load_xml
from chalicelib.platforms.wechat.signing import CryptoError, aes_key, decrypt, signature_matches
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import PushEvent, PushReply, PushRequest, shanghai

ACK = "success"
MAX_BODY_BYTES = 64 * 1024
MAX_AGE = timedelta(minutes=5)
SAFE_MODE = "aes"
ENVELOPE_DEPTH = 2   # {"ToUserName", "Encrypt"} or <xml><ToUserName/><Encrypt/></xml>
ORDER_EVENTS = frozenset(
    {
        "channels_ec_order_new",
        "channels_ec_order_pay",
        "channels_ec_order_wait_shipping",
        "channels_ec_order_deliver",
        "channels_ec_order_confirm",
        "channels_ec_order_cancel",
        "channels_ec_order_ext_info_update",
    }
)
AFTER_SALE_EVENT = "channels_ec_aftersale_update"


def verify_url(
    query: Mapping[str, str],
    token: str,
    now: datetime,
    encoding_aes_key: str = "",
    appid: str = "",
    max_age: timedelta = MAX_AGE,
) -> str:
    """The GET check WeChat sends when the push URL is saved: returns the echostr to answer with."""
    timestamp, nonce = _fresh_stamp(query, now, max_age)
    echostr = query.get("echostr", "")
    if "msg_signature" in query:  # safe mode: the echostr itself is encrypted
        _check(query["msg_signature"], token, timestamp, nonce, echostr)
        return _open(echostr, encoding_aes_key, appid)
    _check(query.get("signature", ""), token, timestamp, nonce)
    return echostr


def verify_push(
    query: Mapping[str, str],
    body: bytes,
    token: str,
    encoding_aes_key: str,
    appid: str,
    now: datetime,
    max_age: timedelta = MAX_AGE,
    max_bytes: int = MAX_BODY_BYTES,
) -> list[PushEvent]:
    if len(body) > max_bytes:
        raise PushRejectedError(f"body over {max_bytes} bytes", status=413)
    timestamp, nonce = _fresh_stamp(query, now, max_age)
    _check(query.get("signature", ""), token, timestamp, nonce)
    if query.get("encrypt_type") == SAFE_MODE:
        encrypted = _parse(body, ENVELOPE_DEPTH).get("Encrypt")
        if not encrypted or not isinstance(encrypted, str):
            raise PushRejectedError("no Encrypt field", status=400)
        _check(query.get("msg_signature", ""), token, timestamp, nonce, encrypted)
        message = _parse(_open(encrypted, encoding_aes_key, appid).encode("utf-8"))
    else:
        message = _parse(body)
    return checked(_events(message, appid))


def _fresh_stamp(query: Mapping[str, str], now: datetime, max_age: timedelta) -> tuple[str, str]:
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not timestamp or not nonce:
        raise PushRejectedError("timestamp or nonce missing", status=400)
    sent_at = epoch_time(timestamp, "timestamp")
    if abs(shanghai(now) - sent_at) > max_age:
        raise PushRejectedError("stale timestamp", status=401)
    return timestamp, nonce


def _check(signature: str, token: str, *parts: str) -> None:
    if not token:   # no push token configured: anyone could compute the signature
        raise PushRejectedError("push token not configured", status=401)
    if not signature:
        raise PushRejectedError("signature missing", status=401)
    if not signature_matches(signature, token, *parts):
        raise PushRejectedError("bad signature", status=401)


def _open(encrypted: str, encoding_aes_key: str, appid: str) -> str:
    try:
        message, sender = decrypt(encrypted, aes_key(encoding_aes_key))
    except CryptoError as exc:
        raise PushRejectedError(f"cannot decrypt: {exc}", status=401) from exc
    if sender != appid:
        raise PushRejectedError("message is for another appid", status=401)
    return message


def _parse(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    text = raw.strip()
    if text.startswith(b"<"):
        parsed = _xml_value(load_xml(text, max_depth=max_depth))
        return parsed if isinstance(parsed, dict) else {}
    parsed = load_json(text, max_depth=max_depth)
    if not isinstance(parsed, dict):
        raise PushRejectedError("body is not an object", status=400)
    return parsed


def _xml_value(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    return {child.tag: _xml_value(child) for child in children}


def _events(message: Mapping[str, Any], appid: str) -> list[PushEvent]:
    event = str(message.get("Event") or "")
    occurred_at = epoch_time(message.get("CreateTime"), "CreateTime")
    created = str(int(occurred_at.timestamp()))
    if event in ORDER_EVENTS:
        info = _section(message, "order_info")
        ids = {"order_no": str(info.get("order_id") or ""), "case_id": ""}
        kind, status = "order", ""
    elif event == AFTER_SALE_EVENT:
        info = _section(message, "finder_shop_aftersale_status_update")
        ids = {"order_no": str(info.get("order_id") or ""), "case_id": str(info.get("after_sale_order_id") or "")}
        kind, status = "after_sale", str(info.get("status") or "")
    else:
        return []  # product, coupon, fund... events: acknowledged, not ours to act on
    if not ids["order_no"] and not ids["case_id"]:
        raise PushRejectedError(f"{event} without an id", status=400)
    # one push has no id of its own; the same content delivered twice must give the same id
    message_id = ":".join((event, ids["case_id"] or ids["order_no"], created, status))
    return [
        PushEvent(
            platform=Platform.WECHAT,
            kind=kind,
            event_type=event,
            seller_id=appid,
            order_no=ids["order_no"],
            case_id=ids["case_id"],
            message_id=message_id,
            occurred_at=occurred_at,
            payload=dict(info),
        )
    ]


def _section(message: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = message.get(key)
    if not isinstance(section, Mapping):
        raise PushRejectedError(f"{key} missing", status=400)
    return section


class WechatPushes:
    """The URL names our shop (/webhooks/wechat/{shop_id}); a GET is the URL check made when it is saved."""

    keyed_by_app = False

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        extra = secrets.extra_dict()
        token, encoding_key = extra.get("push_token", ""), extra.get("encoding_aes_key", "")
        if request.method == "GET":
            return [], _text(verify_url(request.query, token, now, encoding_key, shop.app_key))
        return verify_push(request.query, request.body, token, encoding_key, shop.app_key, now), _text(ACK)

    def refusal(self, exc: PushRejectedError) -> PushReply:
        return _text(f"fail: {exc.reason}", exc.status)   # a plain-text reply: anything but "success" fails


def _text(body: str, status: int = 200) -> PushReply:
    return PushReply(status, "text/plain", body)


GATE = WechatPushes()
