"""One local address: the app's routes through chalice's LocalGateway, everything else the built UI."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.runtime.web import WebServer
from tests.local_kit import make_app, request

pytestmark = pytest.mark.integration


@pytest.fixture
def ui_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><html><body>admin ui</body></html>")
    (dist / "assets" / "app-1a2b.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for the web")
    return dist


@pytest.fixture
def server(ui_dir: Path) -> Iterator[WebServer]:
    web = WebServer(make_app(), "127.0.0.1", 0, ui_dir)
    web.start()
    yield web
    web.stop()


def test_GIVEN_api_paths_WHEN_requested_THEN_the_chalice_app_answers(server: WebServer) -> None:
    status, headers, body = request(server, "GET", "/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["content-type"] == "application/json"
    status, _, body = request(server, "POST", "/admin/echo?x=1", b'{"a": 1}', {"Content-Type": "application/json"})
    assert (status, json.loads(body)) == (200, {"body": {"a": 1}, "q": {"x": "1"}})
    status, headers, body = request(server, "GET", "/admin/nowhere")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"
    assert headers["x-content-type-options"] == "nosniff"


def test_GIVEN_a_built_ui_WHEN_other_paths_are_requested_THEN_files_or_the_index_fallback_are_served(
        server: WebServer) -> None:
    status, headers, body = request(server, "GET", "/")
    assert status == 200 and b"admin ui" in body and headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-cache"
    status, headers, body = request(server, "GET", "/assets/app-1a2b.js")
    assert (status, body) == (200, b"console.log(1)")
    assert headers["content-type"] == "text/javascript" and "immutable" in headers["cache-control"]
    status, headers, body = request(server, "GET", "/orders/123?tab=lines")
    assert status == 200 and b"admin ui" in body
    assert request(server, "GET", "/assets/missing.js")[0] == 404
    assert request(server, "GET", "/../secret.txt")[0] == 404
    assert request(server, "GET", "/%2e%2e/secret.txt")[2] != b"not for the web"
    status, headers, body = request(server, "HEAD", "/")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    assert request(server, "POST", "/orders")[0] == 405


def test_GIVEN_no_built_ui_WHEN_the_root_is_requested_THEN_a_placeholder_links_to_health(tmp_path: Path) -> None:
    web = WebServer(make_app(), "127.0.0.1", 0, tmp_path / "absent")
    web.start()
    try:
        status, headers, body = request(web, "GET", "/anything")
        assert status == 200 and headers["content-type"].startswith("text/html")
        assert b"not built yet" in body and b'href="/health"' in body
    finally:
        web.stop()
