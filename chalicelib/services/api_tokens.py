"""API tokens: created by a user for themselves (shown once), listed, revoked; and the check of a token
sent as `Authorization: Bearer qho_<token_id>_<secret>`.

Why a keyed fast hash and not argon2: a password is short and guessable, so it needs a slow hash to make
each guess expensive. This secret is 256 random bits (`secrets.token_urlsafe(32)`): no guess list exists
and 2**256 tries are out of reach at any speed, so slowness buys nothing, while argon2 would cost ~50 ms
and 64 MB on every MCP request. HMAC-SHA256 under a server-held key (derived from the JWT secret, never
stored in the table) also means a copy of the table alone cannot even confirm a leaked token. The token id
in the token is the lookup key; the secret is compared in constant time."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Protocol

from chalicelib.domain.api_tokens import (
    DEFAULT_RATE_PER_MINUTE,
    MAX_DAYS,
    MAX_TOKENS_PER_USER,
    PREFIX,
    ApiToken,
    TokenScope,
    effective_role,
    scope_allowed,
)
from chalicelib.domain.errors import (
    AuthenticationError,
    NotFoundError,
    TooManyRequestsError,
    ValidationError,
)
from chalicelib.domain.users import Role, User
from chalicelib.services.ports import Clock, UserRepository

TOKEN_FORMAT = re.compile(r"^qho_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
RATE_WINDOW_SECONDS = 60


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken, holder: User | None = None) -> None:
        """`holder`: stamp the token with its user's role and state (ConflictError if the user changed)."""
    def get(self, token_id: str) -> ApiToken | None: ...
    def check_in(self, token_id: str, window_start: int) -> tuple[ApiToken, int] | None:
        """The token and its rate window's hits with this request counted (one round trip); None: no token."""
    def save(self, token: ApiToken, expected_revision: int) -> None: ...
    def all(self) -> list[ApiToken]: ...


def secret_hash(key: bytes, secret: str) -> str:
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def create_token(repo: ApiTokenRepository, clock: Clock, key: bytes, user: User, *, name: str, scope: TokenScope,
                 days: int, rate_per_minute: int = DEFAULT_RATE_PER_MINUTE) -> tuple[ApiToken, str]:
    """Returns the token and its plaintext: the only time the plaintext exists outside the caller."""
    if not scope_allowed(user.role, scope):
        raise ValidationError(f"a {user.role.value} cannot create a {scope.value} token", field="scope",
                              reason="api_token.scope_above_role")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"days must be 1..{MAX_DAYS}", field="days", reason="api_token.bad_expiry")
    mine = [t for t in for_user(repo, user.username) if t.usable(clock.now())]
    if len(mine) >= MAX_TOKENS_PER_USER:
        raise ValidationError(f"at most {MAX_TOKENS_PER_USER} active tokens per user; revoke one first",
                              field="name", reason="api_token.too_many")
    now = clock.now()
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    token = ApiToken(token_id=token_id, username=user.username, name=name.strip(), scope=scope, created_at=now,
                     expires_at=now + timedelta(days=days), secret_hash=secret_hash(key, secret),
                     rate_per_minute=rate_per_minute)
    repo.add(token, holder=user)
    return token, f"{PREFIX}{token_id}_{secret}"


def for_user(repo: ApiTokenRepository, username: str) -> list[ApiToken]:
    return sorted((t for t in repo.all() if t.username == username), key=lambda t: t.created_at, reverse=True)


def list_tokens(repo: ApiTokenRepository, viewer: User, username: str | None) -> list[ApiToken]:
    """Anyone sees their own; an admin may ask for one user's (`username`) or everyone's ("*")."""
    if username and username != viewer.username:
        if viewer.role is not Role.ADMIN:
            raise ValidationError("only admins see other users' tokens", field="username",
                                  reason="api_token.not_yours")
        if username == "*":
            return sorted(repo.all(), key=lambda t: t.created_at, reverse=True)
        return for_user(repo, username)
    return for_user(repo, viewer.username)


def revoke(repo: ApiTokenRepository, clock: Clock, actor: User, token_id: str) -> tuple[ApiToken, ApiToken]:
    """(before, after). Someone else's token answers 404 to a non-admin, like one that does not exist.
    Revoking a revoked token again changes nothing."""
    token = repo.get(token_id)
    if token is None or (token.username != actor.username and actor.role is not Role.ADMIN):
        raise NotFoundError(f"no API token {token_id}", reason="api_token.not_found")
    if token.revoked_at is not None:
        return token, token
    revoked = replace(token, revoked_at=clock.now(), revoked_by=actor.username)
    repo.save(revoked, token.revision)
    return token, replace(revoked, revision=token.revision + 1)


def authenticate(repo: ApiTokenRepository, users: UserRepository, clock: Clock, key: bytes,
                 presented: str) -> tuple[User, ApiToken, Role]:
    """(user, token, the role the call runs with). Every refusal is the same 401 whatever the cause, so
    that nobody learns which token ids exist; then the token's rate limit (429). One round trip for a
    stamped token (storage/api_tokens.py): the token read and its window counted together, so a wrong
    secret for a real token id counts against that token's window too (which also throttles guessing)."""
    match = TOKEN_FORMAT.match(presented)
    now = int(clock.now().timestamp())
    window = now - now % RATE_WINDOW_SECONDS
    found = repo.check_in(match.group(1), window) if match else None
    token, hits = found if found else (None, 0)
    if (match is None or token is None
            or not hmac.compare_digest(token.secret_hash, secret_hash(key, match.group(2)))
            or not token.usable(clock.now())):
        raise AuthenticationError("invalid, expired or revoked API token")
    user = token.holder() or users.get(token.username)
    if user is None or not user.active:
        raise AuthenticationError("invalid, expired or revoked API token")
    if hits > token.rate_per_minute:
        raise TooManyRequestsError(f"more than {token.rate_per_minute} requests a minute for this token",
                                   retry_after=window + RATE_WINDOW_SECONDS - now, reason="api_token.rate_limited")
    return user, token, effective_role(user.role, token.scope)
