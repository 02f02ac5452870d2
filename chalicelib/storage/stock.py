"""The stock ledger in DynamoDB: one BALANCE item per ERP SKU and one MOVE#<key> item per movement.
A set of movements is one TransactWriteItems: the movement items may not exist yet (their keys make replays
no-ops), each touched balance gets one ADD (per SKU, summed), reservations are conditional on `available`,
so parallel Lambdas never oversell. Every change of `available` also marks the SKU due for a platform push
once per debounce window (if_not_exists keeps the first change's time)."""
from __future__ import annotations

import random
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.inventory import Discrepancy, Movement, MovementKind, Stock
from chalicelib.services.ports import Page
from chalicelib.services.stock_ports import Applied, PushRecord, StockSyncSettings
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import ShopSideItem, StockItem

BALANCE = "BALANCE"
SHARDS = 4
MAX_ITEMS = 100            # DynamoDB's limit of items in one transaction
CONFLICT_ATTEMPTS = 8
DEBOUNCE = timedelta(seconds=60)
SETTINGS = "STOCK_SYNC"
PUSH = "PUSH#"


DISCREPANCIES = "~DISCREPANCY"     # one partition for every discrepancy (few, and listed together)
DISC = "DISC#"


def discrepancy_item(d: Discrepancy) -> StockItem:
    revision = d.revision or 1
    return StockItem(DISCREPANCIES, DISC + d.discrepancy_id, ledger_sku=DISCREPANCIES, revision=revision,
                     ledger_at=f"{sortable(d.at)}#{d.discrepancy_id}", doc=to_doc(replace(d, revision=revision)))


def move_sk(key: str) -> str:
    return f"MOVE#{key}"


def shard_of(sku_code: str) -> str:
    return f"DUE#{zlib.crc32(sku_code.encode()) % SHARDS}"


def effect(m: Movement) -> tuple[int, int, int]:
    """(on hand, reserved, available) deltas of one movement (SET is not a delta: see set_on_hand)."""
    q = m.quantity
    return {MovementKind.RESERVE: (0, q, -q), MovementKind.RELEASE: (0, -q, q), MovementKind.DEDUCT: (-q, -q, 0),
            MovementKind.RETURN: (q, 0, q), MovementKind.ADJUST: (q, 0, q)}[m.kind]


def _stock(code: str, item: StockItem | None) -> Stock:
    if item is None:
        return Stock(code)
    return Stock(code, int(item.on_hand or 0), int(item.reserved or 0), int(item.revision or 0))


class DynamoStockLedger:
    def __init__(self, debounce: timedelta = DEBOUNCE, sleep: Any = time.sleep) -> None:
        self._debounce = debounce
        self._sleep = sleep

    # ------------------------------------------------------------ reads
    def balance(self, sku_code: str) -> Stock:
        try:
            return _stock(sku_code, StockItem.get(sku_code, BALANCE, consistent_read=True))
        except StockItem.DoesNotExist:
            return Stock(sku_code)

    def balances(self, sku_codes: Iterable[str]) -> dict[str, Stock]:
        codes = sorted(set(sku_codes))
        found = {i.sku_code: i for i in StockItem.batch_get([(c, BALANCE) for c in codes], consistent_read=True)}
        return {c: _stock(c, found.get(c)) for c in codes}

    def existing(self, refs: Iterable[tuple[str, str]]) -> set[str]:
        keys = sorted({(code, move_sk(key)) for code, key in refs})
        return {i.sk.removeprefix("MOVE#") for i in StockItem.batch_get(keys, consistent_read=True)}

    def movement(self, sku_code: str, idempotency_key: str) -> Movement | None:
        try:
            return from_doc(Movement, StockItem.get(sku_code, move_sk(idempotency_key), consistent_read=True).doc)
        except StockItem.DoesNotExist:
            return None

    def movements(self, sku_code: str, limit: int = 50, cursor: str | None = None) -> Page[Movement]:
        results = StockItem.by_ledger.query(sku_code, scan_index_forward=False, limit=limit,
                                            last_evaluated_key=paging.decode(cursor))
        items = [from_doc(Movement, i.doc) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))

    # ------------------------------------------------------------ writes
    def apply(self, movements: Sequence[Movement], *, guard_available: bool, guard_on_hand: bool = False,
              requires: Sequence[tuple[str, str]] = (), forbids: Sequence[tuple[str, str]] = (),
              discrepancy: Discrepancy | None = None) -> Applied:
        unique = list({m.idempotency_key: m for m in movements}.values())
        if not unique:
            return Applied.APPLIED
        deltas: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for m in unique:
            for i, d in enumerate(effect(m)):
                deltas[m.sku_code][i] += d
        checks = [(c, k, True) for c, k in dict.fromkeys(requires)] + [(c, k, False) for c, k in dict.fromkeys(forbids)]
        puts = [self._move_item(m) for m in unique] + ([discrepancy_item(discrepancy)] if discrepancy else [])
        if len(puts) + len(deltas) + len(checks) > MAX_ITEMS:
            raise ValidationError(f"too many stock movements for one transaction ({len(unique)})", field="lines")
        due = sortable(unique[0].at + self._debounce)
        guards = (guard_available, guard_on_hand)
        return self._transact(lambda tx: self._write(tx, puts, deltas, checks, guards, due),
                              # pynamodb sends condition checks, then puts, then updates, whatever the call order
                              ["check"] * len(checks) + ["move"] * len(puts) + ["balance"] * len(deltas))

    def _write(self, tx: TransactWrite, puts: list[StockItem], deltas: dict[str, list[int]],
               checks: list[tuple[str, str, bool]], guards: tuple[bool, bool], due: str) -> None:
        for item in puts:
            tx.save(item, condition=StockItem.sk.does_not_exist())
        for code, (on_hand, reserved, available) in deltas.items():
            actions: list[Any] = [StockItem.on_hand.add(on_hand), StockItem.reserved.add(reserved),
                                  StockItem.available.add(available), StockItem.revision.add(1)]
            if available:
                actions += self._due_actions(code, due)
            conditions = [c for c, wanted in ((StockItem.available >= -available, guards[0] and available < 0),
                                              (StockItem.on_hand >= -on_hand, guards[1] and on_hand < 0)) if wanted]
            condition = conditions[0] & conditions[1] if len(conditions) == 2 else (
                conditions[0] if conditions else None)
            tx.update(StockItem(code, BALANCE), actions=actions, condition=condition)
        for code, key, must_exist in checks:
            exists = StockItem.sk.exists() if must_exist else StockItem.sk.does_not_exist()
            tx.condition_check(StockItem, code, move_sk(key), condition=exists)

    def set_on_hand(self, movement: Movement) -> Applied:
        code = movement.sku_code
        for _ in range(CONFLICT_ATTEMPTS):
            if self.existing([(code, movement.idempotency_key)]):
                return Applied.REPLAYED
            try:
                current = StockItem.get(code, BALANCE, consistent_read=True)
            except StockItem.DoesNotExist:
                current = None
            before = _stock(code, current)
            due = sortable(movement.at + self._debounce)
            result = self._transact(lambda tx, b=before, it=current, d=due: self._write_set(tx, movement, b, it, d),
                                    ["move", "balance"])
            if result is not Applied.SHORT:     # SHORT here: the balance moved between read and write
                return result
        raise ConflictError(f"stock of {code} kept changing")

    def _write_set(self, tx: TransactWrite, m: Movement, before: Stock, current: StockItem | None, due: str) -> None:
        item = self._move_item(m)
        item.doc = {**(item.doc or {}), "previous_on_hand": before.on_hand}
        tx.save(item, condition=StockItem.sk.does_not_exist())
        actions: list[Any] = [StockItem.on_hand.set(m.quantity), StockItem.reserved.set(before.reserved),
                              StockItem.available.set(m.quantity - before.reserved), StockItem.revision.add(1),
                              *self._due_actions(m.sku_code, due)]
        unchanged: Condition
        if current is None:
            unchanged = StockItem.sk.does_not_exist()
        elif not current.revision:       # only a push mark so far (mark_due): no counters yet
            unchanged = StockItem.revision.does_not_exist()
        else:
            unchanged = StockItem.revision == int(current.revision)
        tx.update(StockItem(m.sku_code, BALANCE), actions=actions, condition=unchanged)

    def _transact(self, write: Any, roles: list[str]) -> Applied:
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                with TransactWrite(connection=StockItem._get_connection().connection) as tx:
                    write(tx)
                return Applied.APPLIED
            except TransactWriteError as exc:
                codes = [r.code if r else None for r in exc.cancellation_reasons]
                failed = {role for role, code in zip(roles, codes, strict=False) if code == "ConditionalCheckFailed"}
                if "move" in failed:
                    return Applied.REPLAYED
                if "balance" in failed:
                    return Applied.SHORT
                if "check" in failed:
                    return Applied.UNMET
                if "TransactionConflict" not in codes and exc.cause_response_code != "TransactionConflictException":
                    raise
                self._sleep(random.uniform(0, 0.02 * 2 ** attempt))   # another transaction held an item
        raise ConflictError("stock transaction kept conflicting")

    @staticmethod
    def _move_item(m: Movement) -> StockItem:
        return StockItem(m.sku_code, move_sk(m.idempotency_key), ledger_sku=m.sku_code,
                         ledger_at=f"{sortable(m.at)}#{m.idempotency_key}", doc=to_doc(m))

    @staticmethod
    def _due_actions(code: str, due: str) -> list[Any]:
        return [StockItem.sync_shard.set(shard_of(code)), StockItem.sync_due.set(StockItem.sync_due | due)]

    # ------------------------------------------------------------ discrepancies
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

    # ------------------------------------------------------------ platform push debounce
    def due_for_push(self, now: datetime) -> list[tuple[str, str]]:
        due = []
        for shard in range(SHARDS):
            for item in StockItem.by_sync_due.query(f"DUE#{shard}", StockItem.sync_due <= sortable(now)):
                due.append((item.sku_code, str(item.sync_due)))
        return due

    def clear_due(self, sku_code: str, due: str) -> None:
        """Only the marker that was seen: a change after the sweep read it keeps its own."""
        try:
            StockItem(sku_code, BALANCE).update(
                actions=[StockItem.sync_shard.remove(), StockItem.sync_due.remove()],
                condition=StockItem.sync_due == due)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def mark_due(self, sku_code: str, now: datetime) -> None:
        StockItem(sku_code, BALANCE).update(actions=self._due_actions(sku_code, sortable(now)))


class DynamoStockSyncRepository:
    """Per shop: sk "STOCK_SYNC" the formula settings, sk "PUSH#<platform sku id>" the last push."""

    def get_settings(self, shop_id: str) -> StockSyncSettings:
        try:
            item = ShopSideItem.get(shop_id, SETTINGS, consistent_read=True)
        except ShopSideItem.DoesNotExist:
            return StockSyncSettings()
        return replace(from_doc(StockSyncSettings, item.doc or {}), revision=int(item.revision or 0))

    def save_settings(self, shop_id: str, settings: StockSyncSettings, expected_revision: int) -> None:
        item = ShopSideItem(shop_id, SETTINGS, revision=expected_revision + 1, doc=to_doc(settings))
        condition = (ShopSideItem.sk.does_not_exist() if expected_revision == 0
                     else ShopSideItem.revision == expected_revision)
        conditional.put(item, condition, f"stock sync settings of shop {shop_id}")

    def last_push(self, shop_id: str, platform_sku_id: str) -> PushRecord | None:
        try:
            return from_doc(PushRecord, ShopSideItem.get(shop_id, PUSH + platform_sku_id, consistent_read=True).doc)
        except ShopSideItem.DoesNotExist:
            return None

    def record_push(self, record: PushRecord) -> None:
        ShopSideItem(record.shop_id, PUSH + record.platform_sku_id, doc=to_doc(record)).save()

    def pushes(self, shop_id: str, limit: int = 50, cursor: str | None = None) -> Page[PushRecord]:
        results = ShopSideItem.query(shop_id, ShopSideItem.sk.startswith(PUSH), limit=limit,
                                     last_evaluated_key=paging.decode(cursor))
        items = [from_doc(PushRecord, i.doc) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))
