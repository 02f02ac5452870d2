"""schemathesis (as in test_erp_schemathesis.py) over the admin API's own document, over loopback HTTP with
an admin's token: whatever it sends, no answer is a 5xx. Bounded in examples per operation."""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from chalice.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from app import app
from chalicelib import bootstrap
from chalicelib.domain.shops import Shop
from chalicelib.storage.alerts import DynamoAlertSettingsStore
from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
from tests import fakes
from tests.erp_kit import ApiServer, bearer, moto_world, ready_order


def _document() -> dict[str, Any]:
    with Client(app, stage_name="test") as client:
        return client.http.get("/admin/openapi.json").json_body     # type: ignore[no-any-return]


# the coverage phase sends every boundary (500-item bulk bodies) to every operation: minutes on moto; the
# fuzzing phase's random bodies found the same 5xx in a fraction of the time
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


@pytest.fixture(scope="module")
def target() -> Iterator[dict[str, Any]]:
    platform = fakes.FakePlatformClient()
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S1", "旗舰店", platform.platform, "seller-1", app_key="k"))
    # the alert channels seal their secrets: the fuzz gets a throwaway local key, as the tests of that store do
    alert_settings = DynamoAlertSettingsStore(Envelope(LocalKeyWrapper(os.urandom(32))))
    with (moto_world(), ApiServer(app) as api,
          bootstrap.override(shops=shops, publisher=fakes.RecordingPublisher(), clients=lambda shop: platform,
                             alert_settings=alert_settings)):
        for _ in range(3):
            ready_order()
        session = requests.Session()
        session.headers.update(bearer("root"))
        session.trust_env = False
        yield {"url": api.url, "session": session, "statuses": []}


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_given_generated_admin_requests_then_no_5xx(case: Any, target: dict[str, Any]) -> None:
    response = case.call_and_validate(base_url=target["url"], session=target["session"],
                                      checks=[not_a_server_error], timeout=60)
    target["statuses"].append(response.status_code)


def test_given_the_fuzz_then_most_requests_got_past_authentication(target: dict[str, Any]) -> None:
    """The token worked: the fuzz reached the handlers, not only the 401 in front of them (measured: 214 of
    261 past authentication; the rest are wrong passwords at sign-in and password change)."""
    statuses = target["statuses"]
    assert len(statuses) > 100
    assert sum(s not in (401, 403) for s in statuses) > 0.7 * len(statuses)   # sign-in, password: 401s
