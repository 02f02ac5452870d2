"""Admin users: creation under a password policy, login with lockout, password change that revokes
older tokens, and the per-request check that a token's user still exists, is active and current."""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import Any

from chalicelib.domain.errors import AuthenticationError, ConflictError, TooManyRequestsError, ValidationError
from chalicelib.domain.users import Role, User
from chalicelib.services.ports import Clock, UserRepository

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher  # cold start: argon2 ~0.12 s; routes that never hash skip it
    return PasswordHasher()


def check_password_policy(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password",
                              reason="password.too_short")
    if username.lower() in password.lower():
        raise ValidationError("password must not contain the username", field="password",
                              reason="password.contains_username")
    kinds = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if kinds < 3:
        raise ValidationError("password needs three of: lower case, upper case, digits, symbols", field="password",
                              reason="password.too_simple")


def create_user(users: UserRepository, username: str, password: str, role: Role, supplier_id: str = "") -> User:
    check_password_policy(password, username)
    user = User(username=username, password_hash=_hasher().hash(password), role=role, supplier_id=supplier_id)
    try:
        users.add(user)
    except ConflictError as exc:
        raise ConflictError(f"user {username} exists", reason="user.exists") from exc
    return replace(user, revision=1)     # as stored: what a later conditional write compares with


def login(users: UserRepository, clock: Clock, username: str, password: str) -> User:
    """Every attempt is counted before its password is checked, so that a burst of any size has at most
    MAX_FAILED_LOGINS checked; unknown names are counted and answered alike, after the same argon2 work,
    so that neither the answer, nor the lockout, nor the time tells which names exist."""
    now = clock.now()
    name = username.lower()     # one counter for every spelling of a name
    unlocks = users.claim_sign_in(name, now, MAX_FAILED_LOGINS, LOCKOUT)
    if unlocks is not None:
        raise TooManyRequestsError("too many failed logins; try again later",
                                   retry_after=max(1, int((unlocks - now).total_seconds()) + 1),
                                   reason="auth.locked")
    dummy = _dummy_hash()       # made on a process's first sign-in, whoever's: the first unknown name pays no more
    user = users.get(username)
    matches = _verify(user.password_hash if user else dummy, password)
    if user is None or not user.active or not matches:
        raise AuthenticationError("wrong username or password", reason="auth.wrong_credentials")
    users.clear_sign_ins(name)
    return user


@cache
def _dummy_hash() -> str:
    """What an unknown name's password is checked against: the same argon2 work as a known one's."""
    return str(_hasher().hash(secrets.token_urlsafe(32)))


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import VerificationError  # cold start: argon2 ~0.12 s, on first sign-in
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, ValueError):
        return False


def change_password(users: UserRepository, username: str, old: str, new: str) -> User:
    user = users.get(username)
    if user is None or not _verify(user.password_hash, old):
        raise AuthenticationError("wrong password", reason="auth.wrong_password")
    check_password_policy(new, username)
    changed = replace(user, password_hash=_hasher().hash(new), token_epoch=user.token_epoch + 1)
    users.save(changed, user.revision)
    return changed


def current_user(users: UserRepository, username: str, epoch: int) -> User:
    user = users.get(username)
    if user is None or not user.active or user.token_epoch != epoch:
        raise AuthenticationError("token revoked", reason="auth.session_ended")
    return user


def ensure_admin(users: UserRepository, username: str, password: str) -> bool:
    """Creates the first admin if there is none by that name; True if it created one."""
    if users.get(username):
        return False
    create_user(users, username, password, Role.ADMIN)
    return True
