"""Platform pushes. Each platform authenticates its pushes its own way (a signature over the raw body,
an encrypted body, or — Xiaohongshu, which signs nothing — a secret in the URL we gave it); a push that
fails is refused with a 4xx in the platform's own reply shape and nothing is enqueued. Each route reads the
request and hands it to the one use case, services/push_intake.take_push, which answers for the platform."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, platform_route

if TYPE_CHECKING:
    from chalicelib.services.platform_types import PushReply

bp = Blueprint(__name__)


@platform_route(bp, "/webhooks/douyin/{app_key}")
def douyin_push(ctx: Ctx, app_key: str) -> Response:
    return _take(ctx, "douyin", app_key)


@platform_route(bp, "/webhooks/wechat/{shop_id}", methods=("GET", "POST"))
def wechat_push(ctx: Ctx, shop_id: str) -> Response:
    return _take(ctx, "wechat", shop_id)


@platform_route(bp, "/webhooks/kuaishou/{app_key}")
def kuaishou_push(ctx: Ctx, app_key: str) -> Response:
    return _take(ctx, "kuaishou", app_key)


@platform_route(bp, "/webhooks/xhs/{shop_id}/{push_secret}")
def xhs_push(ctx: Ctx, shop_id: str, push_secret: str) -> Response:
    return _take(ctx, "xhs", shop_id, push_secret)


def _take(ctx: Ctx, platform: str, key: str, url_secret: str = "") -> Response:
    # imported on the first push: the API Lambda's other routes never load the intake or the platform shapes
    from chalicelib.services.platform_types import PushRequest
    from chalicelib.services.push_intake import take_push
    raw = ctx.request.raw_body or b""
    request = PushRequest(platform=platform, key=key, method=ctx.request.method,
                          headers=dict(ctx.request.headers), query=dict(ctx.request.query_params or {}),
                          body=raw.encode() if isinstance(raw, str) else raw, url_secret=url_secret)
    return _response(take_push(bootstrap.push_deps(), request))


def _response(reply: PushReply) -> Response:
    return Response(reply.body, status_code=reply.status, headers={"Content-Type": reply.content_type})
