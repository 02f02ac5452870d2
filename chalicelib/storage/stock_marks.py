"""Beside the stock ledger's balances: the platform-push marks on them and the discrepancies found by
deductions, and the balance item keys both need."""
from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Discrepancy
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import StockItem

BALANCE = "BALANCE"
SHARDS = 4
DISCREPANCIES = "~DISCREPANCY"     # one partition for every discrepancy (few, and listed together)
DISC = "DISC#"


def balance_sk(warehouse_id: str) -> str:
    return BALANCE if warehouse_id == DEFAULT_WAREHOUSE else f"{BALANCE}#{warehouse_id}"


def warehouse_of(sk: str) -> str:
    return sk.removeprefix(BALANCE + "#") if sk.startswith(BALANCE + "#") else DEFAULT_WAREHOUSE


def shard_of(sku_code: str) -> str:
    return f"DUE#{zlib.crc32(sku_code.encode()) % SHARDS}"


def due_actions(code: str, due: str) -> list[Any]:
    return [StockItem.sync_shard.set(shard_of(code)), StockItem.sync_due.set(StockItem.sync_due | due)]


def discrepancy_item(d: Discrepancy) -> StockItem:
    revision = d.revision or 1
    return StockItem(DISCREPANCIES, DISC + d.discrepancy_id, ledger_sku=DISCREPANCIES, revision=revision,
                     ledger_at=f"{sortable(d.at)}#{d.discrepancy_id}", doc=to_doc(replace(d, revision=revision)))


class PushMarks:
    """A mark is per balance (per warehouse); the marker names the balance so the sweep clears that one."""

    def due_for_push(self, now: datetime) -> list[tuple[str, str]]:
        due = []
        for shard in range(SHARDS):
            for item in StockItem.by_sync_due.query(f"DUE#{shard}", StockItem.sync_due <= sortable(now)):
                warehouse = warehouse_of(item.sk)
                suffix = "" if warehouse == DEFAULT_WAREHOUSE else f"@{warehouse}"
                due.append((item.sku_code, f"{item.sync_due}{suffix}"))
        return due

    def clear_due(self, sku_code: str, due: str) -> None:
        """Only the marker that was seen: a change after the sweep read it keeps its own."""
        at, _, warehouse = due.partition("@")
        try:
            StockItem(sku_code, balance_sk(warehouse or DEFAULT_WAREHOUSE)).update(
                actions=[StockItem.sync_shard.remove(), StockItem.sync_due.remove()],
                condition=StockItem.sync_due == at)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def mark_due(self, sku_code: str, now: datetime) -> None:
        StockItem(sku_code, BALANCE).update(actions=due_actions(sku_code, sortable(now)))


class DiscrepancyStore:
    def discrepancies(self, open_only: bool, limit: int = 50, cursor: str | None = None) -> Page[Discrepancy]:
        """One partition, newest first, through the ledger index; open_only drops the resolved ones of the
        page (the document is one JSON attribute, so no filter expression can see inside it)."""
        results = StockItem.by_ledger.query(DISCREPANCIES, scan_index_forward=False, limit=limit,
                                            last_evaluated_key=paging.decode(cursor))
        items = [from_doc(Discrepancy, i.doc) for i in results]
        return Page([d for d in items if not (open_only and d.resolved)], paging.encode(results.last_evaluated_key))

    def get_discrepancy(self, discrepancy_id: str) -> Discrepancy | None:
        try:
            return from_doc(Discrepancy, StockItem.get(DISCREPANCIES, DISC + discrepancy_id, consistent_read=True).doc)
        except StockItem.DoesNotExist:
            return None

    def save_discrepancy(self, discrepancy: Discrepancy, expected_revision: int) -> None:
        item = discrepancy_item(replace(discrepancy, revision=expected_revision + 1))
        conditional.put(item, StockItem.revision == expected_revision,
                        f"stock discrepancy {discrepancy.discrepancy_id}")
