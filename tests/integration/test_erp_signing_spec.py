"""The README's "Signing a request" is the one definition of the ERP signature: the OpenAPI description
repeats it word for word, and a client written here from that text alone (stdlib only, no project code)
signs real calls over loopback HTTP with SKU codes and ids that need percent-encoding."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.catalog import ErpSku
from tests.erp_kit import ApiServer, erp_app, moto_world, new_client, ready_order

pytestmark = pytest.mark.integration
README = Path(__file__).resolve().parents[2] / "README.md"
UNRESERVED = re.compile(rb"[A-Za-z0-9\-._~]")


def readme_recipe() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- erp-signing:start -->", 1)[1].split("<!-- erp-signing:end -->", 1)[0]
    return block.strip().removeprefix("```text").removesuffix("```").lstrip("\n")


# ------------------------------------------------------------------ the client, from the README's text
def encode(value: str) -> str:
    return "".join(chr(b) if UNRESERVED.fullmatch(bytes([b])) else f"%{b:02X}" for b in value.encode("utf-8"))


def decode(value: str) -> str:
    out, i, raw = bytearray(), 0, value.encode("utf-8")
    while i < len(raw):
        if raw[i:i + 1] == b"%" and re.fullmatch(rb"[0-9A-Fa-f]{2}", raw[i + 1:i + 3]):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8")


def canonical(url_path: str, query: str) -> str:
    path = "/".join(encode(decode(segment)) for segment in url_path.split("/"))
    pairs = sorted((encode(decode(name)), encode(decode(value)))
                   for name, _, value in (part.partition("=") for part in query.split("&") if part))
    return path + ("?" + "&".join(f"{n}={v}" for n, v in pairs) if pairs else "")


class ReadmeClient:
    def __init__(self, port: int, key_id: str, secret: str) -> None:
        self.port, self.key_id, self.secret = port, key_id, secret

    def call(self, method: str, url_path: str, query: str = "", body: Any = None) -> tuple[int, Any]:
        raw = b"" if body is None else json.dumps(body).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        lines = (method.upper(), canonical(url_path, query), timestamp, nonce, hashlib.sha256(raw).hexdigest())
        signature = hmac.new(self.secret.encode(), "\n".join(lines).encode(), hashlib.sha256).hexdigest()
        headers = {"X-OMS-Key": self.key_id, "X-OMS-Timestamp": timestamp, "X-OMS-Nonce": nonce,
                   "X-OMS-Signature": signature, "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, url_path + (f"?{query}" if query else ""), body=raw or None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data or b"null")


# ------------------------------------------------------------------ the text itself
def test_GIVEN_the_readme_THEN_its_recipe_is_the_one_the_server_and_the_openapi_document_state() -> None:
    from chalicelib.api.openapi import spec
    from chalicelib.services.erp_signing import SIGNING_RECIPE
    assert readme_recipe() == SIGNING_RECIPE
    assert SIGNING_RECIPE in spec()["info"]["description"]


def test_GIVEN_the_readmes_examples_THEN_this_client_writes_them_exactly() -> None:
    examples = re.findall(r"^  (\S.*?)\s{2,}(/erp/v1/\S+)$", readme_recipe(), re.MULTILINE)
    assert len(examples) == 4
    for value, target in examples:
        prefix = target.rsplit("/", 1)[0]
        assert canonical(f"{prefix}/{encode(value)}", "") == target
    assert canonical("/erp/v1/x", "b=2&a=x%20y&a=1").endswith("?a=1&a=x%20y&b=2")


# ------------------------------------------------------------------ real calls
@pytest.fixture(scope="module")
def erp() -> Iterator[dict[str, Any]]:
    with moto_world(), ApiServer(erp_app()) as api:
        key_id, secret = new_client(scopes=("orders", "after_sales", "stock"), rate_per_minute=100_000)
        yield {"client": ReadmeClient(int(api.url.rsplit(":", 1)[1]), key_id, secret)}


@pytest.mark.parametrize("sku_code", ["红色-M", "SKU 001", "A+B", "50%棉", "T:1"])
def test_GIVEN_a_sku_code_needing_encoding_WHEN_set_and_read_as_the_readme_says_THEN_accepted(
        erp: dict[str, Any], sku_code: str) -> None:
    bootstrap.erp_skus().add(ErpSku(sku_code, "测试商品"))
    path = f"/erp/v1/stock/{encode(sku_code)}"
    status, body = erp["client"].call("PUT", path, body={"quantity": 7, "idempotency_key": secrets.token_hex(8)})
    assert status == 200, body
    status, body = erp["client"].call("GET", path, query=f"note={encode('红 色+1')}&a=1")
    assert status == 200, body
    assert body["sku_code"] == sku_code and body["on_hand"] == 7


@pytest.mark.parametrize("order_no", ["A+B", "PDD:240901", "with space"])
def test_GIVEN_an_order_id_needing_encoding_WHEN_read_THEN_accepted(erp: dict[str, Any], order_no: str) -> None:
    order_id = ready_order("S1", order_no)
    status, body = erp["client"].call("GET", f"/erp/v1/orders/{encode(order_id)}")
    assert status == 200, body
    assert body["order_id"] == order_id


def test_GIVEN_a_path_sent_with_another_valid_encoding_THEN_the_same_canonical_form_is_accepted(
        erp: dict[str, Any]) -> None:
    order_id = ready_order("S1", "PDD:77")
    status, body = erp["client"].call("GET", f"/erp/v1/orders/{order_id}")    # ':' sent bare
    assert status == 200, body
    bootstrap.erp_skus().add(ErpSku("红色-L", "测试商品"))
    status, body = erp["client"].call("GET", "/erp/v1/stock/%e7%ba%a2%e8%89%b2-L")   # lower-case hex
    assert status == 200, body


def test_GIVEN_a_signature_over_the_decoded_path_THEN_refused(erp: dict[str, Any]) -> None:
    bootstrap.erp_skus().add(ErpSku("SKU 002", "测试商品"))
    client = erp["client"]
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    message = "\n".join(("GET", "/erp/v1/stock/SKU 002", timestamp, nonce, hashlib.sha256(b"").hexdigest()))
    headers = {"X-OMS-Key": client.key_id, "X-OMS-Timestamp": timestamp, "X-OMS-Nonce": nonce,
               "X-OMS-Signature": hmac.new(client.secret.encode(), message.encode(), hashlib.sha256).hexdigest()}
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    conn.request("GET", "/erp/v1/stock/SKU%20002", headers=headers)
    response = conn.getresponse()
    assert response.status == 401, response.read()
    conn.close()
