"""One call to api.weixin.qq.com (reference §2.1-§2.2): `POST <path>?access_token=..` with a JSON body,
the errcode envelope, and one forced token refresh + one retry when WeChat says the token is bad."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from chalicelib.platforms.http import Transport
from chalicelib.platforms.wechat.errors import PLATFORM, TOKEN_INVALID, error_for
from chalicelib.platforms.wechat.token import InMemoryTokenCache, TokenManager
from chalicelib.services.platform_errors import AuthExpiredError, TransientError
from chalicelib.services.platform_ports import TokenCache
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials, TokenSet

GATEWAY = "https://api.weixin.qq.com"
STABLE_TOKEN_PATH = "/cgi-bin/stable_token"
MAX_TOKEN_LIFE = 7 * 24 * 3600   # WeChat says 7200 s; a far larger figure is not WeChat speaking


def _now() -> datetime:
    return datetime.now(SHANGHAI)


class Gateway:
    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        *,
        token_cache: TokenCache | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.credentials = credentials
        self.base_url = (credentials.base_url or GATEWAY).rstrip("/")
        self._transport = transport
        self._clock = clock
        self.tokens = TokenManager(token_cache or InMemoryTokenCache(clock), self.fetch_token, clock=clock)

    def call(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        token = self.tokens.access_token()
        try:
            return self._post(path, content, token)
        except AuthExpiredError as exc:
            if int(exc.code or 0) not in TOKEN_INVALID:
                raise
        return self._post(path, content, self.tokens.replace_rejected(token))

    def fetch_token(self, force: bool) -> TokenSet:
        body = {
            "grant_type": "client_credential",
            "appid": self.credentials.app_key,
            "secret": self.credentials.app_secret,
            "force_refresh": force,
        }
        content = json.dumps(body).encode("utf-8")
        access_token, expires_in = self._transport.request(
            lambda: httpx.Request(
                "POST",
                self.base_url + STABLE_TOKEN_PATH,
                content=content,
                headers={"Content-Type": "application/json"},
            ),
            parse_token,
        )
        return TokenSet(
            access_token=access_token,
            expires_at=self._clock() + timedelta(seconds=expires_in),
            raw={"expires_in": expires_in},
        )

    def _post(self, path: str, content: bytes, token: str) -> dict[str, Any]:
        return self._transport.request(
            lambda: httpx.Request(
                "POST",
                self.base_url + path,
                params={"access_token": token},
                content=content,
                headers={"Content-Type": "application/json;charset=UTF-8"},
            ),
            parse_response,
        )


def parse_token(response: httpx.Response) -> tuple[str, int]:
    """Inside the transport's retry loop: an answer without a usable token is retried like a 5xx."""
    payload = parse_response(response, token_endpoint=True)
    access_token, expires_in = payload.get("access_token"), payload.get("expires_in") or 7200
    if not isinstance(access_token, str) or not access_token or not isinstance(expires_in, int) \
            or not 0 < expires_in <= MAX_TOKEN_LIFE:
        raise TransientError("the token endpoint answered without a token", code="no_token", platform=PLATFORM)
    return access_token, expires_in


def parse_response(response: httpx.Response, *, token_endpoint: bool = False) -> dict[str, Any]:
    """WeChat answers every call with HTTP 200 and an errcode; any other status is not WeChat speaking
    (a wrong base URL, a proxy): transient, whatever the body says."""
    if response.status_code != 200:
        raise TransientError(f"HTTP {response.status_code}", code=str(response.status_code), platform=PLATFORM)
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        raise TransientError(f"HTTP {response.status_code}: body is not JSON", platform=PLATFORM) from exc
    if not isinstance(payload, dict):
        raise TransientError("unexpected envelope", platform=PLATFORM)
    errcode = payload.get("errcode") or 0
    if not isinstance(errcode, int) or isinstance(errcode, bool):
        raise TransientError(f"unexpected errcode {str(errcode)[:40]!r}", platform=PLATFORM)
    if errcode:
        raise error_for(errcode, str(payload.get("errmsg", "")), token_endpoint=token_endpoint)
    return payload
