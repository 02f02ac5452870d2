"""One call to api.weixin.qq.com (reference §2.1-§2.2): `POST <path>?access_token=..` with a JSON body,
the errcode envelope, and one forced token refresh + one retry when WeChat says the token is bad."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx

from chalicelib.platforms.base import SHANGHAI, AuthExpiredError, ShopCredentials, TokenSet, TransientError
from chalicelib.platforms.http import Transport
from chalicelib.platforms.wechat.errors import PLATFORM, TOKEN_INVALID, error_for
from chalicelib.platforms.wechat.token import InMemoryTokenCache, TokenCache, TokenManager

GATEWAY = "https://api.weixin.qq.com"
STABLE_TOKEN_PATH = "/cgi-bin/stable_token"


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
        payload = self._transport.request(
            lambda: httpx.Request(
                "POST",
                self.base_url + STABLE_TOKEN_PATH,
                content=content,
                headers={"Content-Type": "application/json"},
            ),
            lambda response: parse_response(response, token_endpoint=True),
        )
        expires_in = int(payload.get("expires_in") or 7200)
        return TokenSet(
            access_token=str(payload["access_token"]),
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


def parse_response(response: httpx.Response, *, token_endpoint: bool = False) -> dict[str, Any]:
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        raise TransientError(f"HTTP {response.status_code}: body is not JSON", platform=PLATFORM) from exc
    if not isinstance(payload, dict):
        raise TransientError("unexpected envelope", platform=PLATFORM)
    errcode = int(payload.get("errcode") or 0)
    if errcode:
        raise error_for(errcode, str(payload.get("errmsg", "")), token_endpoint=token_endpoint)
    return payload
