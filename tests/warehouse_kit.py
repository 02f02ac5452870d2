"""Shared pieces of the warehouse tests: the admin API on moto with users of every role, and requests."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.domain.users import Role, User
from tests import fakes
from tests.aws import aws

TABLES = ("shops", "shop_skus", "erp_skus", "stock", "orders", "sync", "audit", "goods")  # an ERP SKU joins the library


@contextmanager
def admin_api() -> Iterator[Client]:
    from app import app
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    users = fakes.InMemoryUserRepository()
    for name, role in (("root", Role.ADMIN), ("ops", Role.OPERATOR), ("eye", Role.VIEWER)):
        users.add(User(name, "x", role))
    with aws(TABLES):
        bootstrap.reset()
        with bootstrap.override(users=users, shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                publisher=fakes.RecordingPublisher()), Client(app, stage_name="test") as client:
            yield client
        bootstrap.reset()


def send(api: Client, method: str, path: str, body: object = None, user: str = "root") -> Any:
    from chalicelib.api import tokens
    token, _ = tokens.issue(bootstrap.users().get(user), datetime.now(UTC))
    raw = json.dumps(body if body is not None else {})
    return getattr(api.http, method)(path, headers={"Authorization": f"Bearer {token}",
                                                    "Content-Type": "application/json"}, body=raw)


def erp_sku(api: Client, code: str) -> None:
    answer = send(api, "post", "/admin/erp-skus", {"sku_code": code, "name": f"商品 {code}"})
    assert answer.status_code == 200, answer.body


def document(api: Client, doc_id: str, doc_type: str, reason: str, warehouse: str, lines: list[tuple[str, int]],
             target: str = "", user: str = "ops") -> Any:
    body = {"doc_id": doc_id, "doc_type": doc_type, "reason": reason, "warehouse_id": warehouse,
            "target_warehouse_id": target, "lines": [{"sku_code": c, "quantity": q} for c, q in lines]}
    return send(api, "post", "/admin/stock-documents", body, user=user)


def balance(sku_code: str, warehouse_id: str) -> tuple[int, int, int]:
    stock = bootstrap.stock().balance(sku_code, warehouse_id)
    return stock.on_hand, stock.reserved, stock.in_transit


def new_shop(api: Client, name: str = "淘宝店") -> str:
    answer = send(api, "post", "/admin/shops", {"name": name, "platform": "taobao", "app_key": "k",
                                                "app_secret": "test-secret-not-real", "seller_id": f"seller-{name}",
                                                "access_token": "at", "refresh_token": "rt"})
    assert answer.status_code == 200, answer.body
    return str(answer.json_body["shop_id"])
