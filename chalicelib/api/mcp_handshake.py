"""The MCP `initialize` handshake answered without the SDK (standard library only).

Why: importing the `mcp` SDK costs several times a whole cold request of this API (bench/mcp_coldstart.py),
and a client's first call to a cold Lambda is its `initialize`. Its answer is fixed data (our name,
version, instructions and capabilities) and one rule (echo a protocol revision we speak, else offer our
newest), so a request that is exactly a well-formed handshake is answered here; anything else, malformed
handshakes included, goes to the SDK, which answers it (and its errors) as the spec says.
tests/integration/test_mcp_handshake.py checks that these answers equal the SDK's own for the same requests."""
from __future__ import annotations

import json
from typing import Any

SERVER_NAME = "qihang-oms"
SERVER_VERSION = "1.0"
INSTRUCTIONS = ("Qihang OMS: orders, after-sales, stock and sync of a seller's shops on Chinese platforms. Money "
                "is integer fen. Receivers are masked. Write tools need an operator token.")
CAPABILITIES = {"resources": {"listChanged": False, "subscribe": False}, "tools": {"listChanged": False}}
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")   # the SDK's, oldest first
JSON = "application/json"
CLIENT_INFO = {"name", "version", "title", "description", "websiteUrl"}
Answer = tuple[int, dict[str, str], bytes]


def answer(headers: dict[str, str], body: bytes) -> Answer | None:
    """The handshake's answer, or None: let the SDK answer this request."""
    lowered = {k.lower(): v for k, v in headers.items()}
    version_header = lowered.get("mcp-protocol-version")
    if version_header is not None and version_header not in HANDSHAKE_VERSIONS:
        return None
    if not _accepts_json(lowered.get("accept", "")) or lowered.get("content-type", "").split(";")[0].strip() != JSON:
        return None
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if message == {"jsonrpc": "2.0", "method": "notifications/initialized"}:
        return 202, {"content-type": JSON}, b""
    return _initialize(message) if _is_initialize(message) else None


def _accepts_json(accept: str) -> bool:
    kinds = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return any(kind in (JSON, "application/*", "*/*") for kind in kinds)


def _is_initialize(message: Any) -> bool:
    if not isinstance(message, dict) or set(message) != {"jsonrpc", "id", "method", "params"}:
        return False
    request_id, params = message["id"], message["params"]
    if message["jsonrpc"] != "2.0" or message["method"] != "initialize" or isinstance(request_id, bool):
        return False
    if not isinstance(request_id, str | int) or not isinstance(params, dict):
        return False
    info, capabilities = params.get("clientInfo"), params.get("capabilities")
    return (set(params) == {"protocolVersion", "capabilities", "clientInfo"}
            and isinstance(params["protocolVersion"], str)
            and isinstance(capabilities, dict) and all(isinstance(v, dict) for v in capabilities.values())
            and isinstance(info, dict) and {"name", "version"} <= set(info) <= CLIENT_INFO
            and all(isinstance(v, str) for v in info.values()))


def _initialize(message: dict[str, Any]) -> Answer:
    wanted = message["params"]["protocolVersion"]
    result = {"capabilities": CAPABILITIES, "instructions": INSTRUCTIONS,
              "protocolVersion": wanted if wanted in HANDSHAKE_VERSIONS else HANDSHAKE_VERSIONS[-1],
              "serverInfo": {"name": SERVER_NAME, "version": SERVER_VERSION}}
    body = json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}, ensure_ascii=False,
                      separators=(",", ":"))
    return 200, {"content-type": JSON}, body.encode()
