"""Every error answer is the one JSON error shape of api/errors.py ({"error": {"code", "message"}}) and every
answer carries the API's security headers: chalice's own 405/415, our 401/403/404/413, and, through the
local web server, unknown paths, OPTIONS and the UI's refusals."""
from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.security_headers import API_HEADERS
from local.runtime.web import WebServer
from tests.erp_kit import bearer, moto_world

pytestmark = pytest.mark.integration


def real_app() -> Any:
    from app import app
    return app


def assert_error(status: int, headers: dict[str, str], body: bytes, expected: int, code: str) -> None:
    assert status == expected, body
    error = json.loads(body)["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    assert_secured(headers)


def assert_secured(headers: dict[str, str]) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, value in API_HEADERS.items():
        assert lowered.get(name.lower()) == value, name


@pytest.fixture
def chalice_client() -> Iterator[Any]:
    with moto_world(), Client(real_app(), stage_name="test") as client:
        yield client


CASES = [  # method, path, headers (None: an operator's token), body, status, code
    ("GET", "/admin/waybills/ship", None, None, 405, "method_not_allowed"),
    ("POST", "/admin/users", {"Content-Type": "application/xml"}, b"<a/>", 415, "unsupported_media_type"),
    ("POST", "/admin/users", None, b"{" + b" " * 1_100_000 + b"}", 413, "bad_request"),
    ("GET", "/admin/after-sales/S1-nothing", None, None, 404, "not_found"),
    ("GET", "/admin/orders", {}, None, 401, "unauthenticated"),
    ("POST", "/admin/users", None, b"{}", 403, "forbidden"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body", "status", "code"), CASES)
def test_GIVEN_a_refused_request_WHEN_chalice_answers_THEN_the_error_shape_and_the_security_headers(
        chalice_client: Any, method: str, path: str, headers: dict[str, str] | None, body: bytes | None,
        status: int, code: str) -> None:
    sent = {**bearer("ops"), **(headers or {})} if headers is None or headers else {}
    response = chalice_client.http.request(method, path, headers=sent, body=body or b"")
    assert_error(response.status_code, response.headers, response.body, status, code)


def test_GIVEN_a_405_THEN_the_allowed_methods_are_kept(chalice_client: Any) -> None:
    response = chalice_client.http.request("DELETE", "/admin/orders", headers=bearer("ops"))
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


# ------------------------------------------------------------------ through the local web server
@pytest.fixture
def web() -> Iterator[WebServer]:
    with moto_world():
        server = WebServer(real_app(), "127.0.0.1", 0, None)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def send(web: WebServer, method: str, path: str, headers: dict[str, str] | None = None,
         body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


@pytest.mark.parametrize(("method", "path", "headers", "body", "status", "code"), [
    *CASES,
    ("GET", "/admin/no/such/route", {}, None, 404, "not_found"),
    ("GET", "/erp/v1/nothing-here", {}, None, 404, "not_found"),
])
def test_GIVEN_a_refused_request_WHEN_the_local_web_server_answers_THEN_the_same_shape_and_headers(
        web: WebServer, method: str, path: str, headers: dict[str, str] | None, body: bytes | None,
        status: int, code: str) -> None:
    sent = {**bearer("ops"), **(headers or {})} if headers is None or headers else {}
    assert_error(*send(web, method, path, sent, body), status, code)


def test_GIVEN_a_preflight_or_a_ui_refusal_THEN_security_headers_and_the_error_shape(web: WebServer) -> None:
    status, headers, _ = send(web, "OPTIONS", "/admin/orders")
    assert status == 200
    assert_secured(headers)
    status, headers, body = send(web, "POST", "/some/ui/page", {"Content-Type": "application/json"}, b"{}")
    assert status == 405 and json.loads(body)["error"]["code"] == "method_not_allowed"
    assert headers["x-content-type-options"] == "nosniff" and headers["allow"] == "GET, HEAD"
