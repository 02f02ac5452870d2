"""POST /mcp: the OMS as an MCP server (Streamable HTTP) for AI assistants, authenticated by a per-user API
token (`Authorization: Bearer qho_...`, never a sign-in JWT), rate-limited per token. The SDK itself is
imported inside the view (mcp_server.py); every tool call is audited under the token's user, with the
token's id, the (redacted) arguments and the outcome. GET and DELETE answer 405: stateless, no stream."""
from __future__ import annotations

import logging
from typing import Any, NamedTuple

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api.http import route
from chalicelib.domain.errors import AuthenticationError, PermissionDeniedError

bp = Blueprint(__name__)
log = logging.getLogger("oms.mcp")
PATH = "/mcp"
PASSED_HEADERS = ("accept", "content-type", "mcp-protocol-version", "mcp-session-id", "last-event-id", "host",
                  "mcp-method", "mcp-name")


class McpCtx(NamedTuple):   # cold start: a NamedTuple is made in ~50 us, a dataclass ~450 us
    request: Request
    caller: Any            # mcp_caller.Caller; not `user`: the route wrapper's own audit (per POST) stays off


def _authenticate(request: Request) -> McpCtx:
    from chalicelib.api.mcp_caller import Caller
    from chalicelib.services.api_tokens import authenticate
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthenticationError("missing bearer token: create an API token in the admin UI (API tokens)")
    user, token, role = authenticate(bootstrap.api_tokens(), bootstrap.users(), bootstrap.clock(),
                                     bootstrap.api_token_key(), header[7:].strip())
    _check_origin(request)
    return McpCtx(request, Caller(user=user, token_id=token.token_id, role=role))


def _check_origin(request: Request) -> None:
    """The spec asks servers to check Origin (DNS rebinding): MCP clients send none; a browser page may only
    come from the admin UI's own origin."""
    from chalicelib.config import settings
    origin = request.headers.get("origin", "").rstrip("/")
    if origin and origin != settings().ui_origin.rstrip("/"):
        raise PermissionDeniedError(f"origin {origin[:100]} may not call {PATH}")


@route(bp, PATH, ("POST",), _authenticate, content_types=["application/json"])
def mcp_endpoint(ctx: McpCtx) -> Response:
    from chalicelib.api import mcp_handshake
    request = ctx.request
    headers = {k: v for k, v in request.headers.items() if k.lower() in PASSED_HEADERS}
    raw = request.raw_body or b""
    body_in = raw if isinstance(raw, bytes) else raw.encode()
    answered = mcp_handshake.answer(headers, body_in)      # a cold `initialize` without the SDK's imports
    if answered is None:
        from chalicelib.api.mcp_server import handle

        def call(caller: Any, name: str, arguments: dict[str, Any] | None) -> tuple[dict[str, Any], bool]:
            return call_tool(caller, name, arguments, request)   # the SDK's loop may run in another thread
        answered = handle("POST", PATH, headers, body_in, ctx.caller, call)
    status, answer_headers, body = answered
    kept: dict[str, str | list[str]] = {k: v for k, v in answer_headers.items() if k.lower() != "content-length"}
    return Response(body.decode("utf-8"), status_code=status, headers=kept)


def call_tool(caller: Any, name: str, arguments: dict[str, Any] | None, request: Request | None = None
              ) -> tuple[dict[str, Any], bool]:
    """Runs one tool for `caller`: (structured answer, is_error). Every outcome is a tool result (bad input,
    a refusal, a missing record, an unexpected failure), never an HTTP error; each is audited. `request`:
    the HTTP request, given explicitly since `current_request` is per thread locally and the SDK's loop may
    run on a thread of its own (mcp_server.run_to_completion)."""
    from chalicelib.api.mcp_tools import TOOLS
    spec = TOOLS.get(name)
    args = arguments or {}
    status, result = _run(spec, caller, name, args)
    _audit(caller, name, str(args.get(spec.target, "")) if spec and spec.target else "", status, args, result,
           request if request is not None else bp.current_request)
    return result, status >= 400


def _run(spec: Any, caller: Any, name: str, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from pydantic import ValidationError as InputError

    from chalicelib.domain.errors import DomainError
    from chalicelib.domain.users import Role, allows
    if spec is None:
        return _error(404, "tool.unknown", f"no tool {name[:64]}; tools/list names them")
    if spec.write and not allows(caller.role, Role.OPERATOR):
        return _error(403, "tool.needs_operator", f"{name} changes data: it needs an operator token "
                      f"(this one acts as {caller.role.value})")
    try:
        parsed = spec.model.model_validate(args)
    except InputError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                             for e in exc.errors()[:5])
        return _error(400, "tool.bad_arguments", f"invalid arguments: {problems}")
    try:
        return 200, spec.run(parsed, caller)
    except DomainError as exc:
        return _error(_status(exc), getattr(exc, "reason", "") or "tool.refused", str(exc),
                      getattr(exc, "field", ""))
    except Exception:
        log.exception("tool %s failed", name)
        return _error(500, "tool.failed", f"{name} failed on our side; nothing is known to have changed; "
                      "try again later")


def _status(exc: Exception) -> int:
    from chalicelib.api.errors import to_response
    return int(to_response(exc).status_code)


def _error(status: int, reason: str, message: str, field: str = "") -> tuple[int, dict[str, Any]]:
    error: dict[str, Any] = {"status": status, "reason": reason, "message": message}
    if field:
        error["field"] = field
    return status, {"error": error}


def _audit(caller: Any, name: str, target: str, status: int, args: dict[str, Any], result: dict[str, Any],
           request: Request | None) -> None:
    from chalicelib.services.audit import record
    ip = str((((request.context if request else None) or {}).get("identity") or {}).get("sourceIp") or "")
    after = {"token_id": caller.token_id, "arguments": args, "error": result.get("error")}
    record(bootstrap.audit_log(), bootstrap.clock(), actor=caller.user.username, actor_kind="api_token",
           action=f"MCP {name[:64]}", target=target[:128], status=status, after=after, ip=ip)
