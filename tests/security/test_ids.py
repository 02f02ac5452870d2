"""Ids in paths and filters (issue 18): a token refresh for a shop that does not exist wrote a lease row
(six calls, six junk rows) and a 10,000-character id answered 500. Ids are checked, shape and existence,
before anything is written, on every route that takes one."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import names
from tests.erp_kit import bearer, erp_app, moto_world, new_client, signed

LONG = "A" * 10_000


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    with moto_world() as w, Client(erp_app(), stage_name="test") as client:
        key_id, secret = new_client(("orders", "shipments", "after_sales", "webhooks", "stock"))
        yield {**w, "client": client, "key": key_id, "secret": secret}


def rows(table: str) -> int:
    return int(boto3.client("dynamodb").scan(TableName=names.table_name(table), Select="COUNT")["Count"])


def call(world: dict[str, Any], method: str, path: str) -> Any:
    if path.startswith("/erp/"):
        return signed(world["client"], world["key"], world["secret"], method, path, {} if method != "GET" else None)
    headers = bearer() if path.startswith("/admin/") else {"Content-Type": "application/json"}
    return getattr(world["client"].http, method.lower())(path, headers=headers, body=b"{}")


def test_given_an_unknown_shop_when_refreshing_its_tokens_then_404_and_no_row_written(world: dict[str, Any]) -> None:
    before = rows("shops")
    answers = [call(world, "POST", f"/admin/shops/S{n}NOSUCHSHOP/tokens/refresh").status_code for n in range(6)]
    assert answers == [404] * 6
    assert rows("shops") == before


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/admin/shops/{id}/pause"), ("POST", "/admin/shops/{id}/resume"), ("PUT", "/admin/shops/{id}/tokens"),
    ("POST", "/admin/shops/{id}/authorize"), ("PUT", "/admin/shops/{id}/stock-sync"),
    ("POST", "/admin/shops/{id}/catalog/pull"), ("POST", "/admin/shops/{id}/skus/auto-link"),
    ("POST", "/admin/shops/{id}/waybill-accounts/pull"), ("PUT", "/admin/shops/{id}/default-waybill-account"),
    ("POST", "/admin/sync/{id}/now"), ("PUT", "/admin/shops/{id}/skus/SKU1/links"),
])
def test_given_an_unknown_shop_when_changing_anything_under_it_then_404_before_any_write(
        world: dict[str, Any], method: str, path: str) -> None:
    before = {t: rows(t) for t in ("shops", "shop_skus", "sync", "waybill_accounts", "stock")}
    response = call(world, method, path.replace("{id}", "SNOSUCHSHOP"))
    assert response.status_code == 404, response.body
    assert {t: rows(t) for t in before} == before


@pytest.mark.parametrize("shop_id", ["../S1", "S 1", "S1;drop", "ş1", "-S1", "S" * 65])
def test_given_a_malformed_shop_id_then_400_naming_it(world: dict[str, Any], shop_id: str) -> None:
    from urllib.parse import quote
    for response in (call(world, "POST", f"/admin/shops/{quote(shop_id, safe='')}/pause"),
                     call(world, "GET", f"/admin/orders?shop_id={quote(shop_id)}")):
        assert response.status_code == 400, response.body
        assert response.json_body["error"]["fields"][0]["field"] == "shop_id"


def _routes_with_ids() -> list[tuple[str, str]]:
    return sorted((method, path) for path, methods in erp_app().routes.items() if "{" in path
                  for method in methods if method not in ("OPTIONS", "HEAD"))


@pytest.mark.parametrize(("method", "path"), _routes_with_ids())
def test_given_a_10000_character_id_then_every_route_answers_400_not_500(
        world: dict[str, Any], method: str, path: str) -> None:
    before = {t: rows(t) for t in ("shops", "orders", "after_sales", "sync")}
    response = call(world, method, re.sub(r"\{[a-z_]+\}", LONG, path))
    assert response.status_code == 400, (response.status_code, response.body[:300])
    assert {t: rows(t) for t in before} == before


@pytest.mark.parametrize("path", ["/admin/orders", "/admin/after-sales", "/admin/waybills", "/admin/erp/orders.csv"])
def test_given_a_10000_character_shop_filter_then_400(world: dict[str, Any], path: str) -> None:
    response = call(world, "GET", f"{path}?shop_id={LONG}")
    assert response.status_code == 400, response.body[:300]
