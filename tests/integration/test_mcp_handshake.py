"""The handshake answered without the SDK (api/mcp_handshake.py, for the cold start) says exactly what the
SDK's own server says for the same request; whatever it does not answer, the SDK does."""
from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.api import mcp_handshake
from chalicelib.api.mcp_caller import Caller
from chalicelib.api.mcp_server import handle
from chalicelib.domain.users import Role, User

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
CALLER = Caller(User("u", "not-a-hash", Role.VIEWER), "t", Role.VIEWER)


def initialize(version: str = "2025-11-25", request_id: Any = 1, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "method": "initialize",
            "params": {"protocolVersion": version, "capabilities": {"roots": {"listChanged": True}},
                       "clientInfo": {"name": "desktop", "version": "1.2"}} | params}


def sdk(headers: dict[str, str], message: Any) -> tuple[int, Any]:
    status, _, body = handle("POST", "/mcp", headers, json.dumps(message).encode(), CALLER, None)
    return status, json.loads(body) if body else None


HANDSHAKES = [initialize(v) for v in (*mcp_handshake.HANDSHAKE_VERSIONS, "1999-01-01", "2026-07-28")] + [
    initialize(request_id="abc"), initialize(clientInfo={"name": "x", "version": "1", "title": "X"}),
    {"jsonrpc": "2.0", "method": "notifications/initialized"}]


@pytest.mark.parametrize("message", HANDSHAKES, ids=[json.dumps(m)[:90] for m in HANDSHAKES])
def test_given_a_handshake_then_the_fast_answer_equals_the_sdks(message: dict[str, Any]) -> None:
    fast = mcp_handshake.answer(HEADERS, json.dumps(message).encode())
    assert fast is not None
    status, _, body = fast
    assert (status, json.loads(body) if body else None) == sdk(HEADERS, message)


NOT_MINE = [
    (HEADERS, {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    (HEADERS, initialize(capabilities="all")),
    (HEADERS, initialize(request_id=True)),
    (HEADERS, {**initialize(), "extra": 1}),
    ({**HEADERS, "Accept": "text/html"}, initialize()),
    ({**HEADERS, "MCP-Protocol-Version": "2026-07-28"}, initialize()),
    ({**HEADERS, "Content-Type": "text/plain"}, initialize()),
]


@pytest.mark.parametrize("headers, message", NOT_MINE, ids=[str(i) for i in range(len(NOT_MINE))])
def test_given_anything_else_then_it_is_left_to_the_sdk(headers: dict[str, str], message: Any) -> None:
    assert mcp_handshake.answer(headers, json.dumps(message).encode()) is None


def test_given_a_body_that_is_not_json_then_left_to_the_sdk() -> None:
    assert mcp_handshake.answer(HEADERS, b"{not json") is None
