"""The Taobao sandbox answers format=xml as TOP does (issue 17.9): the XML envelope for successes and for
error_response, the same data as the JSON answer. Our client always sends format=json; this is the
sandbox's fidelity for third-party SDKs, which default to XML."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from chalicelib.platforms.taobao.signing import sign as top_sign
from local.sandbox.core import SHANGHAI, SandboxServer, SandboxShop
from local.sandbox.taobao import create_sandbox

STAMP = "%Y-%m-%d %H:%M:%S"
END = datetime.now(SHANGHAI).replace(microsecond=0) - timedelta(minutes=5)
START = END - timedelta(hours=2)


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[SandboxServer, SandboxShop, list[str]]]:
    sandbox = create_sandbox(seed=23)
    shop = sandbox.add_shop()
    tids = sandbox.generate_orders(shop.seller_id, 5, START, END)
    server = SandboxServer(sandbox).start()
    yield server, shop, tids
    server.stop()


def call(world, method: str, params: dict[str, str], fmt: str | None = "xml", sign: str = "") -> httpx.Response:
    server, shop, _ = world
    full = {"method": method, "app_key": shop.app_key, "session": shop.access_token, "v": "2.0",
            "sign_method": "md5", "timestamp": datetime.now(SHANGHAI).strftime(STAMP), **params}
    if fmt is not None:
        full["format"] = fmt
    full["sign"] = sign or top_sign(full, shop.app_secret, "md5")
    return httpx.post(server.url + "/router/rest", data=full)


def increment(world, fmt: str | None = "xml", **extra: str) -> httpx.Response:
    return call(world, "taobao.trades.sold.increment.get",
                {"fields": "tid,status,modified,orders.oid", "start_modified": START.strftime(STAMP),
                 "end_modified": END.strftime(STAMP), "page_size": "100", **extra}, fmt)


def parsed(response: httpx.Response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8" ?>')
    return ET.fromstring(response.content)


def test_given_format_xml_then_the_trades_come_in_the_top_xml_envelope_with_the_json_answers_data(world) -> None:
    root = parsed(increment(world))
    assert root.tag == "trades_sold_increment_get_response" and root.findtext("request_id")
    trades = root.find("trades")
    assert trades is not None and trades.get("list") == "true"
    tids = [t.findtext("tid") for t in trades.findall("trade")]
    as_json = increment(world, "json").json()["trades_sold_increment_get_response"]
    assert sorted(tids) == sorted(str(t["tid"]) for t in as_json["trades"]["trade"]) == sorted(world[2])
    assert root.findtext("total_results") == str(as_json["total_results"])
    lines = trades.find("trade/orders")
    assert lines is not None and lines.get("list") == "true" and lines.findall("order/oid")


def test_given_format_xml_and_simplify_then_xml_is_not_flattened(world) -> None:
    assert parsed(increment(world, simplify="true")).tag == "trades_sold_increment_get_response"


def test_given_a_true_flag_then_xml_says_true(world) -> None:
    root = parsed(call(world, "taobao.tmc.messages.confirm", {"s_message_ids": "1"}))
    assert (root.tag, root.findtext("is_success")) == ("tmc_messages_confirm_response", "true")


@pytest.mark.parametrize(("params", "sign", "code"), [
    ({"fields": "tid", "tid": "1"}, "0" * 32, "25"),
    ({"fields": "tid", "tid": "1", "session": "6201bogus"}, "", "27"),
])
def test_given_an_error_with_format_xml_then_error_response_in_xml(world, params, sign, code) -> None:
    root = parsed(call(world, "taobao.trade.fullinfo.get", params, sign=sign))
    assert root.tag == "error_response" and root.findtext("code") == code
    assert root.findtext("msg") and root.findtext("request_id")


def test_given_no_format_then_json_and_an_unknown_format_then_code_23(world) -> None:
    assert "trades_sold_increment_get_response" in increment(world, None).json()
    assert increment(world, "yaml").json()["error_response"]["code"] == 23
