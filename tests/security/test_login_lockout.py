"""The sign-in lockout under bursts (issue 18): every attempt is counted atomically before its password is
checked, so that a burst of any size has exactly the limit checked; on DynamoDB (moto) through the real
adapter, and through the login route of the app served over HTTP."""
from __future__ import annotations

import http.client
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.errors import AuthenticationError, TooManyRequestsError
from chalicelib.domain.users import Role
from chalicelib.services import users as user_service
from tests import fakes
from tests.aws import aws, one_request_at_a_time

PASSWORD = "Fake-Passw0rd-for-tests"
BURST = 64


@pytest.fixture
def dynamo_users() -> Iterator[Any]:
    from chalicelib.storage.users import DynamoUserRepository
    with aws(("users", "idempotency")):
        repo = DynamoUserRepository()
        user_service.create_user(repo, "ops", PASSWORD, Role.OPERATOR)
        with one_request_at_a_time():
            yield repo


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many passwords were checked against a hash (a known user's or the dummy)."""
    seen: Counter[str] = Counter()
    verify = user_service._verify

    def counting(password_hash: str, password: str) -> bool:
        seen["checked"] += 1
        return verify(password_hash, password)

    monkeypatch.setattr(user_service, "_verify", counting)
    return seen


def outcome(attempt: Callable[[], Any]) -> str:
    try:
        attempt()
    except AuthenticationError:
        return "wrong"
    except TooManyRequestsError:
        return "locked"
    except Exception as exc:        # a 409 or a 500 on the route: the test names it
        return type(exc).__name__
    return "signed in"


def burst(passwords: list[str], sign_in: Callable[[str], str]) -> list[str]:
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(sign_in, passwords))


def test_given_64_concurrent_wrong_passwords_on_dynamodb_then_5_are_checked_and_59_locked(
        dynamo_users: Any, checked: Counter[str]) -> None:
    clock = fakes.FixedClock(datetime.now(UTC))
    answers = burst(["wrong"] * BURST, lambda p: outcome(lambda: user_service.login(dynamo_users, clock, "ops", p)))
    assert Counter(answers) == {"wrong": 5, "locked": BURST - 5}
    assert checked["checked"] == 5
    assert outcome(lambda: user_service.login(dynamo_users, clock, "ops", PASSWORD)) == "locked"


def test_given_the_right_password_inside_a_burst_then_it_signs_in_or_is_locked_never_a_conflict(
        dynamo_users: Any) -> None:
    clock = fakes.FixedClock(datetime.now(UTC))
    for _ in range(3):
        dynamo_users.clear_sign_ins("ops")
        passwords = ["wrong"] * (BURST - 1)
        passwords.insert(random.randrange(BURST), PASSWORD)
        answers = burst(passwords, lambda p: (p, outcome(lambda: user_service.login(dynamo_users, clock, "ops", p))))
        right = next(answer for password, answer in answers if password == PASSWORD)
        assert right in ("signed in", "locked")
        assert {answer for password, answer in answers if password != PASSWORD} <= {"wrong", "locked"}


def test_given_an_unknown_name_then_it_is_answered_and_locked_like_a_known_one(
        dynamo_users: Any, checked: Counter[str]) -> None:
    clock = fakes.FixedClock(datetime.now(UTC))
    answers = [outcome(lambda: user_service.login(dynamo_users, clock, "nobody", "wrong")) for _ in range(6)]
    assert answers == ["wrong"] * 5 + ["locked"]
    assert checked["checked"] == 5          # the same argon2 work as a known name's


@pytest.fixture
def served_app(dynamo_users: Any) -> Iterator[int]:
    from app import app
    from local.runtime.web import WebServer
    with bootstrap.override(users=dynamo_users, clock=bootstrap.SystemClock()):
        web = WebServer(app, "127.0.0.1", 0, None)
        web.start()
        yield web.port
        web.stop()


def post_login(port: int, password: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/admin/auth/login", body=json.dumps({"username": "ops", "password": password}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


def test_given_64_concurrent_wrong_passwords_through_the_login_route_then_5_401_and_59_429(
        served_app: int, checked: Counter[str]) -> None:
    answers = burst(["wrong"] * BURST, lambda p: post_login(served_app, p))
    assert Counter(status for status, _ in answers) == {401: 5, 429: BURST - 5}
    assert all(int(headers["retry-after"]) > 0 for status, headers in answers if status == 429)
    assert checked["checked"] == 5
    assert post_login(served_app, PASSWORD)[0] == 429


def test_given_the_right_password_inside_a_burst_through_the_route_then_200_or_429(served_app: int) -> None:
    passwords = ["wrong"] * (BURST - 1)
    passwords.insert(random.randrange(BURST), PASSWORD)
    answers = burst(passwords, lambda p: (p, post_login(served_app, p)[0]))
    assert next(status for password, status in answers if password == PASSWORD) in (200, 429)
    assert {status for password, status in answers if password != PASSWORD} <= {401, 429}
