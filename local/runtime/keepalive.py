"""HTTP/1.1 keep-alive for the local AWS emulator's server.

werkzeug's development server closes every connection after its answer ("Connection: close", even under
HTTP/1.1: Python's http.server cannot tell where an unread request body ends), and then waits up to 10 ms
reading whatever the client may still send. Every AWS call of the local runtime therefore opened a TCP
connection, started a server thread, and set up and tore down a selector: measured by sampling the x60
soak's runtime, about a quarter of the process's CPU went to that (thread starts 6.4 %, the drain's selectors
~10 %, connects and closes ~11 %), ahead of DynamoDB's own work in moto.

Here the request body is read in full before the application runs (by its Content-Length, or to the end of
its chunks), so the connection is always positioned at the next request whatever the application reads;
the answer carries its length and the connection stays open for botocore's pool. An idle connection's
thread ends after TIMEOUT seconds; botocore reconnects on its next call."""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler

log = logging.getLogger("local.runtime.keepalive")

TIMEOUT = 120.0
Answer = tuple[str, list[tuple[str, str]], bytes]


class KeepAliveRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT
    # the head and the body go out as two writes: with Nagle's algorithm on a kept-alive connection, the
    # client's delayed ACK held every answer ~40 ms (measured: 47 ms a call against 1-2 ms)
    disable_nagle_algorithm = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        body = _body(environ, self.rfile, self.headers.get("Content-Length"))
        environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        try:
            answer = _call(self.server.app, environ)
        except Exception:
            log.exception("the emulator failed a request: answered 500")
            self.close_connection = True
            answer = ("500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")], b"internal error")
        self._send(environ["REQUEST_METHOD"], answer)

    def _send(self, method: str, answer: Answer) -> None:
        status, headers, payload = answer
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        bodiless = method == "HEAD" or code in (204, 304) or 100 <= code < 200
        self.send_response(code, reason)
        for name, value in headers:
            lowered = name.lower()
            # a HEAD answer keeps the length of what a GET would send (S3's HeadObject)
            if lowered in ("connection", "transfer-encoding") or (lowered == "content-length" and not bodiless):
                continue
            self.send_header(name, value)
        if not bodiless:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodiless:
            self.wfile.write(payload)


def _body(environ: dict[str, Any], stream: Any, length: str | None) -> bytes:
    if environ.get("wsgi.input_terminated"):        # chunked: werkzeug's de-chunking reader, read to its end
        return bytes(environ["wsgi.input"].read())
    if length and length.strip().isdigit():
        return bytes(stream.read(int(length)))
    return b""


def _call(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> Answer:
    started: list[Any] = []
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, list(headers)]
        return chunks.append

    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return started[0], started[1], b"".join(chunks)
