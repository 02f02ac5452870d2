"""The admin API's OpenAPI document (GET /admin/openapi.json, public): it validates, it holds every /admin
route the app registers with the role its decorator asks for, and every JSON body a route parses."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from openapi_spec_validator import validate

from app import app
from chalicelib.api.http import ROUTE_ACCESS
from tests.erp_kit import moto_world

pytestmark = pytest.mark.integration
API = Path(__file__).resolve().parents[2] / "chalicelib" / "api"


@pytest.fixture(scope="module")
def document() -> Iterator[dict[str, Any]]:
    with moto_world(), Client(app, stage_name="test") as client:
        response = client.http.get("/admin/openapi.json")
        assert response.status_code == 200
        yield response.json_body


def test_GIVEN_the_admin_document_THEN_it_validates(document: dict[str, Any]) -> None:
    validate(document)


def test_GIVEN_every_admin_route_of_the_app_THEN_it_is_in_the_document_with_its_role(
        document: dict[str, Any]) -> None:
    registered = {(method, path) for path, entries in app.routes.items() if path.startswith("/admin/")
                  for method in entries}
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert registered == documented
    for method, path in registered:
        assert document["paths"][path][method.lower()]["x-role"] == ROUTE_ACCESS[(method, path)]
    assert document["paths"]["/admin/auth/login"]["post"]["security"] == []
    assert "at most 100" in document["paths"]["/admin/stock"]["get"]["description"]     # the view's docstring


def test_GIVEN_a_route_that_parses_a_json_body_THEN_the_document_names_its_model(document: dict[str, Any]) -> None:
    """Read from the source: each `parse(Model, ...)` under an admin route decorator."""
    parsed: dict[tuple[str, str], str] = {}
    for source in API.glob("*.py"):
        text = source.read_text()
        for match in re.finditer(r'@(?:admin|public)_route\(bp, "([^"]+)"(?:, methods=\(([^)]*)\))?[^\n]*\n'
                                 r'def \w+\([^)]*\)[^:]*:\n(?:(?!\n@).)*?parse\((\w+),', text, re.DOTALL):
            path, methods, model = match.group(1), match.group(2) or '"GET"', match.group(3)
            for method in re.findall(r'"(\w+)"', methods):
                parsed[(method, path)] = model
    assert len(parsed) > 25
    for (method, path), model in parsed.items():
        body = document["paths"][path][method.lower()].get("requestBody")
        assert body, f"{method} {path} parses {model}: add it to admin_openapi.BODIES"
        ref = body["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"/{model}") or (method == "POST" and path.startswith("/admin/after-sales/")), ref
