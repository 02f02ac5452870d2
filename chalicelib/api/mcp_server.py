"""The MCP server on the official SDK (`mcp`), one HTTP request at a time.

A Lambda keeps nothing between requests that a client could count on: no session, no open SSE stream. So
each POST /mcp runs the SDK's own Streamable HTTP transport in its stateless mode with JSON responses
(`StreamableHTTPSessionManager(stateless=True, json_response=True)`): a fresh transport per request, no
`Mcp-Session-Id`, one JSON-RPC answer as `application/json`. The spec allows exactly this: a server MAY
answer a POST with a single JSON object instead of a stream, MAY work without sessions (it simply assigns no
session id), and answers GET with 405 when it offers no stream. The SDK keeps the protocol details (version
negotiation for the handshake era and the 2026-07-28 per-request envelope, header checks, JSON-RPC errors);
we feed it the API Gateway request as an ASGI call and give its answer back to chalice.

Imported only by the /mcp route (the SDK costs ~0.5-2 s of imports that no other route should pay)."""
from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp_types as types
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from chalicelib.api.mcp_caller import Caller
from chalicelib.api.mcp_handshake import INSTRUCTIONS, SERVER_NAME, SERVER_VERSION
from chalicelib.api.mcp_tools import TOOLS, ToolSpec
from chalicelib.api.mcp_vocabulary import hold_reasons, reject_reasons, status_vocabulary

log = logging.getLogger("oms.mcp")
RESOURCES = {
    "oms://vocabulary/status": ("Status vocabulary", "order status, refund state, ERP hand-off, after-sale "
                                "types and statuses", status_vocabulary),
    "oms://vocabulary/hold-reasons": ("Hold reasons", "each hold: why it applies, who sets it, what releases it",
                                      hold_reasons),
    "oms://after-sales/reject-reasons": ("Reject reason codes", "the reason_code each platform takes for "
                                         "reject_refund", reject_reasons),
}


def tool_listing(spec: ToolSpec) -> types.Tool:
    return types.Tool(name=spec.name, title=spec.title, description=spec.description,
                      input_schema=spec.model.model_json_schema(),
                      annotations=types.ToolAnnotations(title=spec.title, read_only_hint=not spec.write,
                                                        destructive_hint=spec.write, idempotent_hint=True,
                                                        open_world_hint=spec.write))


def build_server(caller: Caller, call: Any) -> Server[Any]:
    """`call(caller, name, arguments) -> (structured, is_error)`: the tools' dispatcher (mcp.py, which
    also audits each call)."""
    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool_listing(spec) for spec in TOOLS.values()])

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        structured, is_error = call(caller, params.name, params.arguments)
        text = structured["error"]["message"] if is_error else json.dumps(structured, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=structured,
                                    is_error=is_error)

    async def list_resources(ctx: Any, params: Any) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[
            types.Resource(uri=uri, name=name, description=about, mime_type="application/json")
            for uri, (name, about, _) in RESOURCES.items()])

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        from mcp.shared.exceptions import MCPError
        entry = RESOURCES.get(str(params.uri))
        if entry is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"no resource {params.uri}; see resources/list")
        return types.ReadResourceResult(contents=[types.TextResourceContents(
            uri=str(params.uri), mime_type="application/json", text=json.dumps(entry[2](), ensure_ascii=False))])

    return Server(SERVER_NAME, version=SERVER_VERSION, instructions=INSTRUCTIONS, on_list_tools=list_tools,
                  on_call_tool=call_tool, on_list_resources=list_resources, on_read_resource=read_resource)


def handle(method: str, path: str, headers: dict[str, str], body: bytes, caller: Caller, call: Any
           ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through the SDK's stateless transport: (status, headers, body)."""
    manager = StreamableHTTPSessionManager(build_server(caller, call), json_response=True, stateless=True)
    status, out_headers, chunks = 500, {}, []
    done: anyio.Event | None = None         # made inside the loop that waits on it
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        assert done is not None
        await done.wait()                      # the client "stays" until the answer is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out_headers.update({k.decode("latin-1"): v.decode("latin-1") for k, v in message.get("headers", [])})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body") and done is not None:
                done.set()

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "https", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
             "client": None, "server": ("lambda", 443)}

    async def main() -> None:
        nonlocal done
        done = anyio.Event()
        async with manager.run():
            await manager.handle_request(scope, receive, send)  # type: ignore[arg-type]
            done.set()

    run_to_completion(main)
    return status, out_headers, b"".join(chunks)


def run_to_completion(main: Callable[[], Awaitable[None]]) -> None:
    """Runs `main` on an event loop of its own and waits for it. A Lambda's thread has no loop, so it runs
    right here; but a caller's thread may already have one (or be marked as running one, as Playwright's
    sync API leaves the main thread between its calls), and then `anyio.run` refuses ("Already running
    asyncio in this thread"): the loop then runs in a fresh thread with this thread's context variables
    (the request's log keys), and this thread waits for it. The work itself stays one request's: the tool
    calls must not read thread-locals (mcp.py hands the request to its audit explicitly)."""
    if not _loop_running_here():
        anyio.run(main)
        return
    failure: list[BaseException] = []

    def in_thread() -> None:
        try:
            context.run(_run_fresh, main)
        except BaseException as exc:  # handed to the waiting thread, raised there
            failure.append(exc)

    context = contextvars.copy_context()
    thread = threading.Thread(target=in_thread, name="mcp-request", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_fresh(main: Callable[[], Awaitable[None]]) -> None:
    """anyio.run in the copied context, minus a copied "this is asyncio" mark (sniffio, when installed)."""
    sniffio = sys.modules.get("sniffio")
    if sniffio is not None:
        sniffio.current_async_library_cvar.set(None)
    anyio.run(main)
