"""The workbench counters (domain/order_counters.py) as the report consumer keeps them: aggregates of the
reports table, one item per scope ("wb", shop) or ("<day>#w", shop), one number attribute per counter name.
The order writes no longer touch them (storage/orders.py is a plain conditional put); the consumer folds
each order's latest version into them (services/report_fold.py), so they follow within its batching window.

Reads sum the scopes' items by key (BatchGetItem, 100 a call): a dashboard costs one item per shop (and
per day for a date range), whatever the number of orders."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

from chalicelib import names
from chalicelib.domain.order_counters import aggregate_key
from chalicelib.storage.reports import DynamoReportStore, ReportItem
from chalicelib.storage.shops import shop_ids as shops_listed


class DynamoOrderCounters:
    def shop_ids(self) -> list[str]:
        return shops_listed()

    def totals(self, scopes: Collection[str]) -> dict[str, int]:
        """Every counter name summed over the scopes (a missing scope counts nothing)."""
        summed: Counter[str] = Counter()
        for aggregate in DynamoReportStore().get([aggregate_key(s) for s in set(scopes)]).values():
            summed.update(aggregate.values)
        return dict(summed)


def add_totals(counters: Mapping[str, Mapping[str, int]]) -> None:
    """ADDs scope -> name -> n to the counters at once: for fillers (benches, test seeds) that write orders in
    bulk, bypassing the consumer. Their orders have no fold record: a later change of one would count it
    again (fillers write orders nothing changes)."""
    client = _client()
    for scope, values in sorted(counters.items()):
        pairs = sorted(values.items())
        partition, member = aggregate_key(scope)
        client.update_item(TableName=names.table_name("reports"), Key={"pk": {"S": partition}, "sk": {"S": member}},
                           UpdateExpression="ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(pairs))),
                           ExpressionAttributeNames={f"#n{i}": k for i, (k, _) in enumerate(pairs)},
                           ExpressionAttributeValues={f":v{i}": {"N": str(v)} for i, (_, v) in enumerate(pairs)})


def _client() -> Any:
    return ReportItem._get_connection().connection.client
