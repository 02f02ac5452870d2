"""Admin sign-in, the signed-in user, password change and user management (admins only)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse, public_route, signed_in_route
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.users import Role, User

bp = Blueprint(__name__)


def user_view(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role.value, "active": user.active,
            **({"supplier_id": user.supplier_id} if user.supplier_id else {})}


def _checked_supplier(role: Role, supplier_id: str) -> str:
    """A supplier user acts for one existing supplier; no other role names one."""
    from chalicelib import bootstrap
    from chalicelib.domain.errors import ValidationError
    if role is not Role.SUPPLIER:
        if supplier_id:
            raise ValidationError("only a supplier user names a supplier", field="supplier_id",
                                  reason="user.supplier_for_role")
        return ""
    if not supplier_id or bootstrap.suppliers().get(supplier_id) is None:
        raise ValidationError(f"no supplier {supplier_id}", field="supplier_id", reason="dropship.unknown_supplier")
    return supplier_id


@public_route(bp, "/admin/auth/login", methods=("POST",))
def sign_in(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api import tokens
    from chalicelib.api.schemas import LoginBody
    from chalicelib.domain.errors import AuthenticationError, TooManyRequestsError
    from chalicelib.services.users import login
    body = parse(LoginBody, ctx.request)
    try:
        user = login(bootstrap.users(), bootstrap.clock(), body.username, body.password)
    except (AuthenticationError, TooManyRequestsError) as exc:
        _audit_sign_in(ctx, body.username, 429 if isinstance(exc, TooManyRequestsError) else 401)
        raise
    _audit_sign_in(ctx, user.username, 200)
    token, expires = tokens.issue(user, bootstrap.clock().now())
    return {"token": token, "expires_at": expires.isoformat(), "user": user_view(user)}


def _audit_sign_in(ctx: Ctx, username: str, status: int) -> None:
    """Sign-ins are not behind the route wrapper's audit (no one is signed in yet): recorded here, refused
    ones included, under the name that was tried (never the password)."""
    from chalicelib.services.audit import record
    identity = (ctx.request.context or {}).get("identity") or {}
    record(bootstrap.audit_log(), bootstrap.clock(), actor=username[:64], actor_kind="admin",
           action="POST /admin/auth/login", target=username[:64], status=status, ip=str(identity.get("sourceIp") or ""))


@signed_in_route(bp, "/admin/auth/me")
def me(ctx: Ctx) -> dict[str, Any]:
    assert ctx.user
    return user_view(ctx.user)


@signed_in_route(bp, "/admin/auth/password", methods=("POST",))
def change_own_password(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.schemas import PasswordChangeBody
    from chalicelib.services.users import change_password
    assert ctx.user
    body = parse(PasswordChangeBody, ctx.request)
    change_password(bootstrap.users(), ctx.user.username, body.old_password, body.new_password)
    return {"changed": True, "note": "tokens issued before this change no longer work"}


@admin_route(bp, "/admin/users", role=Role.ADMIN)
def list_users(ctx: Ctx) -> dict[str, Any]:
    return {"items": [user_view(u) for u in bootstrap.users().all()]}


@admin_route(bp, "/admin/users", methods=("POST",), role=Role.ADMIN)
def add_user(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.schemas import NewUserBody
    from chalicelib.services.users import create_user
    body = parse(NewUserBody, ctx.request)
    supplier_id = _checked_supplier(body.role, body.supplier_id)
    return ctx.audited(user_view(create_user(bootstrap.users(), body.username, body.password, body.role,
                                             supplier_id=supplier_id)))


@admin_route(bp, "/admin/users/{username}", methods=("PATCH",), role=Role.ADMIN)
def edit_user(ctx: Ctx, username: str) -> dict[str, Any]:
    from chalicelib.api.schemas import UserPatchBody
    body = parse(UserPatchBody, ctx.request)
    users = bootstrap.users()
    user = users.get(username)
    if user is None:
        raise NotFoundError(f"no user {username}")
    role = body.role or user.role
    kept = user.supplier_id if role is Role.SUPPLIER else ""
    supplier_id = _checked_supplier(role, kept if body.supplier_id is None else body.supplier_id)
    changed = replace(user, role=role, supplier_id=supplier_id,
                      active=user.active if body.active is None else body.active,
                      token_epoch=user.token_epoch + 1)   # role or access changed: re-issue tokens
    users.save(changed, user.revision)
    return ctx.audited(user_view(changed), before=user_view(user))
