"""A bad-input corpus through every CSV import route (issue 18): oversized fields, wrong encodings, formula
injection, binary files, broken quoting, odd numbers. Every answer is below 500; a field over the csv
module's 128 KiB limit is a 400 naming its row; nothing a refused file holds is stored."""
from __future__ import annotations

import codecs
import random
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import bootstrap
from tests.erp_kit import bearer, erp_app, moto_world, ready_order

BIG = "x" * (129 * 1024)
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "=HYPERLINK(\"http://127.0.0.1\")")


def _binary(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


SKU_CORPUS: dict[str, bytes] = {
    "a field over 128 KiB": f"sku_code,name\nBIG-1,{BIG}\n".encode(),
    "a header over 128 KiB": f"sku_code,{BIG}\nA,B\n".encode(),
    "a quoted field over 128 KiB": f'sku_code,name\nBIG-2,"{BIG}\n{BIG}"\n'.encode(),
    "gb18030": "编码,名称\nGB-1,保温杯\n".encode("gb18030"),
    "utf-16 with a BOM": codecs.BOM_UTF16_LE + "sku_code,name\nU16-1,cup\n".encode("utf-16-le"),
    "latin-1": "sku_code,name\nL1-1,café\n".encode("latin-1"),
    "broken utf-8": b"sku_code,name\nB-1,\xff\xfe\xfa\n",
    "formula injection": ("sku_code,name,spec\n" + "".join(
        f"F-{i},{f},{f}\n" for i, f in enumerate(FORMULAS))).encode(),
    "a formula as the code": b"sku_code,name\n=1+1,cup\n",
    "nul bytes": b"sku_code,name\nN-1,cu\x00p\n",
    "random binary": _binary(1, 4096),
    "a png": b"\x89PNG\r\n\x1a\n" + _binary(2, 2048),
    "a zip": b"PK\x03\x04" + _binary(3, 2048),
    "empty": b"",
    "only a BOM": codecs.BOM_UTF8,
    "only the header": b"sku_code,name\n",
    "an open quote": b'sku_code,name\nQ-1,"cup\n',
    "carriage returns only": b"sku_code,name\rCR-1,cup\r",
    "10,000 columns": ("sku_code,name," + ",".join(f"c{i}" for i in range(10_000)) + "\nW-1,cup\n").encode(),
    "6,000 rows": ("sku_code,name\n" + "".join(f"R-{i},cup\n" for i in range(6000))).encode(),
    "odd prices": ("sku_code,name,price\n" + "".join(f"P-{i},cup,{p}\n" for i, p in enumerate(
        ("1e999999", "NaN", "sNaN", "Infinity", "-Infinity", "-0", "9" * 5000, "0.001", "²", "١٢", " ", "1_000")))
                   ).encode(),
    "odd price_fen": ("sku_code,name,price_fen\n" + "".join(f"PF-{i},cup,{p}\n" for i, p in enumerate(
        ("9" * 5000, "-1", "²", "١٢", "1e3", "0x10", "99999999999999999999999")))).encode(),
    "long codes and names": f"sku_code,name\n{'C' * 5000},{'名' * 20000}\n".encode(),
    "control characters": "sku_code,name\nCC-1,\x1b[31mred\x07\u202eevil\n".encode(),
}

TRACKING_HEADER = "order_id,carrier_code,tracking_no,line_id,quantity\n"
TRACKING_CORPUS: dict[str, bytes] = {
    "a field over 128 KiB": f"{TRACKING_HEADER}ORDER,ZTO,{BIG},,\n".encode(),
    "a header over 128 KiB": f"order_id,carrier_code,{BIG}\nA,B,C\n".encode(),
    "gb18030": "order_id,carrier_code,tracking_no\nORDER,中通,单号\n".encode("gb18030"),
    "utf-16 with a BOM": codecs.BOM_UTF16_LE + f"{TRACKING_HEADER}ORDER,ZTO,ZT1,,\n".encode("utf-16-le"),
    "formula injection": (TRACKING_HEADER + "".join(f"ORDER,ZTO,{f},,\n" for f in FORMULAS)).encode(),
    "nul bytes": f"{TRACKING_HEADER}ORDER,ZTO,ZT\x001,,\n".encode(),
    "random binary": _binary(4, 4096),
    "a png": b"\x89PNG\r\n\x1a\n" + _binary(5, 2048),
    "empty": b"",
    "an open quote": f'{TRACKING_HEADER}ORDER,ZTO,"ZT1,,\n'.encode(),
    "odd quantities": (TRACKING_HEADER + "".join(f"ORDER,ZTO,ZTQ{i},1,{q}\n" for i, q in enumerate(
        ("²", "١٢", "0", "-1", "9" * 5000, "1e3", " ", "٣")))).encode(),
    "odd line ids": (TRACKING_HEADER + "".join(f"ORDER,ZTO,ZTL{i},{v},1\n" for i, v in enumerate(
        ("x" * 5000, "../../etc", "\u202e", "%00")))).encode(),
    "unknown and long order ids": f"{TRACKING_HEADER}{'S' * 20000},ZTO,ZT1,,\nS1-nope,ZTO,ZT2,,\n".encode(),
    "order_no only, no shop": b"order_no,carrier_code,tracking_no\nNO-SUCH,ZTO,ZT1\n",
    "extra and missing cells": f"{TRACKING_HEADER}ORDER,ZTO,ZT1,,,,extra,cells\nORDER\n".encode(),
    "6,000 rows": (TRACKING_HEADER + "".join(f"S1-n{i},ZTO,ZT{i},,\n" for i in range(6000))).encode(),
}


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(erp_app(), stage_name="test") as client:
        yield {**w, "client": client, "order": ready_order()}


def post(world: dict[str, Any], path: str, body: bytes, user: str) -> Any:
    return world["client"].http.post(path, headers={**bearer(user), "Content-Type": "text/csv"}, body=body)


@pytest.mark.parametrize("case", SKU_CORPUS)
def test_given_a_bad_sku_file_then_the_import_answers_below_500(world: dict[str, Any], case: str) -> None:
    response = post(world, "/admin/erp-skus/import", SKU_CORPUS[case], "root")
    assert response.status_code < 500, response.body[:500]


@pytest.mark.parametrize("case", TRACKING_CORPUS)
def test_given_a_bad_tracking_file_then_the_import_answers_below_500(world: dict[str, Any], case: str) -> None:
    body = TRACKING_CORPUS[case].replace(b"ORDER", world["order"].encode())
    response = post(world, "/admin/shipments/import", body, "ops")
    assert response.status_code < 500, response.body[:500]


@pytest.mark.parametrize(("path", "body", "user", "field", "row"), [
    ("/admin/erp-skus/import", f"sku_code,name\nOK-1,cup\nBIG-1,{BIG}\n", "root", "file", 3),
    ("/admin/erp-skus/import", f"sku_code,{BIG}\n", "root", "file", 1),
    ("/admin/shipments/import", f"{TRACKING_HEADER}S1-x,ZTO,ZT9,,\nS1-y,ZTO,{BIG},,\n", "ops", "csv", 3),
])
def test_given_a_field_over_128_kib_then_400_naming_the_row_and_nothing_stored(
        world: dict[str, Any], path: str, body: str, user: str, field: str, row: int) -> None:
    response = post(world, path, body.encode(), user)
    assert response.status_code == 400, response.body[:500]
    error = response.json_body["error"]
    assert error["fields"][0]["field"] == field and f"row {row}" in error["message"]
    assert bootstrap.erp_skus().get("OK-1") is None          # the file is refused whole, before any row


def test_given_formulas_in_an_import_then_they_are_kept_as_text(world: dict[str, Any]) -> None:
    response = post(world, "/admin/erp-skus/import", SKU_CORPUS["formula injection"], "root")
    assert response.status_code == 200, response.body[:500]
    stored = bootstrap.erp_skus().get("F-0")
    assert stored is not None and stored.name == FORMULAS[0]
