"""Admin JWTs: HS256 pinned, issuer and audience checked, short-lived. The user's token epoch is in
the claims; a password change bumps it, so older tokens stop working at once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from chalicelib.config import settings
from chalicelib.domain.errors import AuthenticationError
from chalicelib.domain.users import Role, User

ALGORITHM = "HS256"
AUDIENCE = "qihang-oms-admin"


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
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM), expires


def verify(token: str) -> Claims:
    cfg = settings()
    try:
        data = jwt.decode(token, _secret(), algorithms=[ALGORITHM], audience=AUDIENCE, issuer=cfg.jwt_issuer,
                          options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        return Claims(username=str(data["sub"]), role=Role(data["role"]), epoch=int(data.get("epoch", 0)))
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise AuthenticationError("invalid or expired token") from exc


def _secret() -> str:
    secret = settings().jwt_secret
    if len(secret) < 32:
        # refuse to run with a guessable key rather than sign tokens anyone could forge
        raise RuntimeError("JWT_SECRET is missing or shorter than 32 characters")
    return secret
