"""Admin users and what each role may do."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"          # everything, users and API clients included
    OPERATOR = "operator"    # day-to-day work: orders, after-sales, shipping, catalog
    VIEWER = "viewer"        # read only
    SUPPLIER = "supplier"    # a drop-ship supplier: its own orders only (api/supplier.py), nothing else


RANK = {Role.SUPPLIER: -1, Role.VIEWER: 0, Role.OPERATOR: 1, Role.ADMIN: 2}


def allows(role: Role, needed: Role) -> bool:
    """A supplier is outside the ladder: only supplier routes take it, and only it takes them."""
    if Role.SUPPLIER in (role, needed):
        return role is needed
    return RANK[role] >= RANK[needed]


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: Role
    active: bool = True
    token_epoch: int = 0            # bumped on password change: older JWTs stop working
    supplier_id: str = ""           # Role.SUPPLIER: the supplier (goods library) this user acts for
    revision: int = 0
