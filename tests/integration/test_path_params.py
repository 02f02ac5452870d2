"""Path parameters arrive percent-encoded, as API Gateway (REST) and chalice's local gateway deliver them,
and are decoded once for every route: PDD after-sale ids hold ':' and the UI encodes it (encodeURIComponent)."""
from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib import bootstrap
from chalicelib.domain.shops import Shop
from local.runtime.web import WebServer
from tests import fakes
from tests.after_sales_kit import ScriptedPlatform, admin_app, open_case
from tests.erp_kit import bearer, moto_world

pytestmark = pytest.mark.integration

ODD_CASE_NOS = ["PDD:240901-1:7", "A+B", "50%off", "with space", "退款单-一号", "%41"]


def encode_uri_component(value: str) -> str:
    """What the UI's `encodeURIComponent` sends."""
    return quote(value, safe="-_.!~*'()")


@pytest.fixture
def world() -> Iterator[dict[str, Any]]:
    platform = ScriptedPlatform()
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S1", "旗舰店", platform.platform, "seller-1", app_key="k"))
    with (moto_world() as w,
          bootstrap.override(shops=shops, publisher=fakes.RecordingPublisher(), clients=lambda shop: platform)):
        web = WebServer(admin_app(), "127.0.0.1", 0, None)
        web.start()
        try:
            yield {**w, "platform": platform, "web": web}
        finally:
            web.stop()


def send(web: WebServer, method: str, path: str, body: Any = None, user: str = "ops") -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=bearer(user))
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, json.loads(data or b"null")


@pytest.mark.parametrize("case_no", ODD_CASE_NOS)
def test_GIVEN_a_case_id_with_reserved_characters_WHEN_the_UI_opens_and_acts_on_it_THEN_found_once_decoded(
        world: dict[str, Any], case_no: str) -> None:
    case_id = open_case(world, case_no)
    path = f"/admin/after-sales/{encode_uri_component(case_id)}"

    status, detail = send(world["web"], "GET", path, user="eye")
    assert status == 200, detail
    assert detail["case_id"] == case_id

    status, acted = send(world["web"], "POST", f"{path}/approve", {})
    assert status == 202, acted
    assert acted["case_id"] == case_id and acted["pending_action"] == "approve_refund"


def test_GIVEN_an_encoded_percent_WHEN_read_THEN_decoded_exactly_once(world: dict[str, Any]) -> None:
    literal = open_case(world, "%41")          # decoded twice, "%2541" would become "A"
    open_case(world, "A")
    status, detail = send(world["web"], "GET", f"/admin/after-sales/{encode_uri_component(literal)}", user="eye")
    assert status == 200 and detail["case_id"] == "S1-%41"
