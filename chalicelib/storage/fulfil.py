"""The fulfilment rules (warehouse, carrier, gift) as immutable versions in the sync table, stored exactly as
the review rules are (storage/review.py) under their own key, and the gift rules' conditional counters.

A gift counted for an order is one transaction: the order's claim (put only if absent: a redelivery counts
nothing twice), the rule's total and the buyer's count (each only below its limit). Any refused condition
cancels all three. Giving a count back (the gift skipped for lack of stock, the order cancelled or fully
refunded) is the reverse transaction, conditional on the claim still being there: it deletes the claim and
takes one off both counts, so a redelivery gives nothing back twice."""
from __future__ import annotations

import hashlib

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.fulfil_plan import GiftPick
from chalicelib.storage.models import SyncItem
from chalicelib.storage.review import DynamoReviewStore

COUNTERS = "GIFTCOUNT"


class DynamoFulfilStore(DynamoReviewStore):
    pk, what, changed_reason = "FULFIL", "fulfilment rules", "fulfil.changed"


class DynamoGiftCounters:
    def claim(self, pick: GiftPick, order_id: str, buyer_key: str) -> bool:
        buyer = hashlib.sha256(buyer_key.encode()).hexdigest()[:24]
        claim = SyncItem(COUNTERS, f"CLAIM#{pick.rule_id}#{order_id}", revision=1, watermark=buyer)
        try:
            with TransactWrite(connection=SyncItem._get_connection().connection) as tx:
                tx.save(claim, condition=SyncItem.sk.does_not_exist())
                self._count(tx, f"TOTAL#{pick.rule_id}", pick.total_limit)
                self._count(tx, f"BUYER#{pick.rule_id}#{buyer}", pick.per_buyer_limit)
        except TransactWriteError as exc:
            reasons = [r.code if r else "" for r in exc.cancellation_reasons or []]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return True                               # the claim was there: counted before (a redelivery)
            if "ConditionalCheckFailed" in reasons:
                return False
            raise
        return True

    def give_back(self, rule_id: str, order_id: str) -> bool:
        try:
            claim = SyncItem.get(COUNTERS, f"CLAIM#{rule_id}#{order_id}", consistent_read=True)
        except SyncItem.DoesNotExist:
            return False                                  # never counted, or given back before
        try:
            with TransactWrite(connection=SyncItem._get_connection().connection) as tx:
                tx.delete(claim, condition=SyncItem.sk.exists())
                tx.update(SyncItem(COUNTERS, f"TOTAL#{rule_id}"), actions=[SyncItem.revision.add(-1)])
                if claim.watermark:                       # claims made before the buyer was kept: total only
                    tx.update(SyncItem(COUNTERS, f"BUYER#{rule_id}#{claim.watermark}"),
                              actions=[SyncItem.revision.add(-1)])
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" in [r.code if r else "" for r in exc.cancellation_reasons or []]:
                return False                              # a concurrent give-back won
            raise
        return True

    @staticmethod
    def _count(tx: TransactWrite, sk: str, limit: int) -> None:
        condition = None
        if limit:
            condition = SyncItem.revision.does_not_exist() | (SyncItem.revision < limit)
        tx.update(SyncItem(COUNTERS, sk), actions=[SyncItem.revision.add(1)], condition=condition)

    def count(self, rule_id: str) -> int:
        try:
            return int(SyncItem.get(COUNTERS, f"TOTAL#{rule_id}", consistent_read=True).revision or 0)
        except SyncItem.DoesNotExist:
            return 0
