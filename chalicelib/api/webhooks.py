"""Platform pushes. Each platform authenticates its pushes its own way (a signature over the raw body,
an encrypted body, or — Xiaohongshu, which signs nothing — a secret in the URL we gave it); a push that
fails is refused with a 4xx in the platform's own reply shape and nothing is enqueued. What passes is
trusted for ids and times only (services/push_intake).

Every verifier checks what it can before it parses (the signature over the raw body, the URL signature,
the decryption, the URL secret), then parses with limits (platforms/push_parse). No body may cause a 5xx:
a platform retries a 5xx for days, and an unauthenticated 5xx is a denial-of-service lever."""
from __future__ import annotations

import functools
import hmac
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, platform_route
from chalicelib.domain.errors import NotFoundError
from chalicelib.services.platform_errors import PushRejectedError

if TYPE_CHECKING:
    from chalicelib.domain.shops import Shop, ShopSecrets

T = TypeVar("T")
bp = Blueprint(__name__)
log = logging.getLogger("oms.push")
_PATH_ID = re.compile(r"[0-9A-Za-z_.\-]{1,64}")


def _refusal(platform: str, exc: PushRejectedError) -> Response:
    """The platform's own failure reply (reference §1.7, §2.4, §3.6, §4.6), with our 4xx status."""
    if platform == "douyin":
        from chalicelib.platforms.douyin.push import FAIL_BODY
        body: dict[str, Any] = json.loads(FAIL_BODY)
    elif platform == "kuaishou":
        body = {"result": 0, "error_msg": exc.reason}
    elif platform == "xhs":
        body = {"success": False, "error_code": exc.status, "error_msg": exc.reason}
    else:    # WeChat reads a plain-text reply: anything but "success" is a failure
        return Response(f"fail: {exc.reason}", status_code=exc.status, headers={"Content-Type": "text/plain"})
    return Response(json.dumps(body), status_code=exc.status, headers={"Content-Type": "application/json"})


def _answers_as(platform: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    def decorate(view: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(view)
        def answer(ctx: Ctx, **params: str) -> Response:
            try:
                return view(ctx, **params)
            except PushRejectedError as exc:
                return _refusal(platform, exc)
        return answer
    return decorate


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


@platform_route(bp, "/webhooks/douyin/{app_key}")
@_answers_as("douyin")
def douyin_push(ctx: Ctx, app_key: str) -> Response:
    from chalicelib.platforms.douyin.push import ack_response, verify_push
    secrets = _app_secrets("douyin", app_key)
    _accept(_verified("douyin", lambda: verify_push(dict(ctx.request.headers), _body(ctx), app_key,
                                                    secrets.app_secret, _now())))
    status, headers, body = ack_response()
    return Response(body.decode(), status_code=status, headers={**headers})


@platform_route(bp, "/webhooks/wechat/{shop_id}", methods=("GET", "POST"))
@_answers_as("wechat")
def wechat_push(ctx: Ctx, shop_id: str) -> Response:
    from chalicelib.platforms.wechat.push import ACK, verify_push, verify_url
    shop, secrets = _shop_secrets(shop_id, "wechat")
    extra = secrets.extra_dict()
    query = dict(ctx.request.query_params or {})
    token, aes_key = extra.get("push_token", ""), extra.get("encoding_aes_key", "")
    if ctx.request.method == "GET":   # the URL check WeChat makes when the push URL is saved
        return _text(_verified("wechat", lambda: verify_url(query, token, _now(), aes_key, shop.app_key)))
    _accept(_verified("wechat", lambda: verify_push(query, _body(ctx), token, aes_key, shop.app_key, _now())))
    return _text(ACK)


@platform_route(bp, "/webhooks/kuaishou/{app_key}")
@_answers_as("kuaishou")
def kuaishou_push(ctx: Ctx, app_key: str) -> Response:
    from chalicelib.platforms.kuaishou.push import verify_push
    key = _app_secrets("kuaishou", app_key).extra_dict().get("message_key", "")
    _accept(_verified("kuaishou", lambda: verify_push(dict(ctx.request.headers), _body(ctx), key, now=_now(),
                                                      app_key=app_key)))
    return _json({"result": 1})


@platform_route(bp, "/webhooks/xhs/{shop_id}/{push_secret}")
@_answers_as("xhs")
def xhs_push(ctx: Ctx, shop_id: str, push_secret: str) -> Response:
    from chalicelib.platforms.xhs.push import verify_push
    shop, secrets = _shop_secrets(shop_id, "xhs")
    expected = secrets.extra_dict().get("push_secret", "")
    if not expected or not hmac.compare_digest(expected.encode(), push_secret.encode()):
        raise PushRejectedError("unknown push URL", status=401)
    _accept(_verified("xhs", lambda: verify_push(dict(ctx.request.headers), _body(ctx), now=_now(),
                                                 seller_ids={shop.seller_id})))
    return _json({"success": True, "error_code": 0, "error_msg": ""})


def _accept(events: list[Any]) -> None:
    from chalicelib.services.push_intake import accept
    accept(events, bootstrap.shops(), bootstrap.idempotency(), bootstrap.publisher())


def _known_form(platform: str, value: str, what: str) -> str:
    """Ids in the URL become DynamoDB keys (2 KB at most): anything unlike an id is simply not ours."""
    if not _PATH_ID.fullmatch(value):
        raise NotFoundError(f"no {platform} {what} like that")
    return value


def _app_secrets(platform: str, app_key: str) -> ShopSecrets:
    _known_form(platform, app_key, "app")
    for shop in bootstrap.shops().by_app(platform, app_key):
        secrets = bootstrap.shops().get_secrets(shop.shop_id)
        if secrets:
            return secrets
    raise NotFoundError(f"no {platform} app {app_key}")


def _shop_secrets(shop_id: str, platform: str) -> tuple[Shop, ShopSecrets]:
    _known_form(platform, shop_id, "shop")
    shop = bootstrap.shops().get(shop_id)
    secrets = bootstrap.shops().get_secrets(shop_id) if shop and shop.platform.value == platform else None
    if shop is None or secrets is None:
        raise NotFoundError(f"no {platform} shop {shop_id}")
    return shop, secrets


def _body(ctx: Ctx) -> bytes:
    raw = ctx.request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw


def _now() -> datetime:
    return datetime.now(UTC)


def _text(body: str) -> Response:
    return Response(body, status_code=200, headers={"Content-Type": "text/plain"})


def _json(body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status_code=200, headers={"Content-Type": "application/json"})
