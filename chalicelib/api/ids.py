"""Ids in paths and filters, checked before a handler runs: a path parameter is short printable text, a
shop id has the shape shop ids have, and a route that changes something under a shop id needs the shop to
exist. A 10,000-character id reached DynamoDB as a key (over its size limit: a 500), and a token refresh
for a shop that does not exist left a lease row behind."""
from __future__ import annotations

import re
from typing import Any

from chalicelib import bootstrap
from chalicelib.api.errors import BadRequest
from chalicelib.domain.errors import NotFoundError

SHOP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_PATH_PARAMETER = 256          # DynamoDB keys stop at 1,024 (sort) and 2,048 bytes (partition)
READS = ("GET", "HEAD", "OPTIONS")


def check(ctx: Any, request: Any, params: dict[str, Any]) -> None:
    for name, value in params.items():
        if len(str(value)) > MAX_PATH_PARAMETER or not str(value).isprintable():
            raise BadRequest(f"{name} is not an id this API gave out", field=name)
    query = request.query_params or {}
    for shop_id in (params.get("shop_id"), query.get("shop_id")):
        if shop_id and not SHOP_ID.fullmatch(str(shop_id)):
            raise BadRequest("shop_id is not a shop id (letters, digits, - and _, at most 64)", field="shop_id")
    admin_change = request.method not in READS and getattr(ctx, "user", None) is not None
    if admin_change and "shop_id" in params and bootstrap.shops().get(params["shop_id"]) is None:
        raise NotFoundError(f"no shop {params['shop_id']}")
