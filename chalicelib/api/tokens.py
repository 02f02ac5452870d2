"""Admin JWTs: HS256 only (the algorithm is pinned: a token naming any other, "none" included, is refused),
issuer and audience checked, short-lived. The user's token epoch is in the claims; a password change
bumps it, so older tokens stop working at once.

Signed with the standard library rather than PyJWT: PyJWT imports `cryptography` at import time
(~100 ms of cold start on every admin request) for algorithms we never accept. The tests check that
our tokens and PyJWT's verify each other."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.errors import AuthenticationError
from chalicelib.domain.users import Role, User

ALGORITHM = "HS256"
AUDIENCE = "qihang-oms-admin"
LEEWAY_SECONDS = 30
_HEADER = {"alg": ALGORITHM, "typ": "JWT"}


@dataclass(frozen=True)
class Claims:
    username: str
    role: Role
    epoch: int


def issue(user: User, now: datetime) -> tuple[str, datetime]:
    cfg = settings()
    expires = now + timedelta(seconds=cfg.jwt_ttl_seconds)
    claims = {"sub": user.username, "role": user.role.value, "epoch": user.token_epoch,
              "iss": cfg.jwt_issuer, "aud": AUDIENCE, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    signing_input = f"{_b64(_json(_HEADER))}.{_b64(_json(claims))}"
    return f"{signing_input}.{_b64(_sign(signing_input))}", expires


def verify(token: str, now: datetime | None = None) -> Claims:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_unb64(header_b64))
        if header.get("alg") != ALGORITHM:
            raise ValueError("algorithm not allowed")
        if not hmac.compare_digest(_unb64(signature_b64), _sign(f"{header_b64}.{payload_b64}")):
            raise ValueError("bad signature")
        data = json.loads(_unb64(payload_b64))
        _check_claims(data, now or datetime.now().astimezone())
        return Claims(username=str(data["sub"]), role=Role(data["role"]), epoch=int(data.get("epoch", 0)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AuthenticationError("invalid or expired token") from exc


def _check_claims(data: dict[str, Any], now: datetime) -> None:
    ts = now.timestamp()
    if data.get("iss") != settings().jwt_issuer or data.get("aud") != AUDIENCE:
        raise ValueError("wrong issuer or audience")
    if not isinstance(data.get("exp"), int) or ts > data["exp"] + LEEWAY_SECONDS:
        raise ValueError("expired")
    if not isinstance(data.get("iat"), int) or data["iat"] > ts + LEEWAY_SECONDS:
        raise ValueError("issued in the future")


def _sign(signing_input: str) -> bytes:
    return hmac.new(_secret().encode(), signing_input.encode(), hashlib.sha256).digest()


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _secret() -> str:
    secret = settings().jwt_secret
    if len(secret) < 32:
        # refuse to run with a guessable key rather than sign tokens anyone could forge
        raise RuntimeError("JWT_SECRET is missing or shorter than 32 characters")
    return secret
