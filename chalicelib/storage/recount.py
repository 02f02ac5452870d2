"""Puts orders stored before the counters existed into them (domain/order_counters.py), once each: an
order's contribution is added in one transaction with setting its `counted` mark, conditional on its
revision and on the mark's absence, so a run can stop anywhere and start again, and live order writes
meanwhile are safe (they mark the order themselves, and take back nothing of an uncounted one).
`python -m chalicelib.storage.recount` against a stage's tables after deploying the counters table; the
local runtime runs it when it restores a state saved before that table."""
from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from chalicelib import names
from chalicelib.domain.order_counters import by_scope, contribution
from chalicelib.storage import order_counters
from chalicelib.storage.models import OrderItem
from chalicelib.storage.orders import from_item
from chalicelib.storage.shops import shop_ids

log = logging.getLogger("oms.storage.recount")


def recount_orders() -> int:
    """How many orders were added to the counters."""
    counted = 0
    for shop_id in shop_ids():
        keys = [item.order_id for item in OrderItem.by_shop_updated.query(shop_id, attributes_to_get=["order_id"])]
        for start in range(0, len(keys), 100):
            for item in OrderItem.batch_get(keys[start:start + 100]):
                if not item.counted:
                    counted += _count(item)
    if counted:
        log.info("orders added to the counters", extra={"count": counted})
    return counted


def _count(item: OrderItem) -> int:
    mark = {"TableName": names.table_name("orders"), "Key": {"order_id": {"S": item.order_id}},
            "UpdateExpression": "SET #c = :one",
            "ConditionExpression": "#rev = :rev AND attribute_not_exists(#c)",
            "ExpressionAttributeNames": {"#c": "counted", "#rev": "revision"},
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":rev": {"N": str(item.revision)}}}
    changes = by_scope(contribution(from_item(item)))
    try:
        order_counters.transact([{"Update": mark}], changes)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
            return 0                  # changed meanwhile: that write counted it
        raise
    return 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"{recount_orders()} orders added to the counters")
