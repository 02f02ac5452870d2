"""Douyin message push (reference §1.7): verify `event-sign` over the raw body, then reduce each message
to a PushEvent (ids and times only). The HTTP route answers ACK_BODY once the events are safely queued.

Douyin sends no timestamp header, so freshness is judged on the newest event time inside the signed
body: a replayed body is refused once its newest event is older than `max_age`.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.platforms.douyin.signing import HMAC_SHA256, MD5, sign_push
from chalicelib.platforms.push_parse import checked, epoch_time, in_range, load_json, whole_number
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI, PushEvent, PushReply, PushRequest

ACK_BODY = b'{"code":0,"msg":"success"}'
FAIL_BODY = b'{"code":1,"msg":"fail"}'
MAX_PUSH_BYTES = 1 << 20
SIGN_METHODS = {MD5, HMAC_SHA256}

ORDER_TAGS: dict[str, str] = {
    "100": "order_created",
    "101": "order_paid",
    "102": "order_shipped",
    "103": "order_completed",
    "104": "order_logistics_changed",
    "105": "order_address_changed",
    "106": "order_cancelled",
    "108": "order_partly_shipped",
    "109": "order_amount_changed",
    "110": "order_paid_pending",
    "111": "order_address_change_requested",
    "113": "order_seller_remark",
    "126": "order_ship_deadline_changed",
}
AFTER_SALE_TAGS: dict[str, str] = {
    "200": "after_sale_applied",
    "201": "refund_agreed",
    "202": "return_agreed",
    "203": "buyer_returned",
    "204": "refund_refused",
    "205": "return_refused",
    "206": "refund_success",
    "207": "after_sale_closed",
    "208": "after_sale_modified",
    "209": "after_sale_deadline_changed",
    "211": "exchange_reshipped",
    **{str(tag): "arbitration" for tag in range(212, 219)},
    "224": "special_after_sale",
    "225": "special_after_sale_refunded",
    "226": "reissue",
    "227": "reissue_shipped",
}
# Event time fields across the tags; update_time is the general one.
_TIME_FIELDS = (
    "update_time",
    "create_time",
    "pay_time",
    "cancel_time",
    "complete_time",
    "ship_time",
    "apply_time",
    "agree_time",
    "refuse_time",
    "close_time",
    "success_time",
    "return_time",
    "modify_time",
    "remark_time",
)


def ack_response() -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body Douyin expects back for a message it should not resend."""
    return 200, {"Content-Type": "application/json"}, ACK_BODY


def verify_push(
    headers: Mapping[str, str],
    body: bytes,
    app_key: str,
    app_secret: str,
    now: datetime,
    *,
    max_age: timedelta = timedelta(minutes=5),
    max_bytes: int = MAX_PUSH_BYTES,
) -> list[PushEvent]:
    """Raises PushRejectedError: 413 oversize, 401 missing/bad signature or stale, 400 malformed.
    Returns the order and after-sale events (other tags, e.g. product changes, are verified and skipped)."""
    if len(body) > max_bytes:
        raise PushRejectedError("push body too large", status=413)
    _check_signature({k.lower(): v for k, v in headers.items()}, body, app_key, app_secret)
    messages = _messages(body)
    events = [event for event in (_event(m) for m in messages) if event is not None]
    _check_fresh([t for t in (_newest_time(m["payload"]) for m in messages) if t is not None], now, max_age)
    return checked(events)


def _check_signature(headers: Mapping[str, str], body: bytes, app_key: str, app_secret: str) -> None:
    given = headers.get("event-sign", "").strip().lower()
    if not app_secret:   # md5(app_key + body) alone is anyone's to compute
        raise PushRejectedError("no app secret to verify with", status=401)
    if not given:
        raise PushRejectedError("missing event-sign header", status=401)
    if headers.get("app-id") not in (None, app_key):
        raise PushRejectedError("push for another app", status=401)
    method = headers.get("sign-method", MD5).strip().lower() or MD5
    if method not in SIGN_METHODS:
        raise PushRejectedError(f"unknown sign-method {method!r}", status=401)
    expected = sign_push(app_key=app_key, app_secret=app_secret, body=body, sign_method=method)
    if not hmac.compare_digest(expected, given):
        raise PushRejectedError("event-sign does not match the body", status=401)


def _messages(body: bytes) -> list[dict[str, Any]]:
    decoded = load_json(body, "push body")
    if not isinstance(decoded, list) or not decoded:
        raise PushRejectedError("push body must be a non-empty JSON array", status=400)
    return [_message(m) for m in decoded]


def _message(message: Any) -> dict[str, Any]:
    if not isinstance(message, dict) or not message.get("tag") or not message.get("msg_id"):
        raise PushRejectedError("message without tag or msg_id", status=400)
    data = message.get("data")  # `data` is a JSON document inside a string
    if not isinstance(data, str) or not data:
        raise PushRejectedError("message data is not a JSON string", status=400)
    payload = load_json(data, "message data")
    if not isinstance(payload, dict):
        raise PushRejectedError("message data is not an object", status=400)
    return {"tag": str(message["tag"]), "msg_id": str(message["msg_id"]), "payload": payload}


def _event(message: Mapping[str, Any]) -> PushEvent | None:
    tag, payload = message["tag"], message["payload"]
    if tag not in ORDER_TAGS and tag not in AFTER_SALE_TAGS:
        return None
    order_no = payload.get("p_id") or payload.get("order_id") or payload.get("shop_order_id")
    if not order_no:
        raise PushRejectedError(f"tag {tag} message without an order id", status=400)
    after_sale = tag in AFTER_SALE_TAGS
    case_id = str(payload.get("aftersale_id") or "") if after_sale else ""
    if after_sale and not case_id:
        raise PushRejectedError(f"tag {tag} message without aftersale_id", status=400)
    return PushEvent(
        platform=Platform.DOUYIN,
        kind="after_sale" if after_sale else "order",
        event_type=tag,
        seller_id=str(payload.get("shop_id") or ""),
        order_no=str(order_no),
        message_id=message["msg_id"],
        occurred_at=_event_time(payload),
        case_id=case_id,
        payload=payload,
    )


def _event_time(payload: Mapping[str, Any]) -> datetime:
    newest = _newest_time(payload)
    if newest is None:
        raise PushRejectedError("message carries no event time", status=400)
    return newest


def _newest_time(payload: Mapping[str, Any]) -> datetime | None:
    times = [t for t in (_parse_time(payload.get(name)) for name in _TIME_FIELDS) if t is not None]
    return max(times, default=None)


def _parse_time(value: Any) -> datetime | None:
    """Unix seconds or milliseconds, or a time string (the Go SDK types some update_time as time.Time)."""
    if value in (None, "", 0) or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)   # finite: load_json refuses NaN and Infinity
    if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()):
        number = whole_number(value, "event time")
        return epoch_time(number, "event time", millis=number > 10**11)
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise PushRejectedError(f"unreadable event time {value!r}", status=400) from None
        return in_range(parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI), "event time")
    raise PushRejectedError(f"unreadable event time {str(value)[:40]!r}", status=400)


def _check_fresh(times: list[datetime], now: datetime, max_age: timedelta) -> None:
    if not times:
        raise PushRejectedError("push carries no event time", status=400)
    newest = max(times)
    if now - newest > max_age:
        raise PushRejectedError(f"stale push: newest event at {newest.isoformat()}", status=401)
    if newest - now > max_age:
        raise PushRejectedError(f"push from the future: {newest.isoformat()}", status=401)


class DouyinPushes:
    """The URL names the app (/webhooks/douyin/{app_key}): every shop of the app shares its secret."""

    keyed_by_app = True

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        events = verify_push(request.headers, request.body, request.key, secrets.app_secret, now)
        status, headers, body = ack_response()
        return events, PushReply(status, headers["Content-Type"], body.decode())

    def refusal(self, exc: PushRejectedError) -> PushReply:
        return PushReply(exc.status, "application/json", json.dumps(json.loads(FAIL_BODY)))


GATE = DouyinPushes()
