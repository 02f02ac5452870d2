"""The ERP OpenAPI document as an integrator uses it: it validates (openapi-spec-validator), and a client
generated from it by openapi-python-client calls every operation against the app over loopback HTTP,
each answer parsed into the document's own model (no dangling $ref, no schema the answers break)."""
from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from openapi_spec_validator import validate

from chalicelib import bootstrap
from chalicelib.api.openapi import OPERATIONS, spec
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.shops import Shop
from tests import fakes
from tests.after_sales_kit import ScriptedPlatform, open_case
from tests.erp_kit import ApiServer, erp_app, moto_world, new_client, ready_order

pytestmark = pytest.mark.integration
PACKAGE = "oms_erp_client"


def test_GIVEN_the_erp_document_THEN_it_validates_and_every_ref_resolves() -> None:
    document = spec()
    validate(document)
    refs = {ref.rsplit("/", 1)[1] for ref in _refs(document)}
    assert refs <= set(document["components"]["schemas"]), refs - set(document["components"]["schemas"])


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"]
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


class ReadmeSigner(httpx.Auth):
    """The README's "Signing a request", for httpx."""

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id, self.secret = key_id, secret

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        def enc(text: str) -> str:
            return quote(unquote(text), safe="-_.~")
        path = "/".join(enc(s) for s in request.url.path.split("/"))      # url.path is decoded: enc re-encodes
        pairs = sorted((enc(k), enc(v)) for k, v in request.url.params.multi_items())
        target = path + ("?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else "")
        ts, nonce = str(int(time.time())), secrets.token_hex(16)
        body = request.content or b""
        message = "\n".join((request.method, target, ts, nonce, hashlib.sha256(body).hexdigest()))
        request.headers.update({"X-OMS-Key": self.key_id, "X-OMS-Timestamp": ts, "X-OMS-Nonce": nonce,
                                "X-OMS-Signature": hmac.new(self.secret.encode(), message.encode(),
                                                            hashlib.sha256).hexdigest()})
        yield request


def generate(tmp: Path) -> ModuleType:
    (tmp / "erp.json").write_text(json.dumps(spec()))
    (tmp / "config.yaml").write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    tool = Path(sys.executable).parent / "openapi-python-client"
    subprocess.run([str(tool), "generate", "--path", "erp.json", "--meta", "none", "--output-path", PACKAGE,
                    "--config", "config.yaml"], cwd=tmp, check=True, capture_output=True, timeout=300)
    sys.path.insert(0, str(tmp))
    return importlib.import_module(PACKAGE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    where = tmp_path_factory.mktemp("generated")
    package = generate(where)
    platform = ScriptedPlatform()
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S1", "旗舰店", platform.platform, "seller-1", app_key="k"))
    with (moto_world() as w, ApiServer(erp_app()) as api,
          bootstrap.override(shops=shops, publisher=fakes.RecordingPublisher(), clients=lambda shop: platform)):
        key_id, secret = new_client(scopes=("orders", "shipments", "after_sales", "stock"), rate_per_minute=100_000)
        client = package.Client(base_url=api.url, httpx_args={"auth": ReadmeSigner(key_id, secret)})
        yield {**w, "package": package, "client": client, "platform": platform}
    sys.path.remove(str(where))


def op(world: dict[str, Any], tag: str, name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")


def call(world: dict[str, Any], tag: str, name: str, *args: Any, **kw: Any) -> Any:
    response = op(world, tag, name).sync_detailed(*args, client=world["client"], **kw)
    models = importlib.import_module(f"{PACKAGE}.models")
    assert response.status_code < 300, (name, response.status_code, response.content)
    assert response.parsed is not None and not isinstance(response.parsed, models.ErrorOut), name
    return response.parsed


def parcel_of(order_id: str) -> str:
    from chalicelib.domain.fulfilments import Fulfilment, FulfilmentKind, FulfilmentState, Part
    now = bootstrap.clock().now()
    bootstrap.fulfilments().add(Fulfilment("S1-part", "pdd", FulfilmentKind.SPLIT, (Part(order_id, "S1", "x", (("1", 1),)),),
                                           FulfilmentState.OPEN, "manual", now, now))
    return "S1-part"


def test_GIVEN_a_generated_client_THEN_every_operation_of_the_document_answers(world: dict[str, Any]) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    order_id = ready_order("S1", "PDD:880001")
    case_id = open_case(world, "PDD:RF:1")
    bootstrap.erp_skus().add(ErpSku("红色-M", "T恤"))
    called = set()

    def run(tag: str, name: str, *args: Any, **kw: Any) -> Any:
        called.add(name)
        return call(world, tag, name, *args, **kw)

    run("meta", "get_openapi")
    page = run("orders", "take_orders", body=models.TakeBody(limit=10))
    assert order_id in [o.order_id for o in page.items]
    order = run("orders", "get_order", order_id)
    parcel = run("orders", "get_fulfilment", parcel_of(order_id))
    assert [o.order_id for o in parcel.orders] == [order_id] and parcel.kind == "split"
    run("orders", "acknowledge_order", order_id, body=models.AckBody(erp_order_id="SO-1"))
    posted = run("shipments", "post_shipment", body=models.ShipmentBody.from_dict(
        {"order_id": order_id, "carrier_code": "ZTO", "tracking_no": "ZT7312345678901",
         "lines": [{"line_id": order.lines[0].line_id, "quantity": 1}]}))
    run("shipments", "get_shipment", posted.shipment.shipment_id)
    run("after_sales", "take_after_sales", body=models.TakeBody(limit=10))
    run("after_sales", "get_after_sale", case_id)
    run("after_sales", "post_after_sale_result", case_id, body=models.CaseResultBody.from_dict(
        {"action": "intercept", "outcome": "intercepted"}))
    acted = run("after_sales", "post_after_sale_action", case_id,
                body=models.AfterSaleActionBody.from_dict({"action": "approve_refund"}))
    assert acted.case_id == case_id and acted.created is True
    run("stock", "set_stock", "红色-M", body=models.StockSetBody(quantity=3, idempotency_key="count-1"))
    assert run("stock", "get_stock", "红色-M").on_hand == 3

    assert called == {o.op_id for o in OPERATIONS} | {"get_openapi"}
