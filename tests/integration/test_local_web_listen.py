"""The local web server takes a burst of new connections (a listen backlog of 5 reset them) and its
Server header names no Python version."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from local.runtime.web import WebServer
from tests.local_kit import make_app, request

pytestmark = pytest.mark.integration


@pytest.fixture
def server() -> Iterator[WebServer]:
    web = WebServer(make_app(), "127.0.0.1", 0, None)
    web.start()
    yield web
    web.stop()


def test_GIVEN_the_web_server_THEN_it_listens_with_a_backlog_for_bursts(server: WebServer) -> None:
    assert server.server.request_queue_size >= 128


def test_GIVEN_a_burst_of_connections_while_the_accept_loop_is_busy_THEN_none_is_reset(server: WebServer) -> None:
    server.server.shutdown()          # nobody accepts: the kernel's queue holds what arrives meanwhile
    burst = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(40)]
    try:
        for conn in burst:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        server._thread = threading.Thread(target=server.server.serve_forever, daemon=True)
        server._thread.start()
        for conn in burst:
            assert conn.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for conn in burst:
            conn.close()


def test_GIVEN_any_answer_THEN_the_server_header_is_neutral(server: WebServer) -> None:
    _, headers, _ = request(server, "GET", "/health")
    assert headers["server"] == "qihang-oms-local"
    _, headers, _ = request(server, "GET", "/")
    assert "python" not in headers["server"].lower()
