"""Counters kept in step with the orders (domain/order_counters.py): one item per scope in the counters
table, one number attribute per counter name. A change of an order that changes its contribution is one
DynamoDB transaction: the order's conditional put and an ADD of the delta on each scope it touches. The
order's condition (its revision, or that it does not exist yet) guards the whole transaction, so the
counters move exactly when the order does: a refused redelivery adds nothing.

Write units: a transaction bills each item twice (prepare and commit). A new order writes its item and
two counter items (its shop's totals, its shop's creation day): 3 x 2 units, plus the two index copies.
A change that moves no counter (a memo, a tracking number, an address) is the plain conditional put.

Reads sum the scopes' items by key (BatchGetItem, 100 a call): a dashboard costs one item per shop (and
per day for a date range), whatever the number of orders."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import names
from chalicelib.domain.errors import ConflictError
from chalicelib.storage.models import OrderItem
from chalicelib.storage.shops import shop_ids as shops_listed

SCOPE = "scope"


def _client() -> Any:
    return OrderItem._get_connection().connection.client


def table() -> str:
    return names.table_name("counters")


def transact_put(item: OrderItem, condition: tuple[str, dict[str, Any], dict[str, Any]],
                 changes: Mapping[str, Mapping[str, int]], what: str) -> None:
    """Put `item` under `condition` (expression, names, values) and ADD `changes` (scope -> name -> n)."""
    expression, attr_names, attr_values = condition
    put: dict[str, Any] = {"TableName": names.table_name("orders"), "Item": item.serialize(),
                           "ConditionExpression": expression}
    if attr_names:
        put["ExpressionAttributeNames"] = attr_names
    if attr_values:
        put["ExpressionAttributeValues"] = attr_values
    try:
        transact([{"Put": put}], changes)
    except ClientError as exc:
        reasons = exc.response.get("CancellationReasons") or []
        if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
            raise ConflictError(f"{what} changed meanwhile") from exc
        raise


def transact(actions: list[dict[str, Any]], changes: Mapping[str, Mapping[str, int]]) -> None:
    """`actions` (the first one the order's) and the counters' ADDs as one transaction."""
    adds = [{"Update": _add(scope, deltas)} for scope, deltas in sorted(changes.items())]
    _client().transact_write_items(TransactItems=[*actions, *adds])


def _add(scope: str, deltas: Mapping[str, int]) -> dict[str, Any]:
    pairs = sorted(deltas.items())
    return {"TableName": table(), "Key": {SCOPE: {"S": scope}},
            "UpdateExpression": "ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(pairs))),
            "ExpressionAttributeNames": {f"#n{i}": name for i, (name, _) in enumerate(pairs)},
            "ExpressionAttributeValues": {f":v{i}": {"N": str(n)} for i, (_, n) in enumerate(pairs)}}


class DynamoOrderCounters:
    def shop_ids(self) -> list[str]:
        return shops_listed()

    def totals(self, scopes: Collection[str]) -> dict[str, int]:
        """Every counter name summed over the scopes (a missing scope counts nothing)."""
        summed: Counter[str] = Counter()
        wanted = sorted(set(scopes))
        for start in range(0, len(wanted), 100):
            keys: dict[str, Any] = {table(): {"Keys": [{SCOPE: {"S": s}} for s in wanted[start:start + 100]]}}
            while keys:
                answer = _client().batch_get_item(RequestItems=keys)
                for item in answer.get("Responses", {}).get(table(), []):
                    for name, value in item.items():
                        if name != SCOPE and "N" in value:
                            summed[name] += int(value["N"])
                keys = answer.get("UnprocessedKeys") or {}
        return dict(summed)
