"""Admin sign-in and role checks through the real app (chalice test client) on fakes."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.users import Role
from chalicelib.services.users import create_user
from tests import fakes

PASSWORD = "Fake-Passw0rd-for-tests"


@pytest.fixture
def users() -> Iterator[fakes.InMemoryUserRepository]:
    repo = fakes.InMemoryUserRepository()
    for name, role in (("root", Role.ADMIN), ("ops", Role.OPERATOR), ("eye", Role.VIEWER)):
        create_user(repo, name, PASSWORD, role)
    with bootstrap.override(users=repo, clock=fakes.FixedClock(datetime.now(UTC))):
        yield repo


@pytest.fixture
def client(users: fakes.InMemoryUserRepository) -> Iterator[Client]:
    with Client(app, stage_name="test") as c:
        yield c


def post(client: Client, path: str, body: object, token: str = "") -> object:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.http.post(path, headers=headers, body=json.dumps(body))


def login(client: Client, username: str) -> str:
    response = post(client, "/admin/auth/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["token"]


def test_given_no_token_when_calling_an_admin_route_then_401(client: Client) -> None:
    response = client.http.get("/admin/auth/me")
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthenticated"


def test_given_health_when_called_without_token_then_ok(client: Client) -> None:
    assert client.http.get("/health").json_body["status"] == "ok"


def test_given_good_credentials_when_logging_in_then_a_token_that_works(client: Client) -> None:
    token = login(client, "ops")
    me = client.http.get("/admin/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json_body == {"username": "ops", "role": "operator", "active": True}


def test_given_a_viewer_when_listing_users_then_403_and_an_admin_gets_200(client: Client) -> None:
    viewer = client.http.get("/admin/users", headers={"Authorization": f"Bearer {login(client, 'eye')}"})
    admin = client.http.get("/admin/users", headers={"Authorization": f"Bearer {login(client, 'root')}"})
    assert viewer.status_code == 403
    assert [u["username"] for u in admin.json_body["items"]] == ["eye", "ops", "root"]


def test_given_a_body_with_an_unknown_field_when_logging_in_then_400_naming_it(client: Client) -> None:
    response = post(client, "/admin/auth/login", {"username": "ops", "password": PASSWORD, "admin": True})
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "admin"


def test_given_malformed_json_then_400_not_500(client: Client) -> None:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"}, body="{nope")
    assert response.status_code == 400


def test_given_five_wrong_passwords_then_locked_out_with_429(client: Client) -> None:
    for _ in range(5):
        assert post(client, "/admin/auth/login", {"username": "ops", "password": "wrong"}).status_code == 401
    locked = post(client, "/admin/auth/login", {"username": "ops", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Retry-After" in locked.headers


def test_given_a_password_change_then_older_tokens_stop_working(client: Client) -> None:
    token = login(client, "ops")
    changed = post(client, "/admin/auth/password",
                   {"old_password": PASSWORD, "new_password": "An0ther-Fake-Passw0rd"}, token)
    assert changed.status_code == 200
    assert client.http.get("/admin/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_given_a_weak_password_when_creating_a_user_then_400_on_password(client: Client) -> None:
    response = post(client, "/admin/users", {"username": "newbie", "password": "short", "role": "viewer"},
                    login(client, "root"))
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "password"


def test_given_a_forged_token_signed_with_another_key_then_401(client: Client) -> None:
    import jwt
    forged = jwt.encode({"sub": "root", "role": "admin", "iss": "qihang-oms", "aud": "qihang-oms-admin",
                         "iat": 1, "exp": 4_000_000_000}, "another-key-that-is-long-enough-000000", "HS256")
    assert client.http.get("/admin/users", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_given_an_oversize_body_then_413(client: Client) -> None:
    response = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                body=json.dumps({"username": "x" * (2 * 1024 * 1024), "password": "y"}))
    assert response.status_code == 413
