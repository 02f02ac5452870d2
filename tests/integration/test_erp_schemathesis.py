"""schemathesis (pinned in requirements-dev.txt) against the ERP API over loopback HTTP, every request
signed: no 5xx, and every answer matches the served OpenAPI document (schema, status code, content type)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib import bootstrap
from chalicelib.api.openapi import spec
from tests.erp_kit import ApiServer, erp_app, moto_world, new_client, ready_order

schema = schemathesis.openapi.from_dict(spec())
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


class HmacAuth(requests.auth.AuthBase):
    """Signs the request as sent (the ERP signing recipe of the document's description)."""

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id, self.secret = key_id, secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(request.url or "")
        pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
        path = unquote(parts.path)
        if pairs:
            path += "?" + "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        ts, nonce = str(int(time.time())), secrets.token_urlsafe(16)
        message = "\n".join(((request.method or "").upper(), path, ts, nonce, hashlib.sha256(body).hexdigest()))
        request.headers.update({"X-OMS-Key": self.key_id, "X-OMS-Timestamp": ts, "X-OMS-Nonce": nonce,
                                "X-OMS-Signature": hmac.new(self.secret.encode(), message.encode(),
                                                            hashlib.sha256).hexdigest()})
        return request


@pytest.fixture(scope="module")
def target() -> Iterator[dict[str, Any]]:
    with moto_world(), ApiServer(erp_app()) as api:
        from chalicelib.domain.catalog import ErpSku
        for _ in range(5):
            ready_order()
        bootstrap.erp_skus().add(ErpSku("ERP-MC-1", "纯棉短袖T恤"))
        key_id, secret = new_client(scopes=("orders", "shipments", "after_sales", "stock"), rate_per_minute=100_000)
        session = requests.Session()
        session.auth = HmacAuth(key_id, secret)
        session.trust_env = False
        yield {"url": api.url, "session": session, "orders": bootstrap.orders()}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_given_generated_requests_then_no_5xx_and_answers_match_the_document(case: Any, target: dict[str, Any]
                                                                             ) -> None:
    case.call_and_validate(base_url=target["url"], session=target["session"], checks=CHECKS)
