"""OAuth for TOP: the browser authorise URL, and code exchange / refresh through the gateway APIs
taobao.top.auth.token.create / .refresh, whose `token_result` is a JSON string (reference §1.5)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.services.platform_errors import BadRequestError, TransientError
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials, TokenSet

REAL_AUTHORIZE = "https://oauth.taobao.com/authorize"


def authorize_url(credentials: ShopCredentials, redirect_uri: str, state: str, view: str = "web") -> str:
    base = credentials.base_url.rstrip("/").removesuffix("/router/rest")
    page = f"{base}/authorize" if base else REAL_AUTHORIZE
    query = {
        "response_type": "code",
        "client_id": credentials.app_key,
        "redirect_uri": redirect_uri,
        "state": state,
        "view": view,
    }
    return f"{page}?{urlencode(query)}"


def token_set(body: Mapping[str, Any], now: datetime) -> TokenSet:
    raw = body.get("token_result")
    if not isinstance(raw, str):
        raise BadRequestError("token response without token_result", code="token", platform="taobao")
    try:
        token: dict[str, Any] = json.loads(raw)
    except ValueError as exc:
        raise TransientError("token_result is not JSON", code="token", platform="taobao") from exc
    if not isinstance(token, dict) or not token.get("access_token"):
        raise TransientError("token_result holds no access_token", code="token", platform="taobao")
    return TokenSet(
        access_token=str(token["access_token"]),
        expires_at=_expiry(token.get("expire_time"), token.get("expires_in"), now) or now,
        refresh_token=str(token.get("refresh_token") or ""),
        refresh_expires_at=_expiry(token.get("refresh_token_valid_time"), token.get("re_expires_in"), now),
        seller_id=str(token.get("taobao_user_id") or ""),
        raw=token,
    )


def _expiry(epoch_ms: Any, seconds: Any, now: datetime) -> datetime | None:
    """TOP gives both an absolute epoch-ms and a relative seconds value; the absolute one wins."""
    if epoch_ms:
        return datetime.fromtimestamp(int(epoch_ms) / 1000, SHANGHAI)
    if seconds not in (None, ""):
        return now + timedelta(seconds=int(seconds))
    return None
