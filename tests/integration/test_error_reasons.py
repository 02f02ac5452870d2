"""Refusals the admin UI shows carry a stable `reason` it translates (#21): one language at a time."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from tests.erp_kit import bearer, moto_world

pytestmark = pytest.mark.integration


@pytest.fixture
def client() -> Iterator[Any]:
    from app import app
    with moto_world(), Client(app, stage_name="test") as c:
        yield c


def _reason(response: Any) -> str:
    return str(json.loads(response.body)["error"].get("reason", ""))


def test_GIVEN_a_wrong_password_WHEN_logging_in_THEN_the_reason_is_wrong_credentials(client: Any) -> None:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": "nobody", "password": "Wrong-pass-1"}))
    assert response.status_code == 401 and _reason(response) == "auth.wrong_credentials"


def test_GIVEN_no_token_or_too_small_a_role_THEN_each_refusal_names_its_reason(client: Any) -> None:
    assert _reason(client.http.get("/admin/orders")) == "auth.missing_token"
    response = client.http.post("/admin/users", headers={**bearer("ops"), "Content-Type": "application/json"},
                                body=b"{}")
    assert response.status_code == 403 and _reason(response) == "auth.role_needed"


def test_GIVEN_a_system_hold_WHEN_an_operator_releases_it_THEN_the_reason_is_not_a_raw_validation_message(
        client: Any) -> None:
    response = client.http.post("/admin/orders/S1-1/release", headers={**bearer("ops"),
                                                                       "Content-Type": "application/json"},
                                body=json.dumps({"reason": "unlinked_sku"}))
    assert response.status_code == 400 and _reason(response) == "hold.system_released"
