"""Route decorators: every route is authenticated from the day it exists (admins by JWT with a role),
bodies are size-limited and parsed at the edge, every error goes through the one table, and every admin
or ERP call that changes something is written to the audit log (`_audit`)."""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

from chalice import Blueprint, CORSConfig, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api import ids
from chalicelib.api.errors import BadRequest, code_for, error_response, to_response
from chalicelib.config import settings
from chalicelib.domain.errors import AuthenticationError, PermissionDeniedError
from chalicelib.domain.users import Role, User, allows
from chalicelib.security_headers import API_HEADERS

M = TypeVar("M")
V = TypeVar("V")
MAX_JSON_DEPTH = 20

SECURITY_HEADERS = API_HEADERS

NOT_AUDITED_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class AuditNote:
    """What a handler adds to its call's audit entry (Ctx.audited / Ctx.audit_view)."""
    hooked: bool = False
    before: Any = None
    after: Any = None
    view: bool = False


@dataclass(frozen=True)
class Ctx:
    request: Request
    user: User | None = None
    note: AuditNote = field(default_factory=AuditNote)

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}" if self.user else "anonymous"

    def audited(self, after: V, before: Any = None) -> V:
        """Hook for handlers: the precise before/after of this call's audit entry (instead of the request
        body); returns `after` so that a handler can wrap its answer in it."""
        self.note.hooked, self.note.before, self.note.after = True, before, after
        return after

    def audit_view(self) -> None:
        """Hook for a GET that shows full values (the raw payload): it is audited like a change."""
        self.note.view = True


# (METHOD, path) -> the lowest role that may call it, or "public": what the admin OpenAPI document states
ROUTE_ACCESS: dict[tuple[str, str], str] = {}


def admin_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",),
                role: Role = Role.VIEWER) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    ROUTE_ACCESS.update({(method, path): role.value for method in methods})
    return route(bp, path, methods, lambda request: Ctx(request, _authenticate(request, role)))


def signed_in_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",)
                    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Any signed-in user, a supplier too: who am I, change my password."""
    ROUTE_ACCESS.update({(method, path): "signed_in" for method in methods})
    return route(bp, path, methods, lambda request: Ctx(request, _authenticate(request, None)))


def public_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",)
                 ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Health, sign-in, the admin API's document and the OAuth callbacks (which carry their own
    unforgeable state)."""
    ROUTE_ACCESS.update({(method, path): "public" for method in methods})
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
        def view(**raw_params: Any) -> Response:
            request = bp.current_request
            params = decoded_path_params(raw_params)
            ctx = None
            try:
                _check_size(request)
                ctx = context(request)
                ids.check(ctx, request, params)
                result = fn(ctx, **params)
                response = result if isinstance(result, Response) else Response(result)
            except Exception as exc:
                response = to_response(exc)
            if ctx is not None:
                _audit(ctx, request, path, params, response.status_code)
            return _secured(response)
        cors = _cors() if path.startswith("/admin/") else None
        bp.route(path, methods=list(methods), content_types=content_types or API_CONTENT_TYPES,
                 **({"cors": cors} if cors else {}))(view)
        return view
    return decorate


def answer_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Chalice answers some requests before any view of ours (405 for a method the path lacks, 415 for a
    content type, 500 when something fails outside the route wrapper) in its own {"Code", "Message"}
    shape: rewritten to the one error shape, and every answer gets the security headers."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code", "Message"}:
        message = "internal error" if response.status_code >= 500 else str(body["Message"])
        reshaped = error_response(response.status_code, code_for(response.status_code), message)
        for name, value in (response.headers or {}).items():
            if name.lower() != "content-type":
                reshaped.headers.setdefault(name, value)
        response = reshaped
    return _secured(response)


def page_limit(request: Request, default: int = 50, top: int = 200) -> int:
    """A list's ?limit=: 1..top, `default` when absent; a 400 naming `limit` otherwise."""
    params: dict[str, str] = dict(request.query_params or {})
    raw = params.get("limit", str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        raise BadRequest(f"limit must be 1..{top}", field="limit")
    return int(raw)


def decoded_path_params(raw: dict[str, str]) -> dict[str, str]:
    """API Gateway (REST) and chalice's local gateway hand `{id}` over as the client sent it, still
    percent-encoded (chalice leaves it so: aws/chalice#511); decoded here, once, for every route. `+` is
    a plus in a path, never a space. `request.uri_params` keeps the raw form (the ERP signature uses it)."""
    return {name: unquote(value) for name, value in raw.items()}


def _cors() -> CORSConfig | None:
    """The admin UI's origin only, never "*" (read from the environment, not settings(): this runs at
    import). Unset: no CORS at all, the UI and the API share an origin."""
    origin = os.environ.get("UI_ORIGIN", "").strip().rstrip("/")
    if not origin or origin == "*":
        return None
    return CORSConfig(allow_origin=origin, allow_headers=["Authorization", "Content-Type"],
                      expose_headers=["Retry-After"], max_age=600)


def _secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _authenticate(request: Request, needed: Role | None) -> User:
    from chalicelib.api import tokens
    from chalicelib.services.users import current_user
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthenticationError("missing bearer token", reason="auth.missing_token")
    claims = tokens.verify(header[7:].strip())
    user = current_user(bootstrap.users(), claims.username, claims.epoch)
    if needed is not None and not allows(user.role, needed):
        raise PermissionDeniedError(f"needs role {needed.value}", reason="auth.role_needed")
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
    except RecursionError as exc:      # nesting deep enough to exhaust the parser's stack
        raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH}", field="body") from exc
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


def _audit(ctx: Any, request: Request, path: str, params: dict[str, Any], status: int) -> None:
    """One entry for an admin's or an ERP client's call that changes something (or a GET a handler marked
    as a full-value view); other GETs cost nothing. Never fails the call: it has already happened."""
    note: AuditNote = getattr(ctx, "note", None) or AuditNote()
    if request.method in NOT_AUDITED_METHODS and not note.view:
        return
    who = _who(ctx)
    if who is None:
        return
    try:
        from chalicelib.services.audit import record
        record(bootstrap.audit_log(), bootstrap.clock(), actor=who[0], actor_kind=who[1],
               action=f"{request.method} {path}", target="/".join(str(v) for v in params.values()),
               status=status, before=note.before, after=note.after if note.hooked else _body(request),
               ip=str(((request.context or {}).get("identity") or {}).get("sourceIp") or ""))
    except Exception:
        import logging
        logging.getLogger("oms.audit").warning("audit entry not written", exc_info=True)


def _who(ctx: Any) -> tuple[str, str] | None:
    user = getattr(ctx, "user", None)
    if user is not None:
        return user.username, "admin"
    client = getattr(ctx, "client", None)
    if client is not None:
        return f"erp:{client.key_id}", "erp"
    return None


def _body(request: Request) -> Any:
    """The request body for the entry (services.audit.record redacts it); not JSON: its size only."""
    raw = request.raw_body or b""
    if not raw:
        return None
    if len(raw) <= settings().max_body_bytes:
        try:
            value = json.loads(raw)
            if _depth(value) <= MAX_JSON_DEPTH:
                return value
        except (ValueError, UnicodeDecodeError, RecursionError):
            pass
    return {"body_bytes": len(raw), "content_type": request.headers.get("content-type", "")}
