"""WeChat's errcode -> the base error types (reference §2.2). Business codes come from zsmhub
`apis/api_error.go`; the after-sale state code 10021003 is [I] (no source names one)."""

from __future__ import annotations

from typing import Any

from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    NotAllowedError,
    NotFoundError,
    PlatformError,
    RateLimitedError,
    SignatureRejectedError,
    TransientError,
)

PLATFORM = "wechat"
SYSTEM_BUSY = -1
TOKEN_INVALID = frozenset({40001, 40014, 42001})  # WxJava expires its cached token on these and retries once
QUOTA_EXCEEDED = 45009  # daily quota: retrying within a run is pointless
TOO_FREQUENT = 45011
# On the token endpoints only WeChat's documented credential errors mean the seller must act on the app's
# credentials (reauth): wrong or missing appid / AppSecret (公共错误码: 40001, 40013, 40125, 41002, 41004)
# and a frozen AppSecret. Everything else there (a wrong base URL's 40066, a proxy's page, codes we do not
# know) is transient: retried, then a sync error, never a parked shop.
APP_CREDENTIALS_REFUSED = frozenset({40001, 40013, 40125, 41002, 41004})
SECRET_FROZEN = 40243  # the seller must unfreeze the AppSecret in the console
# this server's IP is not whitelisted: the seller fixes it in the console, and the next retry heals by itself
IP_NOT_WHITELISTED = frozenset({40164, 45035, 61004})
ALREADY_SHIPPED = 109001
NOT_FOUND = frozenset({100002, 10020000, 10021050, 10020052})
NOT_ALLOWED = frozenset({108009, 109000, 109001, 109002, 10020054, 10021003})


def error_for(errcode: int, errmsg: str, *, token_endpoint: bool = False) -> PlatformError:
    kw: dict[str, Any] = {"code": str(errcode), "platform": PLATFORM}
    text = f"{errcode}: {errmsg}"
    if errcode == SYSTEM_BUSY:
        return TransientError(text, **kw)
    if errcode == TOO_FREQUENT:
        return RateLimitedError(text, retry_after=1.0, **kw)
    if errcode == QUOTA_EXCEEDED:
        return RateLimitedError(text, retry_after=3600.0, **kw)
    if token_endpoint:
        return _token_error(errcode, text, kw)
    if errcode in TOKEN_INVALID or errcode == SECRET_FROZEN:
        return AuthExpiredError(text, **kw)
    if errcode in NOT_FOUND:
        return NotFoundError(text, **kw)
    if errcode in NOT_ALLOWED:
        return NotAllowedError(text, **kw)
    return BadRequestError(text, **kw)


def _token_error(errcode: int, text: str, kw: dict[str, Any]) -> PlatformError:
    if errcode in APP_CREDENTIALS_REFUSED:
        return SignatureRejectedError(f"the app's credentials were refused: {text}", **kw)
    if errcode == SECRET_FROZEN:
        return AuthExpiredError(text, **kw)
    if errcode in IP_NOT_WHITELISTED:
        return TransientError(f"this server's IP is not in the shop's whitelist: {text}", **kw)
    return TransientError(f"unexpected answer of the token endpoint: {text}", **kw)
