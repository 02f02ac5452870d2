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
    """Users in DynamoDB, as deployed: saving a user re-stamps their tokens (storage/api_tokens.py)."""
    from chalicelib.storage.users import DynamoUserRepository
    with moto_world() as w:
        users = DynamoUserRepository()
        for name in ("root", "ops", "eye"):
            users.add(w["users"].get(name))
        with bootstrap.override(users=users), Client(app, stage_name="test") as client:
            yield {**w, "client": client}


def create(w: dict[str, Any], who: str, **body: Any) -> Any:
    return w["client"].http.post("/admin/api-tokens", headers=bearer(who),
                                 body=json.dumps({"name": "assistant", "scope": "read"} | body))


def check(token: str) -> Any:
    return api_tokens.authenticate(bootstrap.api_tokens(), bootstrap.users(), bootstrap.clock(),
                                   bootstrap.api_token_key(), token)


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


def _calls_during(action: Any) -> list[str]:
    """The DynamoDB operations `action` sends (the users model's client: the one the API tokens use)."""
    from chalicelib.storage.models import UserItem
    client, calls = UserItem._get_connection().connection.client, []

    def seen(model: Any, **_: Any) -> None:
        calls.append(model.name)
    client.meta.events.register("before-call.dynamodb", seen)
    try:
        action()
    finally:
        client.meta.events.unregister("before-call.dynamodb", seen)
    return calls


def test_given_a_stamped_token_then_checking_it_is_one_update_that_reads_and_counts(world: Any) -> None:
    secret = json.loads(create(world, "ops", scope="operator").body)["token"]
    assert _calls_during(lambda: check(secret)) == ["UpdateItem"]        # the user's state comes stamped
    assert check(secret)[0].username == "ops"


def test_given_a_user_deactivated_then_their_token_stops_in_the_same_write(world: Any) -> None:
    secret = json.loads(create(world, "ops", scope="operator").body)["token"]
    edited = world["client"].http.patch("/admin/users/ops", headers=bearer("root"), body=json.dumps({"active": False}))
    assert edited.status_code == 200, edited.body
    with pytest.raises(AuthenticationError):
        check(secret)                                                     # no cache to wait for


def test_given_a_token_from_before_the_stamp_then_its_user_is_read_live_and_it_still_works(world: Any) -> None:
    from chalicelib.domain.api_tokens import ApiToken
    from chalicelib.storage.api_tokens import DynamoApiTokenRepository
    now = bootstrap.clock().now()
    old = ApiToken("0123456789abcdef", "ops", "old", TokenScope.OPERATOR, now, now + timedelta(days=1),
                   api_tokens.secret_hash(bootstrap.api_token_key(), "s" * 43))
    DynamoApiTokenRepository().add(old)                                   # no stamp, no rate map
    presented = "qho_0123456789abcdef_" + "s" * 43
    assert check(presented)[2] is Role.OPERATOR
    assert _calls_during(lambda: check(presented)) == ["UpdateItem", "GetItem"]


def test_given_windows_of_an_earlier_burst_then_only_the_current_one_is_kept(world: Any) -> None:
    from chalicelib.storage.api_tokens import DynamoApiTokenRepository
    from chalicelib.storage.models import UserItem
    token_id = json.loads(create(world, "ops").body)["api_token"]["token_id"]
    repo = DynamoApiTokenRepository()
    for window in (600, 600, 1200, 6000):
        found = repo.check_in(token_id, window)
    assert found is not None and found[1] == 1
    raw = UserItem._get_connection().connection.client.get_item(
        TableName=UserItem.Meta.table_name, Key={"username": {"S": f"apitoken#{token_id}"}})["Item"]
    assert list(raw["rate"]["M"]) == ["6000"] and repo.check_in("ffffffffffffffff", 6000) is None
