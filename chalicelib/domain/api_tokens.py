"""Per-user API tokens (for AI assistants and scripts over /mcp): a scope no wider than the user's role,
an expiry, revocable. Only a keyed hash of the secret is stored; the secret is shown once."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.users import RANK, Role, User

PREFIX = "qho_"                 # recognisable by secret scanners; "qho_<token_id>_<secret>"
MAX_TOKENS_PER_USER = 20
MAX_DAYS = 365
DEFAULT_RATE_PER_MINUTE = 120


class TokenScope(StrEnum):
    READ = "read"            # read tools only
    OPERATOR = "operator"    # read and write tools (hold, release, approve, re-sync)


SCOPE_ROLE = {TokenScope.READ: Role.VIEWER, TokenScope.OPERATOR: Role.OPERATOR}


@dataclass(frozen=True)
class ApiToken:
    token_id: str
    username: str
    name: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime
    secret_hash: str                      # hex HMAC-SHA256 of the secret (services/api_tokens.py says why)
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
    revoked_at: datetime | None = None
    revoked_by: str = ""
    revision: int = 0
    holder_role: Role | None = None       # its user's role and state as stamped on the token (storage);
    holder_active: bool = True            # None: not stamped, the user is read

    def stamped(self, role: Role, active: bool) -> ApiToken:
        return replace(self, holder_role=role, holder_active=active)

    def holder(self) -> User | None:
        """Its user as far as a call needs one (name, role, state), from the stamp; None if not stamped."""
        if self.holder_role is None:
            return None
        return User(self.username, "", self.holder_role, self.holder_active)

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if now < self.expires_at else "expired"


def scope_allowed(role: Role, scope: TokenScope) -> bool:
    """A user may only hand a token what they could do themselves."""
    return RANK[role] >= RANK[SCOPE_ROLE[scope]]


def effective_role(role: Role, scope: TokenScope) -> Role:
    """The lower of the user's current role and the token's scope: a user demoted after creating an
    operator token gets a read-only token from then on."""
    wanted = SCOPE_ROLE[scope]
    return role if RANK[role] < RANK[wanted] else wanted
