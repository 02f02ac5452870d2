"""Our HS256 tokens against PyJWT (the reference implementation), and the attacks a JWT must refuse."""
from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chalicelib.api import tokens
from chalicelib.domain.errors import AuthenticationError
from chalicelib.domain.users import Role, User

SECRET = os.environ["JWT_SECRET"]
NOW = datetime.now(UTC)
USER = User("ops", "x", Role.OPERATOR, token_epoch=3)


def pyjwt_token(**overrides: object) -> str:
    # the time of the call, not of collection: under xdist a test may run minutes after its module loaded
    now = datetime.now(UTC)
    claims = {"sub": "ops", "role": "operator", "epoch": 3, "iss": "qihang-oms", "aud": "qihang-oms-admin",
              "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=5)).timestamp()), **overrides}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_given_our_token_then_pyjwt_verifies_it_with_the_pinned_algorithm() -> None:
    token, _ = tokens.issue(USER, NOW)
    data = jwt.decode(token, SECRET, algorithms=["HS256"], audience="qihang-oms-admin", issuer="qihang-oms")
    assert (data["sub"], data["role"], data["epoch"]) == ("ops", "operator", 3)


def test_given_a_pyjwt_token_then_we_verify_it() -> None:
    assert tokens.verify(pyjwt_token()) == tokens.Claims("ops", Role.OPERATOR, 3)


@pytest.mark.parametrize("token", [
    pyjwt_token(exp=int((NOW - timedelta(minutes=5)).timestamp())),         # expired
    pyjwt_token(iss="someone-else"),                                      # wrong issuer
    pyjwt_token(aud="another-app"),                                       # wrong audience
    pyjwt_token(iat=int((NOW + timedelta(hours=1)).timestamp())),          # issued in the future
    jwt.encode({"sub": "ops"}, "a-different-secret-that-is-long-enough", algorithm="HS256"),
    jwt.encode({"sub": "ops", "role": "admin"}, SECRET, algorithm="HS512"),  # another algorithm
    "not.a.token", "", "a.b", pyjwt_token() + "x",
])
def test_given_a_bad_token_then_refused(token: str) -> None:
    with pytest.raises(AuthenticationError):
        tokens.verify(token)


def test_given_alg_none_then_refused() -> None:
    def b64(d: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    claims = {"sub": "root", "role": "admin", "iss": "qihang-oms", "aud": "qihang-oms-admin",
              "iat": int(NOW.timestamp()), "exp": int(NOW.timestamp()) + 60}
    with pytest.raises(AuthenticationError):
        tokens.verify(f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}.")
