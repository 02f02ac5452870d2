"""Route decorators: every route is authenticated from the day it exists (admins by JWT with a role),
bodies are size-limited and parsed at the edge, and every error goes through the one table."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api.errors import BadRequest, to_response
from chalicelib.config import settings
from chalicelib.domain.errors import AuthenticationError, PermissionDeniedError
from chalicelib.domain.users import Role, User, allows

M = TypeVar("M")
MAX_JSON_DEPTH = 20

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@dataclass(frozen=True)
class Ctx:
    request: Request
    user: User | None = None

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}" if self.user else "anonymous"


def admin_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",),
                role: Role = Role.VIEWER) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return route(bp, path, methods, lambda request: Ctx(request, _authenticate(request, role)))


def public_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",)
                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Health and the OAuth callbacks only: the callbacks carry their own unforgeable state."""
    return route(bp, path, methods, Ctx)


def platform_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("POST",)
                   ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Platform pushes: authenticated inside the view by the platform's own signature over the raw body
    (their content types vary: JSON, XML, text)."""
    return route(bp, path, methods, Ctx, content_types=PUSH_CONTENT_TYPES)


PUSH_CONTENT_TYPES = ["application/json", "text/xml", "application/xml", "text/plain", "application/octet-stream",
                      "application/x-www-form-urlencoded"]
API_CONTENT_TYPES = ["application/json", "text/csv", "application/x-www-form-urlencoded"]


def route(bp: Blueprint, path: str, methods: tuple[str, ...], context: Callable[[Request], Any],
          content_types: list[str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The one wrapper of every route: size limit, `context(request)` (which authenticates, raising
    to refuse), the view, security headers, and the error table for anything it raises."""
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def view(**params: Any) -> Response:
            try:
                request = bp.current_request
                _check_size(request)
                result = fn(context(request), **params)
            except Exception as exc:
                return _secured(to_response(exc))
            return _secured(result if isinstance(result, Response) else Response(result))
        bp.route(path, methods=list(methods), content_types=content_types or API_CONTENT_TYPES)(view)
        return view
    return decorate


def _secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _authenticate(request: Request, needed: Role) -> User:
    from chalicelib.api import tokens
    from chalicelib.services.users import current_user
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthenticationError("missing bearer token")
    claims = tokens.verify(header[7:].strip())
    user = current_user(bootstrap.users(), claims.username, claims.epoch)
    if not allows(user.role, needed):
        raise PermissionDeniedError(f"needs role {needed.value}")
    return user


def _check_size(request: Request) -> None:
    body = request.raw_body or b""
    if len(body) > settings().max_body_bytes:
        raise BadRequest(f"body larger than {settings().max_body_bytes} bytes", status=413)


def parse(model: type[M], request: Request) -> M:
    """The body as a pydantic model; a malformed body is a 400 naming the field, never a 500."""
    try:
        data = json.loads(request.raw_body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("body is not valid JSON", field="body") from exc
    if _depth(data) > MAX_JSON_DEPTH:
        raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH}", field="body")
    return model.model_validate(data)  # type: ignore[attr-defined, no-any-return]


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level
