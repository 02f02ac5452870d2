"""The sandbox's open-oauth.jd.com: authorise (302 back with a code), code exchange, refresh.
Error answers carry `code` and `msg` (JD's OAuth error shape is not in the reference: our convention)."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from local.sandbox.core import SandboxResponse
from local.sandbox.jd.model import Shop

if TYPE_CHECKING:
    from local.sandbox.jd.app import JdSandbox

TOKEN_SECONDS = 30 * 24 * 3600


def to_login(sb: JdSandbox, params: dict[str, str]) -> SandboxResponse:
    shop = sb.by_app_key.get(params.get("app_key", ""))
    if shop is None or params.get("response_type") != "code" or not params.get("redirect_uri"):
        return SandboxResponse.json({"code": 400, "msg": "invalid app_key, response_type or redirect_uri"},
                                    status=400)
    code = secrets.token_hex(8)
    shop.codes.add(code)
    target = f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params.get('state', '')})}"
    return SandboxResponse(status=302, headers={"Location": target, "Content-Type": "text/html"})


def _app(sb: JdSandbox, params: dict[str, str]) -> Shop | None:
    shop = sb.by_app_key.get(params.get("app_key", ""))
    return shop if shop is not None and params.get("app_secret") == shop.app_secret else None


def access_token(sb: JdSandbox, params: dict[str, str]) -> SandboxResponse:
    shop = _app(sb, params)
    if shop is None:
        return SandboxResponse.json({"code": 400, "msg": "invalid app_key or app_secret"})
    if params.get("grant_type") != "authorization_code" or params.get("code") not in shop.codes:
        return SandboxResponse.json({"code": 402, "msg": "invalid or used code"})
    shop.codes.discard(params["code"])
    shop.access_token, shop.refresh_token = secrets.token_hex(16), secrets.token_hex(16)
    shop.token_expired = shop.refresh_dead = False
    return _token_answer(sb, shop)


def refresh_token(sb: JdSandbox, params: dict[str, str]) -> SandboxResponse:
    shop = _app(sb, params)
    if shop is None:
        return SandboxResponse.json({"code": 400, "msg": "invalid app_key or app_secret"})
    if params.get("grant_type") != "refresh_token" or params.get("refresh_token") != shop.refresh_token \
            or shop.refresh_dead:
        return SandboxResponse.json({"code": 403, "msg": "refresh_token invalid or expired"})
    shop.access_token, shop.token_expired = secrets.token_hex(16), False
    return _token_answer(sb, shop)


def _token_answer(sb: JdSandbox, shop: Shop) -> SandboxResponse:
    return SandboxResponse.json({
        "code": 0, "access_token": shop.access_token, "refresh_token": shop.refresh_token,
        "expires_in": TOKEN_SECONDS, "scope": "snsapi_base", "token_type": "bearer",
        "open_id": f"open{shop.seller_id}", "xid": f"xid{shop.seller_id}", "uid": shop.seller_id,
        "time": str(int(sb.wall_clock().timestamp() * 1000))})


ENDPOINTS: dict[str, Callable[[JdSandbox, dict[str, str]], SandboxResponse]] = {
    "/oauth2/to_login": to_login, "/oauth2/access_token": access_token, "/oauth2/refresh_token": refresh_token,
}
