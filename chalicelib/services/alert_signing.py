"""The bots' documented signatures and request shapes (stdlib only). The sandboxes in local/sandbox/bots.py
verify them with their own code, and tests/unit/test_alert_signing.py pins both to fixed vectors.

DingTalk custom robot (加签): sign = urlEncode(Base64(HmacSHA256(key = secret, message = timestamp_ms + "\\n"
+ secret))), sent as `&timestamp=<ms>&sign=<sign>` on the webhook URL; the timestamp within 1 hour.
Feishu custom bot (签名校验): sign = Base64(HmacSHA256(key = timestamp_s + "\\n" + secret, message = "")),
sent in the JSON body as "timestamp" (seconds, a string) and "sign"; within 1 hour.
WeCom group robot: no signature; the `key` in the webhook URL is the credential."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus

from chalicelib.domain.alerts import ChannelKind


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of the HMAC, not yet URL-encoded (dingtalk_url encodes it)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_url(webhook_url: str, secret: str, timestamp_ms: int) -> str:
    joiner = "&" if "?" in webhook_url else "?"
    return f"{webhook_url}{joiner}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


@dataclass(frozen=True)
class BotRequest:
    url: str
    body: bytes


def bot_request(kind: ChannelKind, webhook_url: str, secret: str, text: str, now: datetime) -> BotRequest:
    """The POST that carries `text` as a plain text message, signed for `now`."""
    if kind is ChannelKind.DINGTALK:
        ms = int(now.timestamp() * 1000)
        url = dingtalk_url(webhook_url, secret, ms) if secret else webhook_url
        return BotRequest(url, _json({"msgtype": "text", "text": {"content": text}}))
    if kind is ChannelKind.WECOM:
        return BotRequest(webhook_url, _json({"msgtype": "text", "text": {"content": text}}))
    seconds = int(now.timestamp())
    signed = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds)} if secret else {}
    return BotRequest(webhook_url, _json({**signed, "msg_type": "text", "content": {"text": text}}))


def bot_accepted(kind: ChannelKind, status_code: int, body: str) -> tuple[bool, str]:
    """Whether the bot took the message. All three answer HTTP 200 with an error code in the body when they
    refuse (DingTalk/WeCom `errcode`, Feishu `code`): a 200 alone proves nothing."""
    if not 200 <= status_code < 300:
        return False, f"HTTP {status_code}: {body[:200]}"
    try:
        answer = json.loads(body or "{}")
    except ValueError:
        return False, f"unreadable answer: {body[:200]}"
    if not isinstance(answer, dict):
        return False, f"unreadable answer: {body[:200]}"
    name = "code" if kind is ChannelKind.FEISHU else "errcode"
    code = answer.get(name, answer.get("StatusCode", 0))
    if code in (0, "0"):
        return True, ""
    return False, f"{name} {code}: {answer.get('msg') or answer.get('errmsg') or ''}"[:300]


def _json(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()
