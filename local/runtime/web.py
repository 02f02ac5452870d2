"""One HTTP server on loopback: the app's routes through chalice's own LocalGateway (the API Gateway
emulation `chalice local` uses) and, on every other path, the built admin UI (`ui/dist`, with the
index.html fallback for client-side routes) or a placeholder page when the UI is not built. The UI's
answers carry the UI's security headers of chalicelib/security_headers.py (the same CloudFront sends), the
API's answers the API's (OPTIONS and the gateway's own refusals included); every error is the API's JSON
error shape (api/errors.py)."""
from __future__ import annotations

import base64
import json
import logging
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import LocalChalice, LocalGateway, LocalGatewayException

from chalicelib.api.errors import code_for
from chalicelib.security_headers import API_HEADERS, ui_headers

log = logging.getLogger("local.web")

IMAGES_PATH = "/goods-images/"
API_PREFIXES = ("/health", "/admin/", "/erp/", "/webhooks/", "/oauth/", "/openapi", "/mcp")
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".json": "application/json", ".wasm": "application/wasm", ".map": "application/json",
          ".webmanifest": "application/manifest+json", ".woff2": "font/woff2", ".woff": "font/woff",
          ".ico": "image/x-icon", ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Qihang OMS (local)</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Qihang OMS is running locally</h1>
<p>The admin UI is not built yet: run <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>
(or <code>make ui</code>); this server serves <code>ui/dist/</code> as soon as it exists.</p>
<p>API: <a href="/health">/health</a></p>
</body></html>
"""


def make_thread_safe(app: Any) -> None:
    """`app.current_request` is one attribute; requests run in threads here. Chalice local's answer:
    make it thread-local (the same class swap as `chalice.local.create_local_server`)."""
    if not isinstance(app, LocalChalice):
        app.__class__ = type(f"Local{type(app).__name__}", (LocalChalice, type(app)), {})


def is_api_path(path: str, prefixes: tuple[str, ...] = API_PREFIXES) -> bool:
    return path.split("?", 1)[0].startswith(prefixes)


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a burst of new connections (a browser opening six, a
    # load test) was reset by the kernel before a thread could accept them
    request_queue_size = 128


class WebServer:
    def __init__(self, app: Any, host: str, port: int, ui_dir: Path | None, *,
                 api_prefixes: tuple[str, ...] = API_PREFIXES, lambda_timeout: int = 900, https: bool = False
                 ) -> None:
        make_thread_safe(app)
        config = Config.create(chalice_stage="local", app_name=getattr(app, "app_name", "app"),
                               lambda_timeout=lambda_timeout, lambda_memory_size=256)
        self.gateway = LocalGateway(app, config)
        self.ui_dir = ui_dir
        self.api_prefixes = api_prefixes
        self.ui_headers = _with_s3(ui_headers(https))   # https: only behind a TLS-terminating proxy; HSTS then
        self.server = _Server((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.host = host
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, name="local-web", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "qihang-oms-local"

            def version_string(self) -> str:
                return self.server_version      # the Server header names no Python version
            def log_message(self, format: str, *args: Any) -> None:
                log.debug("%s " + format, self.address_string(), *args)

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                if is_api_path(self.path, web.api_prefixes):
                    web.api(self, body)
                elif self.command in ("GET", "HEAD") and self.path.startswith(IMAGES_PATH):
                    web.image(self)
                elif self.command in ("GET", "HEAD"):
                    web.static(self)
                else:
                    web.send_error_json(self, 405, f"{self.command} is not allowed here", {"Allow": "GET, HEAD",
                                                                                          **web.ui_headers})

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

        return Handler

    def api(self, request: BaseHTTPRequestHandler, body: bytes | None) -> None:
        try:
            response = self.gateway.handle_request(method=request.command, path=request.path,
                                                   headers=dict(request.headers), body=body)
        except LocalGatewayException as e:
            # chalice's gateway answers an unknown path 403 "Missing Authentication Token", as API Gateway
            # does; our gateway responses (infra) make that a 404 in the error shape, and so do we
            unknown = b"Missing Authentication Token" in (e.body or b"")
            status = 404 if unknown else e.CODE
            message = f"no route {request.command} {request.path.split('?', 1)[0]}" if unknown else _message(e.body)
            self.send_error_json(request, status, message, API_HEADERS)
            return
        except Exception:
            log.exception("%s %s failed outside the app's error handling", request.command, request.path)
            self.send_error_json(request, 500, "internal error", API_HEADERS)
            return
        headers: dict[str, Any] = dict(response.get("headers") or {})
        headers.update(response.get("multiValueHeaders") or {})
        present = {name.lower() for name in headers}       # the gateway's own OPTIONS answer has none
        headers.update({name: value for name, value in API_HEADERS.items() if name.lower() not in present})
        payload = response.get("body")
        if payload is None:
            data = b""
        elif response.get("isBase64Encoded"):
            data = base64.b64decode(payload)
        else:
            data = payload if isinstance(payload, bytes) else str(payload).encode("utf-8")
        self.send(request, int(response["statusCode"]), headers, data, default_type="application/json")

    def image(self, request: BaseHTTPRequestHandler) -> None:
        """A goods image from the images bucket (moto's S3 here, CloudFront's second origin in AWS): the
        UI's origin serves it, the API never carries it."""
        from botocore.exceptions import ClientError

        from chalicelib.storage.images import bucket
        key = request.path.split("?", 1)[0].lstrip("/")
        if ".." in key:
            self.send_error_json(request, 404, "not found", self.ui_headers)
            return
        try:
            import boto3
            found = boto3.client("s3").get_object(Bucket=bucket(), Key=key)
        except ClientError:
            self.send_error_json(request, 404, "not found", self.ui_headers)
            return
        self.send(request, 200, {"Content-Type": found.get("ContentType") or "application/octet-stream",
                                 "Cache-Control": "public, max-age=31536000, immutable", **self.ui_headers},
                  found["Body"].read())

    def static(self, request: BaseHTTPRequestHandler) -> None:
        root = self.ui_dir
        if root is None or not (root / "index.html").is_file():
            self.send(request, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
                                     **self.ui_headers}, PLACEHOLDER.encode())
            return
        root = root.resolve()
        relative = request.path.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            self.send_error_json(request, 404, "not found", self.ui_headers)
            return
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            if Path(relative).suffix:        # a missing asset, not a client-side route
                self.send_error_json(request, 404, "not found", self.ui_headers)
                return
            target = root / "index.html"
        suffix = target.suffix.lower()
        ctype = _TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        cache = ("public, max-age=31536000, immutable" if "/assets/" in f"/{relative}" and suffix != ".html"
                 else "no-cache")
        self.send(request, 200, {"Content-Type": ctype, "Cache-Control": cache, **self.ui_headers},
                  target.read_bytes())

    def send_error_json(self, request: BaseHTTPRequestHandler, status: int, message: str,
                        headers: dict[str, Any]) -> None:
        body = json.dumps({"error": {"code": code_for(status), "message": message}}).encode()
        self.send(request, status, {**headers, "Content-Type": "application/json"}, body)

    @staticmethod
    def send(request: BaseHTTPRequestHandler, code: int, headers: dict[str, Any], body: bytes,
             default_type: str = "text/plain; charset=utf-8") -> None:
        request.send_response(code)
        lowered = {k.lower() for k in headers}
        if "content-type" not in lowered and body:
            request.send_header("Content-Type", default_type)
        for name, value in headers.items():
            if name.lower() in ("content-length", "connection", "transfer-encoding"):
                continue
            for item in value if isinstance(value, list) else [value]:
                request.send_header(name, str(item))
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)


def _with_s3(headers: dict[str, str]) -> dict[str, str]:
    """The browser uploads goods images straight to S3 (a presigned POST): here that is moto's endpoint,
    another origin the UI's CSP must let it connect to (CloudFront's policy names S3's the same way)."""
    import os
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    csp = headers.get("Content-Security-Policy", "")
    if not endpoint or "connect-src" not in csp:
        return headers
    return {**headers, "Content-Security-Policy": csp.replace("connect-src", f"connect-src {endpoint}", 1)}


def _message(body: bytes | None) -> str:
    try:
        return str(json.loads(body or b"{}").get("message") or "refused")
    except (ValueError, AttributeError):
        return "refused"
