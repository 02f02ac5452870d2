"""Per-user API tokens: created in the admin API (shown once, scoped no wider than the user's role),
listed, revoked; stored as a keyed hash; checked with expiry, revocation, the user's state and a rate
limit per token."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap
from chalicelib.domain.api_tokens import TokenScope
from chalicelib.domain.errors import AuthenticationError, TooManyRequestsError
from chalicelib.domain.users import Role
from chalicelib.services import api_tokens
from tests.erp_kit import bearer, moto_world


@pytest.fixture()
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(app, stage_name="test") as client:
        yield {**w, "client": client}


def create(w: dict[str, Any], who: str, **body: Any) -> Any:
    return w["client"].http.post("/admin/api-tokens", headers=bearer(who),
                                 body=json.dumps({"name": "assistant", "scope": "read"} | body))


def check(token: str) -> Any:
    return api_tokens.authenticate(bootstrap.api_tokens(), bootstrap.users(), bootstrap.api_token_rate_limiter(),
                                   bootstrap.clock(), bootstrap.api_token_key(), token)


def test_given_an_operator_when_creating_a_token_then_it_is_shown_once_and_stored_only_hashed(world: Any) -> None:
    answer = create(world, "ops", scope="operator", days=30)
    assert answer.status_code == 201, answer.body
    body = json.loads(answer.body)
    secret = body["token"]
    assert secret.startswith("qho_") and body["api_token"]["scope"] == "operator"
    listed = json.loads(world["client"].http.get("/admin/api-tokens", headers=bearer("ops")).body)["items"]
    assert [t["token_id"] for t in listed] == [body["api_token"]["token_id"]]
    assert secret not in json.dumps(listed)
    from chalicelib.storage.models import UserItem
    stored = json.dumps([i.attribute_values for i in UserItem.scan()], default=str)
    assert secret not in stored and secret.split("_")[-1] not in stored
    user, token, role = check(secret)
    assert (user.username, token.token_id, role) == ("ops", body["api_token"]["token_id"], Role.OPERATOR)


def test_given_a_viewer_when_asking_for_an_operator_token_then_400_with_a_reason(world: Any) -> None:
    answer = create(world, "eye", scope="operator")
    assert answer.status_code == 400
    assert json.loads(answer.body)["error"]["reason"] == "api_token.scope_above_role"
    assert create(world, "eye", scope="read").status_code == 201


def test_given_bad_bodies_then_400_naming_the_field(world: Any) -> None:
    for body, field in (({"days": 0}, "days"), ({"scope": "admin"}, "scope"), ({"name": ""}, "name"),
                        ({"extra": 1}, "extra")):
        answer = create(world, "ops", **body)
        assert answer.status_code == 400, body
        assert field in json.dumps(json.loads(answer.body)["error"].get("fields", [])), answer.body


def test_given_a_revoked_token_then_it_no_longer_authenticates(world: Any) -> None:
    body = json.loads(create(world, "ops").body)
    token_id = body["api_token"]["token_id"]
    other = world["client"].http.delete(f"/admin/api-tokens/{token_id}", headers=bearer("eye"))
    assert other.status_code == 404                 # someone else's token: as if it did not exist
    answer = world["client"].http.delete(f"/admin/api-tokens/{token_id}", headers=bearer("ops"))
    assert answer.status_code == 200 and json.loads(answer.body)["state"] == "revoked"
    with pytest.raises(AuthenticationError):
        check(body["token"])


def test_given_an_admin_then_they_list_and_revoke_anyones_token(world: Any) -> None:
    body = json.loads(create(world, "eye").body)
    everyone = json.loads(world["client"].http.get("/admin/api-tokens?username=*", headers=bearer("root")).body)
    assert body["api_token"]["token_id"] in [t["token_id"] for t in everyone["items"]]
    refused = world["client"].http.get("/admin/api-tokens?username=root", headers=bearer("eye"))
    assert refused.status_code == 400
    token_id = body["api_token"]["token_id"]
    assert world["client"].http.delete(f"/admin/api-tokens/{token_id}", headers=bearer("root")).status_code == 200


def test_given_forged_expired_or_orphaned_tokens_then_each_is_the_same_401(world: Any) -> None:
    secret = json.loads(create(world, "ops", scope="operator").body)["token"]
    for forged in ("", "qho_", secret[:-1] + ("A" if secret[-1] != "A" else "B"), "qho_0123456789abcdef_" + "x" * 43):
        with pytest.raises(AuthenticationError):
            check(forged)
    later = bootstrap.clock().now() + timedelta(days=91)
    with bootstrap.override(clock=type("Later", (), {"now": staticmethod(lambda: later)})()), \
            pytest.raises(AuthenticationError):
        check(secret)
    users = bootstrap.users()
    ops = users.get("ops")
    users.save(replace(ops, active=False), ops.revision)
    with pytest.raises(AuthenticationError):
        check(secret)


def test_given_a_demoted_user_then_their_operator_token_acts_read_only(world: Any) -> None:
    secret = json.loads(create(world, "ops", scope="operator").body)["token"]
    users = bootstrap.users()
    ops = users.get("ops")
    users.save(replace(ops, role=Role.VIEWER), ops.revision)
    assert check(secret)[2] is Role.VIEWER


def test_given_a_token_over_its_rate_then_429(world: Any) -> None:
    secret = json.loads(create(world, "ops", rate_per_minute=2).body)["token"]
    check(secret)
    check(secret)
    with pytest.raises(TooManyRequestsError):
        check(secret)


def test_given_a_token_creation_then_the_audit_entry_names_the_user_and_holds_no_secret(world: Any) -> None:
    secret = json.loads(create(world, "ops").body)["token"]
    entries = json.loads(world["client"].http.get("/admin/audit?action=POST /admin/api-tokens",
                                                  headers=bearer("root")).body)["items"]
    assert entries and entries[0]["actor"] == "ops"
    assert secret not in json.dumps(entries)


def test_given_the_scope_names_then_they_are_read_and_operator() -> None:
    assert [s.value for s in TokenScope] == ["read", "operator"]
