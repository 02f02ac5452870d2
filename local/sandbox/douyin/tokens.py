"""Sandbox OAuth (reference §1.5): the tool-app authorise page and code exchange, the self-built app's
authorization_self grant, refresh, and the faults tests need (expired token, dead refresh token)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from local.sandbox.core import SandboxRequest, SandboxResponse
from local.sandbox.douyin.model import RefreshToken, Shop, Token
from local.sandbox.douyin.wire import business, invalid, missing, token_failed

if TYPE_CHECKING:
    from local.sandbox.douyin.app import DouyinSandbox

ACCESS_TTL = timedelta(days=7)
REFRESH_TTL = timedelta(days=14)
CODE_TTL = timedelta(minutes=10)


@dataclass
class TokenDesk:
    access: dict[str, Token] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    codes: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # code -> (shop_id, expires)
    current: dict[str, tuple[str, str]] = field(default_factory=dict)  # shop_id -> (access, refresh)

    def issue(self, shop: Shop, now: datetime) -> dict[str, Any]:
        access, refresh = f"dy-at-{secrets.token_hex(16)}", f"dy-rt-{secrets.token_hex(16)}"
        self.access[access] = Token(shop.shop_id, shop.app_key, now + ACCESS_TTL)
        self.refresh[refresh] = RefreshToken(shop.shop_id, shop.app_key, now + REFRESH_TTL)
        self.current[shop.shop_id] = (access, refresh)
        return {
            "access_token": access,
            "expires_in": int(ACCESS_TTL.total_seconds()),
            "refresh_token": refresh,
            "scope": "SCOPE",
            "shop_id": int(shop.shop_id),
            "shop_name": shop.shop_name,
            "authority_id": "",
            "auth_subject_type": "",
        }

    def check(self, token: str, app_key: str, now: datetime) -> str:
        """The shop id the token stands for, or the gateway's token error."""
        if not token:
            raise missing("isv.access-token-missing", "access_token")
        found = self.access.get(token)
        if found is None:
            raise invalid("isv.access-token-no-existed", "access_token不存在")
        if found.app_key != app_key:
            raise invalid("isv.access-token-invalid", "access_token与app_key不匹配")
        if found.expires_at <= now:
            raise invalid("isv.access-token-expired", "access_token已过期")
        return found.shop_id

    # ------------------------------------------------------------ token.create / token.refresh
    def create(self, sb: DouyinSandbox, app_key: str, p: dict[str, Any]) -> Any:
        grant = str(p.get("grant_type", ""))
        if grant == "authorization_self":
            shop = sb.shops.get(str(p.get("shop_id", "")))
            if shop is None or shop.app_key != app_key:
                raise token_failed("shop-invalid", "店铺未授权该应用")
            return self.issue(shop, sb.now())
        if grant == "authorization_code":
            return self.issue(self._redeem(sb, str(p.get("code", "")), app_key), sb.now())
        raise token_failed("grant-type-invalid", "grant_type无效")

    def _redeem(self, sb: DouyinSandbox, code: str, app_key: str) -> Shop:
        entry = self.codes.pop(code, None)
        if entry is None:
            raise token_failed("code-invalid", "授权码无效")
        shop_id, expires = entry
        if expires <= sb.now():
            raise token_failed("code-expired", "授权码已过期")
        shop = sb.shops[shop_id]
        if shop.app_key != app_key:
            raise token_failed("code-invalid", "授权码不属于该应用")
        return shop

    def renew(self, sb: DouyinSandbox, app_key: str, p: dict[str, Any]) -> Any:
        given = str(p.get("refresh_token") or "")
        if not given:
            raise business("31009", "refresh_token不能为空")
        found = self.refresh.get(given)
        if found is None or not found.alive or found.app_key != app_key:
            raise token_failed("token-invalid", "refresh_token无效")
        if found.expires_at <= sb.now():
            raise token_failed("token-expired", "refresh_token已过期")
        found.alive = False
        return self.issue(sb.shops[found.shop_id], sb.now())

    # ------------------------------------------------------------ the authorise page (fuwu.jinritemai.com)
    def authorize_page(self, sb: DouyinSandbox, request: SandboxRequest) -> SandboxResponse:
        service_id, state = request.query.get("service_id", ""), request.query.get("state", "")
        shop = next((s for s in sb.shops.values() if s.app_key == service_id), None)
        if shop is None:
            return SandboxResponse(status=404, body="未找到该服务".encode(), headers={"Content-Type": "text/plain"})
        code = self.new_code(shop, sb.now())
        redirect = request.query.get("redirect_uri", "")
        if redirect:
            glue = "&" if "?" in redirect else "?"
            return SandboxResponse(
                status=302, headers={"Location": f"{redirect}{glue}{urlencode({'code': code, 'state': state})}"}
            )
        page = f"<html><body>授权成功 {shop.shop_name}: code=<b id='code'>{code}</b> state={state}</body></html>"
        return SandboxResponse(status=200, body=page.encode(), headers={"Content-Type": "text/html;charset=UTF-8"})

    def new_code(self, shop: Shop, now: datetime) -> str:
        code = f"dy-code-{secrets.token_hex(8)}"
        self.codes[code] = (shop.shop_id, now + CODE_TTL)
        return code
