"""Shared pieces of the drop-shipping tests: the whole app on moto with a supplier user per supplier, and
requests as any of them."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice.test import Client

from chalicelib.domain.users import Role, User
from tests.erp_kit import bearer, moto_world


@contextmanager
def dropship_world() -> Iterator[dict[str, Any]]:
    from app import app
    from chalicelib import bootstrap
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    with moto_world() as w, Client(app, stage_name="test") as client:
        bootstrap.shops().add(Shop("S1", "S1", Platform.TAOBAO, "seller-S1", app_key="k"))
        yield {**w, "client": client}


def call(w: dict[str, Any], method: str, path: str, body: Any = None, user: str = "ops") -> Any:
    raw = b"" if body is None else json.dumps(body).encode()
    return w["client"].http.request(method, path, headers=bearer(user), body=raw)


def supplier(w: dict[str, Any], name: str, username: str) -> str:
    """A supplier in the goods library and its user (role supplier)."""
    answer = call(w, "POST", "/admin/suppliers", {"name": name})
    assert answer.status_code == 200, answer.body
    supplier_id = str(answer.json_body["supplier_id"])
    w["users"].add(User(username=username, password_hash="not-a-real-hash", role=Role.SUPPLIER,
                        supplier_id=supplier_id))
    return supplier_id
