"""The audit log: the contract suite (in-memory fake and DynamoDB on moto), redaction, and the API:
every admin/ERP change recorded centrally, unaudited GETs cost nothing, a failed write never fails the
action, and GET /admin/audit answers the UI's contract."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.audit import KEEP_DAYS, AuditEntry, AuditQuery, redact
from chalicelib.services.audit import record, search
from tests import fakes
from tests.audit_fakes import InMemoryAuditLog
from tests.aws import aws

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def entry(n: int, *, days_ago: int = 0, actor: str = "root", action: str = "POST /admin/orders/{order_id}/hold",
          target: str = "o-1") -> AuditEntry:
    at = T0 - timedelta(days=days_ago) + timedelta(seconds=n)
    return AuditEntry(audit_id=f"id{n:04d}", at=at, actor=actor, actor_kind="erp" if actor.startswith("erp:")
                      else "admin", action=action, target=target, status=200, after={"n": n}, ip="127.0.0.1")


# ------------------------------------------------------------------ contract: fake vs DynamoDB
@pytest.fixture(params=["fake", "dynamodb"])
def audit_log(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "fake":
        yield InMemoryAuditLog()
        return
    with aws(("audit",)):
        from chalicelib.storage.audit import DynamoAuditLog
        yield DynamoAuditLog()


def everything(audit_log: Any, query: AuditQuery) -> list[str]:
    """Follows `next` to the end: pages may differ between backends, the sequence may not."""
    ids: list[str] = []
    cursor = None
    for _ in range(100):
        page = search(audit_log, fakes.FixedClock(T0), AuditQuery(**{**query.__dict__, "cursor": cursor}))
        assert len(page.items) <= query.limit
        ids += [e.audit_id for e in page.items]
        cursor = page.cursor
        if cursor is None:
            return ids
    raise AssertionError("cursor never ended")


FILLED = [entry(n, days_ago=n % 3, actor="root" if n % 2 else "erp:ek_1",
                action="PATCH /admin/users/{username}" if n % 4 == 0 else "POST /admin/orders/{order_id}/hold",
                target=f"o-{n % 5}") for n in range(12)] + [entry(99, days_ago=45)]   # 45: past one page's month


@pytest.fixture
def filled(audit_log: Any) -> Any:
    for item in FILLED:
        audit_log.add(item)
    return audit_log


def expected_ids(query: AuditQuery) -> list[str]:
    return [e.audit_id for e in sorted(FILLED, key=lambda e: e.sort_key, reverse=True) if query.matches(e)]


def test_given_entries_over_days_when_searched_without_filters_then_all_newest_first(filled: Any) -> None:
    ids = everything(filled, AuditQuery(limit=5))
    assert ids == expected_ids(AuditQuery()) and len(ids) == 13


@pytest.mark.parametrize("query", [
    AuditQuery(actor="root"), AuditQuery(actor="erp:ek_1", action="PATCH"), AuditQuery(action="POST /admin/orders"),
    AuditQuery(target="o-2"), AuditQuery(from_day=date(2026, 11, 19), to_day=date(2026, 11, 19)),
    AuditQuery(actor="root", from_day=date(2026, 11, 20)), AuditQuery(actor="nobody"),
], ids=["actor", "actor+action", "action prefix", "target", "one day", "actor+from", "no match"])
def test_given_filters_when_searched_then_only_matching_entries_in_order(filled: Any, query: AuditQuery) -> None:
    ids = everything(filled, AuditQuery(**{**query.__dict__, "limit": 2}))
    assert ids == expected_ids(query)
    assert ids or query.actor == "nobody"


def test_given_an_entry_when_read_back_then_every_field_survives(audit_log: Any) -> None:
    original = entry(1)
    audit_log.add(original)
    assert search(audit_log, fakes.FixedClock(T0), AuditQuery()).items == [original]


def test_given_a_stored_entry_then_it_expires_after_the_keep_period() -> None:
    with aws(("audit",)):
        from chalicelib.storage.audit import AuditItem, DynamoAuditLog
        DynamoAuditLog().add(entry(1))
        item = next(iter(AuditItem.query(T0.date().isoformat())))
        assert item.expires_at == int((entry(1).at + timedelta(days=KEEP_DAYS)).timestamp())


# ------------------------------------------------------------------ service and redaction
def test_given_secrets_and_phones_in_a_body_then_redacted_before_storing() -> None:
    cleaned = redact({"password": "Fake-Passw0rd-1", "app_secret": "x" * 20, "nested": [{"access_token": "t" * 20}],
                      "note": "call 13812345678 please", "reason": "late", "receiver_phone": "13812345678"})
    assert cleaned == {"password": "[redacted]", "app_secret": "[redacted]", "nested": [{"access_token": "[redacted]"}],
                       "note": "call 138****5678 please", "reason": "late", "receiver_phone": "[redacted]"}


def test_given_an_unreachable_log_when_recording_then_none_and_no_exception() -> None:
    log = InMemoryAuditLog()
    log.fail = True
    assert record(log, fakes.FixedClock(T0), actor="root", actor_kind="admin", action="POST /x", target="",
                  status=200) is None


# ------------------------------------------------------------------ through the app
@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    from app import app
    from tests.erp_kit import admin_users
    log, orders, clock = InMemoryAuditLog(), fakes.InMemoryOrderRepository(), fakes.FixedClock(datetime.now(UTC))
    raw = _RawStore()
    with bootstrap.override(audit_log=log, users=admin_users(), orders=orders, clock=clock, raw_store=raw,
                            publisher=fakes.RecordingPublisher(), after_sales=fakes.InMemoryAfterSaleRepository()), \
            Client(app, stage_name="test") as client:
        yield {"client": client, "log": log, "orders": orders, "raw": raw}


class _RawStore:
    def get(self, raw_ref: str) -> dict[str, Any]:
        return {"order_no": "1", "ref": raw_ref}


def bearer(username: str) -> dict[str, str]:
    from tests.erp_kit import bearer as make
    return make(username)


def add_order(w: dict[str, Any]) -> str:
    from tests.factories import make_order
    order = make_order(1, raw_ref="raw/o.json")
    w["orders"].add(order)
    return order.order_id


def test_given_admin_changes_when_made_then_each_is_in_the_log(world: dict[str, Any]) -> None:
    client = world["client"]
    order_id = add_order(world)
    held = client.http.post(f"/admin/orders/{order_id}/hold", headers=bearer("ops"),
                            body=json.dumps({"reason": "manual_hold", "note": "check 13812345678"}))
    made = client.http.post("/admin/users", headers=bearer("root"),
                            body=json.dumps({"username": "newbie", "password": "Fake-Passw0rd-xyz!", "role": "viewer"}))
    assert (held.status_code, made.status_code) == (200, 200), (held.body, made.body)
    first, second = sorted(world["log"].entries, key=lambda e: e.action)
    assert (first.actor, first.actor_kind, first.action, first.target, first.status) == (
        "ops", "admin", "POST /admin/orders/{order_id}/hold", order_id, 200)
    assert first.after and first.after["order_id"] == order_id          # the handler's precise after
    assert (second.actor, second.action, second.after) == (
        "root", "POST /admin/users", {"username": "newbie", "role": "viewer", "active": True})
    assert "Fake-Passw0rd" not in json.dumps([e.__dict__ for e in world["log"].entries], default=str)


def test_given_a_refused_or_failed_change_then_the_status_is_recorded(world: dict[str, Any]) -> None:
    response = world["client"].http.post("/admin/orders/nope/hold", headers=bearer("ops"),
                                         body=json.dumps({"reason": "manual_hold"}))
    assert response.status_code == 404
    [only] = world["log"].entries
    assert (only.status, only.target, only.after) == (404, "nope", {"reason": "manual_hold"})


def test_given_sign_ins_when_refused_or_accepted_then_each_is_recorded_without_the_password(
        world: dict[str, Any]) -> None:
    from chalicelib.services.users import ensure_admin
    ensure_admin(bootstrap.users(), "boss", "Fake-Chief-Passw0rd-1!")
    sign_in = {"Content-Type": "application/json"}
    refused = world["client"].http.post("/admin/auth/login", headers=sign_in,
                                        body=json.dumps({"username": "boss", "password": "Wrong-Guess-0000!"}))
    accepted = world["client"].http.post("/admin/auth/login", headers=sign_in,
                                         body=json.dumps({"username": "boss", "password": "Fake-Chief-Passw0rd-1!"}))
    assert (refused.status_code, accepted.status_code) == (401, 200)
    entries = sorted(world["log"].entries, key=lambda e: e.at)
    assert [(e.actor, e.action, e.status) for e in entries] == [
        ("boss", "POST /admin/auth/login", 401), ("boss", "POST /admin/auth/login", 200)]
    assert "Passw0rd" not in json.dumps([e.__dict__ for e in entries], default=str)


def test_given_plain_gets_then_nothing_is_written(world: dict[str, Any]) -> None:
    order_id = add_order(world)
    for path in ("/admin/orders", f"/admin/orders/{order_id}", "/admin/auth/me"):
        assert world["client"].http.get(path, headers=bearer("root")).status_code == 200
    assert world["log"].entries == []


def test_given_the_raw_payload_viewed_then_that_view_is_audited(world: dict[str, Any]) -> None:
    order_id = add_order(world)
    response = world["client"].http.get(f"/admin/orders/{order_id}/raw", headers=bearer("ops"))
    [only] = world["log"].entries
    assert (only.action, only.target, only.status, only.actor) == (
        "GET /admin/orders/{order_id}/raw", order_id, response.status_code, "ops")


def test_given_the_audit_table_down_when_changing_then_the_change_still_answers_200(world: dict[str, Any]) -> None:
    world["log"].fail = True
    order_id = add_order(world)
    response = world["client"].http.post(f"/admin/orders/{order_id}/memo", headers=bearer("ops"),
                                         body=json.dumps({"memo": "fragile"}))
    assert response.status_code == 200, response.body


def test_given_entries_when_an_admin_searches_then_the_ui_contract_shape(world: dict[str, Any]) -> None:
    world["log"].add(entry(1, actor="erp:ek_1", action="POST /erp/v1/orders/take", target=""))
    world["log"].add(entry(2))
    response = world["client"].http.get("/admin/audit?action=POST%20/erp&limit=10", headers=bearer("root"))
    assert response.status_code == 200, response.body
    assert response.json_body == {"next": None, "items": [{
        "audit_id": "id0001", "at": entry(1).at.isoformat(), "actor": "erp:ek_1", "actor_kind": "erp",
        "action": "POST /erp/v1/orders/take", "target": "", "status": 200, "before": None, "after": {"n": 1},
        "ip": "127.0.0.1"}]}
    assert world["log"].entries[-1].audit_id == "id0002"        # the search itself is not audited


@pytest.mark.parametrize("query, field", [("from=yesterday", "from"), ("limit=0", "limit"), ("limit=x", "limit"),
                                          ("from=2026-11-20&to=2026-11-01", "from"), ("cursor=%%%", "cursor")])
def test_given_bad_search_parameters_then_400_naming_them(world: dict[str, Any], query: str, field: str) -> None:
    response = world["client"].http.get(f"/admin/audit?{query}", headers=bearer("root"))
    assert response.status_code == 400, response.body
    assert response.json_body["error"]["fields"][0]["field"] == field


def test_given_an_operator_when_searching_the_log_then_403(world: dict[str, Any]) -> None:
    assert world["client"].http.get("/admin/audit", headers=bearer("ops")).status_code == 403


def test_given_the_model_then_its_keys_and_index_match_infra() -> None:
    from chalicelib.storage.audit import AuditItem
    from infra.tables import TABLE_SPECS
    hash_key, range_key, indexes, ttl = TABLE_SPECS["audit"]
    assert (AuditItem._hash_keyname, AuditItem._range_keyname) == (hash_key, range_key)
    schemas = {name: {k["KeyType"]: k["AttributeName"] for k in index._get_schema()["key_schema"]}
               for name, index in AuditItem._indexes.items()}
    assert {name: (k.get("HASH"), k.get("RANGE")) for name, k in schemas.items()} == indexes
    assert ttl == "expires_at" and "expires_at" in AuditItem.get_attributes()
