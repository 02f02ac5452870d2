"""Admin users and what each role may do."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"          # everything, users and API clients included
    OPERATOR = "operator"    # day-to-day work: orders, after-sales, shipping, catalog
    VIEWER = "viewer"        # read only


RANK = {Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}


def allows(role: Role, needed: Role) -> bool:
    return RANK[role] >= RANK[needed]


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: Role
    active: bool = True
    token_epoch: int = 0            # bumped on password change: older JWTs stop working
    revision: int = 0
