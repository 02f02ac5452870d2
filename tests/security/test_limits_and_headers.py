"""Request limits (body size, JSON depth), CORS restricted to the UI's origin, and the security headers
of the API and of the UI as the local runtime serves it (the same data CloudFront uses)."""
from __future__ import annotations

import ast
import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from app import app
from chalicelib import bootstrap, security_headers
from chalicelib.api import http as api_http
from chalicelib.domain.users import Role
from local.runtime.web import WebServer
from tests.erp_kit import admin_users, bearer


@pytest.fixture
def client() -> Iterator[Client]:
    with bootstrap.override(users=admin_users()), Client(app, stage_name="test") as c:
        yield c


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# ------------------------------------------------------------------ limits
def test_given_a_body_over_one_megabyte_then_413_before_anything_runs(client: Client) -> None:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                body=b'{"username": "' + b"x" * (1024 * 1024) + b'"}')
    assert response.status_code == 413
    assert "larger than" in response.json_body["error"]["message"]


def test_given_json_nested_deeper_than_twenty_then_400_naming_the_problem(client: Client) -> None:
    response = client.http.post("/admin/users", headers=bearer("root"), body=nested(21))
    assert response.status_code == 400
    assert response.json_body["error"]["message"] == "JSON nested deeper than 20"
    assert response.json_body["error"]["fields"][0]["field"] == "body"


def test_given_json_nested_deep_enough_to_exhaust_the_parser_then_400_not_500(client: Client) -> None:
    response = client.http.post("/admin/users", headers=bearer("root"), body="[" * 200_000 + "]" * 200_000)
    assert response.status_code == 400, response.body


def test_given_json_nested_twenty_deep_then_it_reaches_validation(client: Client) -> None:
    response = client.http.post("/admin/users", headers=bearer("root"), body=nested(20))
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid"          # pydantic's answer, not the depth limit


# ------------------------------------------------------------------ CORS
@pytest.mark.parametrize("value, expected", [("", None), ("*", None), ("https://oms.example.test/",
                                                                       "https://oms.example.test")])
def test_given_ui_origin_then_cors_allows_that_origin_only(monkeypatch: pytest.MonkeyPatch, value: str,
                                                           expected: str | None) -> None:
    monkeypatch.setenv("UI_ORIGIN", value)
    config = api_http._cors()
    assert (config.allow_origin if config else None) == expected


def test_given_ui_origin_when_admin_routes_are_made_then_they_answer_with_it_and_erp_routes_do_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UI_ORIGIN", "https://oms.example.test")
    bp = Blueprint("cors_probe")

    @api_http.admin_route(bp, "/admin/probe", role=Role.VIEWER)
    def probe(ctx: api_http.Ctx) -> dict[str, bool]:
        return {"ok": True}

    @api_http.route(bp, "/erp/v1/probe", ("GET",), api_http.Ctx)
    def erp_probe(ctx: api_http.Ctx) -> dict[str, bool]:
        return {"ok": True}

    probe_app = Chalice(app_name="cors-probe")
    probe_app.register_blueprint(bp)
    assert probe_app.routes["/admin/probe"]["GET"].cors.allow_origin == "https://oms.example.test"
    assert not probe_app.routes["/erp/v1/probe"]["GET"].cors
    with bootstrap.override(users=admin_users()), Client(probe_app, stage_name="test") as c:
        answer = c.http.get("/admin/probe", headers=bearer("eye"))
    assert answer.headers["Access-Control-Allow-Origin"] == "https://oms.example.test"


def test_given_the_app_then_no_route_allows_any_origin() -> None:
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            assert not entry.cors or entry.cors.allow_origin != "*", (method, path)
            if not path.startswith("/admin/"):
                assert not entry.cors, (method, path)


# ------------------------------------------------------------------ headers
def test_given_any_api_answer_then_it_carries_the_api_security_headers(client: Client) -> None:
    for response in (client.http.get("/health"), client.http.get("/admin/auth/me")):
        for name, value in security_headers.API_HEADERS.items():
            assert response.headers[name] == value


def fetch(server: WebServer, path: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


@pytest.fixture
def ui_server(tmp_path: Path) -> Iterator[WebServer]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>ui</title>")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    web = WebServer(Chalice(app_name="ui-probe"), "127.0.0.1", 0, tmp_path)
    web.start()
    yield web
    web.stop()


@pytest.mark.parametrize("path", ["/", "/orders/123", "/assets/app.js", "/assets/missing.js"])
def test_given_the_ui_served_locally_then_every_answer_has_the_security_headers(ui_server: WebServer,
                                                                                path: str) -> None:
    _, headers = fetch(ui_server, path)
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "ws://127.0.0.1:*" in csp and "ws://localhost:*" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in headers          # plain http on loopback


def test_given_https_then_the_ui_headers_add_hsts() -> None:
    assert security_headers.ui_headers(https=True)["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in security_headers.ui_headers(https=False)


def test_given_the_headers_module_then_it_is_pure_data_with_no_imports() -> None:
    tree = ast.parse(Path(security_headers.__file__).read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert json.dumps(security_headers.UI_HEADERS)        # plain strings, ready for a CloudFormation template
