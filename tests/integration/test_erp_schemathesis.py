"""schemathesis (pinned in requirements-dev.txt) against the ERP API over loopback HTTP, every request
signed: no 5xx, and every answer matches the served OpenAPI document (schema, status code, content type).
The last test reports the whole run: how many answers of each status, 0 of them >= 500, and every
operation answered past the signature check (a fuzz that only ever met 401 would prove nothing)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import Counter, defaultdict
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
        pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                       for k, v in parse_qsl(parts.query, keep_blank_values=True))
        path = "/".join(quote(unquote(segment), safe="-_.~") for segment in parts.path.split("/"))
        if pairs:
            path += "?" + "&".join(f"{k}={v}" for k, v in pairs)
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        ts, nonce = str(int(time.time())), secrets.token_urlsafe(16)
        message = "\n".join(((request.method or "").upper(), path, ts, nonce, hashlib.sha256(body).hexdigest()))
        request.headers.update({"X-OMS-Key": self.key_id, "X-OMS-Timestamp": ts, "X-OMS-Nonce": nonce,
                                "X-OMS-Signature": hmac.new(self.secret.encode(), message.encode(),
                                                            hashlib.sha256).hexdigest()})
        return request


class RecordingSession(requests.Session):
    """Counts every answer under the operation being tested (`operation` is set before each call)."""

    def __init__(self) -> None:
        super().__init__()
        self.operation = ""
        self.answers: defaultdict[str, Counter[int]] = defaultdict(Counter)

    def send(self, request: requests.PreparedRequest, **kw: Any) -> requests.Response:  # type: ignore[override]
        response = super().send(request, **kw)
        self.answers[self.operation][response.status_code] += 1
        return response


@pytest.fixture(scope="module")
def target() -> Iterator[dict[str, Any]]:
    with moto_world(), ApiServer(erp_app()) as api:
        from chalicelib.domain.catalog import ErpSku
        for _ in range(5):
            ready_order()
        bootstrap.erp_skus().add(ErpSku("ERP-MC-1", "纯棉短袖T恤"))
        key_id, secret = new_client(scopes=("orders", "shipments", "after_sales", "stock"), rate_per_minute=100_000)
        session = RecordingSession()
        session.auth = HmacAuth(key_id, secret)
        session.trust_env = False
        yield {"url": api.url, "session": session, "orders": bootstrap.orders()}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_given_generated_requests_then_no_5xx_and_answers_match_the_document(case: Any, target: dict[str, Any]
                                                                             ) -> None:
    target["session"].operation = case.operation.label
    case.call_and_validate(base_url=target["url"], session=target["session"], checks=CHECKS)


def test_given_the_whole_run_then_0_answers_over_499_and_every_operation_got_past_the_signature(
        target: dict[str, Any]) -> None:
    answers: dict[str, Counter[int]] = target["session"].answers
    if not answers:
        pytest.skip("the generated tests did not run (deselected)")
    total = sum((c for c in answers.values()), Counter())
    report = "; ".join(f"{op}: {dict(sorted(c.items()))}" for op, c in sorted(answers.items()))
    print(f"\nERP fuzz: {sum(total.values())} answers, by status {dict(sorted(total.items()))}\n{report}")
    assert not [status for status in total if status >= 500], report
    assert all(set(c) - {401} for c in answers.values()), f"an operation only ever answered 401: {report}"
