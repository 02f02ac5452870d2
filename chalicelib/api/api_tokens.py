"""Per-user API tokens in the admin API: anyone signed in creates (the secret is in this answer only),
lists and revokes their own; admins list and revoke anyone's. The tokens authenticate /mcp only (never
the admin routes, which take a sign-in JWT)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse

bp = Blueprint(__name__)


def token_view(token: Any) -> dict[str, Any]:
    now = bootstrap.clock().now()
    return {"token_id": token.token_id, "username": token.username, "name": token.name,
            "scope": token.scope.value, "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(), "rate_per_minute": token.rate_per_minute,
            "state": token.state(now), "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            "revoked_by": token.revoked_by or None}


@admin_route(bp, "/admin/api-tokens")
def list_api_tokens(ctx: Ctx) -> dict[str, Any]:
    """Your own tokens; an admin may pass ?username= (one user's) or ?username=* (everyone's)."""
    from chalicelib.services.api_tokens import list_tokens
    assert ctx.user
    params: dict[str, str] = dict(ctx.request.query_params or {})
    username = params.get("username") or None
    return {"items": [token_view(t) for t in list_tokens(bootstrap.api_tokens(), ctx.user, username)]}


@admin_route(bp, "/admin/api-tokens", methods=("POST",))
def create_api_token(ctx: Ctx) -> Response:
    """A token for yourself, scoped no wider than your role. The answer's `token` is shown this once."""
    from chalicelib.api.token_schemas import NewApiTokenBody
    from chalicelib.services.api_tokens import create_token
    assert ctx.user
    body = parse(NewApiTokenBody, ctx.request)
    token, secret = create_token(bootstrap.api_tokens(), bootstrap.clock(), bootstrap.api_token_key(), ctx.user,
                                 name=body.name, scope=body.scope, days=body.days,
                                 rate_per_minute=body.rate_per_minute)
    view = ctx.audited(token_view(token))         # the audit entry gets the view, never the secret
    return Response({"api_token": view, "token": secret,
                     "note": "copy the token now: it is not shown again"}, status_code=201)


@admin_route(bp, "/admin/api-tokens/{token_id}", methods=("DELETE",))
def revoke_api_token(ctx: Ctx, token_id: str) -> dict[str, Any]:
    """Revokes one of your tokens (an admin: anyone's); it stops working at once."""
    from chalicelib.services.api_tokens import revoke
    assert ctx.user
    before, after = revoke(bootstrap.api_tokens(), bootstrap.clock(), ctx.user, token_id)
    return ctx.audited(token_view(after), before=token_view(before))
