"""WeChat's errcode -> the base error types (reference §2.2). Business codes come from zsmhub
`apis/api_error.go`; the after-sale state code 10021003 is [I] (no source names one)."""

from __future__ import annotations

from typing import Any

from chalicelib.platforms.base import (
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
# on the token endpoints: wrong appid / secret, or this server's IP is not whitelisted (configuration errors)
APP_CREDENTIALS_REFUSED = frozenset({40001, 40013, 40125, 40164})
SECRET_FROZEN = 40243  # the seller must unfreeze the AppSecret in the console
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
    if token_endpoint and errcode in APP_CREDENTIALS_REFUSED:
        return SignatureRejectedError(text, **kw)
    if token_endpoint or errcode in TOKEN_INVALID or errcode == SECRET_FROZEN:
        return AuthExpiredError(text, **kw)
    if errcode in NOT_FOUND:
        return NotFoundError(text, **kw)
    if errcode in NOT_ALLOWED:
        return NotAllowedError(text, **kw)
    return BadRequestError(text, **kw)
