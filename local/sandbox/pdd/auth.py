"""OAuth: the service-market authorise page, code exchange and refresh (gateway and /oauth/token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from local.sandbox.core import SandboxRequest, SandboxResponse
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.model import Mall
from local.sandbox.pdd.wire import GatewayError, ok

ACCESS_TTL = 30 * 86_400  # follows the service-market order in reality; any value will do here
REFRESH_TTL = 30 * 86_400  # the official PHP SDK: refresh_token valid 30 days


def authorize_page(ctx: Ctx, request: SandboxRequest) -> SandboxResponse:
    """Stands in for the merchant logging in and agreeing: redirects at once with a code. The
    sandbox-only `mall_id` parameter picks the mall; otherwise the newest one authorises."""
    query = request.query
    redirect_uri = query.get("redirect_uri", "")
    if (
        query.get("client_id") != ctx.sandbox.client_id
        or not redirect_uri
        or query.get("response_type") != "code"
    ):
        return SandboxResponse(
            status=400,
            body=b"invalid authorise request",
            headers={"Content-Type": "text/plain;charset=UTF-8"},
        )
    code = ctx.sandbox.issue_code(query.get("mall_id") or ctx.sandbox.newest_mall_id())
    joiner = "&" if "?" in redirect_uri else "?"
    location = f"{redirect_uri}{joiner}{urlencode({'code': code, 'state': query.get('state', '')})}"
    return SandboxResponse(status=302, body=b"", headers={"Location": location})


def token_create(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    return ok("pop_auth_token_create_response", _by_code(ctx, params.get("code", "")))


def token_refresh(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    return ok("pop_auth_token_refresh_response", _by_refresh(ctx, params.get("refresh_token", "")))


def oauth_token(ctx: Ctx, body: dict[str, Any]) -> SandboxResponse:
    """POST /oauth/token with a JSON body: the token fields unwrapped."""
    if (
        body.get("client_id") != ctx.sandbox.client_id
        or body.get("client_secret") != ctx.sandbox.client_secret
    ):
        raise GatewayError(10016, "client_id或client_secret错误")
    grant = body.get("grant_type")
    if grant == "authorization_code":
        return ok(None, _by_code(ctx, str(body.get("code") or "")))
    if grant == "refresh_token":
        return ok(None, _by_refresh(ctx, str(body.get("refresh_token") or "")))
    raise GatewayError(10000, "参数错误", "grant_type不支持")


def _by_code(ctx: Ctx, code: str) -> dict[str, Any]:
    mall_id = ctx.sandbox.codes.pop(code, None)
    if mall_id is None:
        raise GatewayError(10000, "参数错误", "code无效或已使用")
    return _grant(ctx, ctx.sandbox.malls[mall_id])


def _by_refresh(ctx: Ctx, refresh_token: str) -> dict[str, Any]:
    mall = next((m for m in ctx.sandbox.malls.values() if m.refresh_token == refresh_token), None)
    if mall is None or mall.refresh_dead or mall.refresh_expires_ts < ctx.now:
        raise GatewayError(10019, "refresh_token已过期", "请商家重新授权")
    return _grant(ctx, mall)


def _grant(ctx: Ctx, mall: Mall) -> dict[str, Any]:
    mall.access_token = ctx.sandbox.new_secret("at")
    mall.refresh_token = ctx.sandbox.new_secret("rt")
    mall.token_expires_ts, mall.refresh_expires_ts = ctx.now + ACCESS_TTL, ctx.now + REFRESH_TTL
    mall.token_expired = False
    return {
        "access_token": mall.access_token,
        "expires_in": ACCESS_TTL,
        "expires_at": mall.token_expires_ts,
        "refresh_token": mall.refresh_token,
        "refresh_token_expires_in": REFRESH_TTL,
        "refresh_token_expires_at": mall.refresh_expires_ts,
        "owner_id": mall.mall_id,
        "owner_name": mall.name,
        "scope": [
            "pdd.order.number.list.increment.get",
            "pdd.refund.list.increment.get",
            "pdd.goods.list.get",
        ],
        "r1_expires_at": mall.token_expires_ts,
        "w1_expires_at": mall.token_expires_ts,
    }
