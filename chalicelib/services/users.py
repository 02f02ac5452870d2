"""Admin users: creation under a password policy, login with lockout, password change that revokes
older tokens, and the per-request check that a token's user still exists, is active and current."""
from __future__ import annotations

from contextlib import suppress
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
    from argon2 import PasswordHasher  # imported on first use: routes that never hash skip it
    return PasswordHasher()


def check_password_policy(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if username.lower() in password.lower():
        raise ValidationError("password must not contain the username", field="password")
    kinds = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if kinds < 3:
        raise ValidationError("password needs three of: lower case, upper case, digits, symbols", field="password")


def create_user(users: UserRepository, username: str, password: str, role: Role) -> User:
    check_password_policy(password, username)
    user = User(username=username, password_hash=_hasher().hash(password), role=role)
    try:
        users.add(user)
    except ConflictError as exc:
        raise ConflictError(f"user {username} exists") from exc
    return user


def login(users: UserRepository, clock: Clock, username: str, password: str) -> User:
    user = users.get(username)
    now = clock.now()
    if user and user.locked_until and user.locked_until > now:
        raise TooManyRequestsError("too many failed logins; try again later",
                                   retry_after=int((user.locked_until - now).total_seconds()) + 1)
    if user is None or not user.active or not _verify(user.password_hash, password):
        if user is not None:
            _record_failure(users, user, clock)
        raise AuthenticationError("wrong username or password")
    if user.failed_logins:
        users.save(replace(user, failed_logins=0, locked_until=None), user.revision)
    return user


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import VerificationError
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, ValueError):
        return False


def _record_failure(users: UserRepository, user: User, clock: Clock) -> None:
    failed = user.failed_logins + 1
    locked = clock.now() + LOCKOUT if failed >= MAX_FAILED_LOGINS else None
    # a concurrent attempt may have counted already; the lockout still applies on the next one
    with suppress(ConflictError):
        users.save(replace(user, failed_logins=0 if locked else failed, locked_until=locked), user.revision)


def change_password(users: UserRepository, username: str, old: str, new: str) -> User:
    user = users.get(username)
    if user is None or not _verify(user.password_hash, old):
        raise AuthenticationError("wrong password")
    check_password_policy(new, username)
    changed = replace(user, password_hash=_hasher().hash(new), token_epoch=user.token_epoch + 1)
    users.save(changed, user.revision)
    return changed


def current_user(users: UserRepository, username: str, epoch: int) -> User:
    user = users.get(username)
    if user is None or not user.active or user.token_epoch != epoch:
        raise AuthenticationError("token revoked")
    return user


def ensure_admin(users: UserRepository, username: str, password: str) -> bool:
    """Creates the first admin if there is none by that name; True if it created one."""
    if users.get(username):
        return False
    create_user(users, username, password, Role.ADMIN)
    return True
