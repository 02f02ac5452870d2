"""The stock ledger in DynamoDB: per ERP SKU (the partition) one balance item per warehouse and one
MOVE#<key> item per movement. The default warehouse's balance keeps the key it had before warehouses
("BALANCE"), so the stock kept then is that warehouse's without moving it; another warehouse's is
"BALANCE#<warehouse>". A set of movements is one TransactWriteItems: the movement items may not exist yet
(their keys make replays no-ops), each touched balance gets one ADD (summed), decreases are conditional on
`available` / `on hand` when guarded, so parallel Lambdas never oversell. Every change of `available` marks
the balance due for a platform push once per debounce window (if_not_exists keeps the first change's time).
Balances carry ledger_sku "~WH#<warehouse>" so the ledger index lists a warehouse's stock by SKU."""
from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Discrepancy, Movement, Stock, effect
from chalicelib.services.ports import Page
from chalicelib.services.stock_ports import Applied
from chalicelib.storage import paging
from chalicelib.storage.catalog_models import StockItem
from chalicelib.storage.stock_marks import (
    BALANCE,
    DiscrepancyStore,
    PushMarks,
    balance_sk,
    discrepancy_item,
    due_actions,
    warehouse_of,
)

MAX_ITEMS = 100            # DynamoDB's limit of items in one transaction
CONFLICT_ATTEMPTS = 8
DEBOUNCE = timedelta(seconds=60)
Place = tuple[str, str]    # (sku code, warehouse id)


def stock_partition(warehouse_id: str) -> str:
    return f"~WH#{warehouse_id}"


def move_sk(key: str) -> str:
    return f"MOVE#{key}"


def _stock(code: str, warehouse_id: str, item: StockItem | None) -> Stock:
    if item is None:
        return Stock(code, warehouse_id=warehouse_id)
    return Stock(code, int(item.on_hand or 0), int(item.reserved or 0), int(item.revision or 0),
                 int(item.in_transit or 0), warehouse_id)


def _sum(code: str, parts: Iterable[Stock]) -> Stock:
    listed = list(parts)
    if len(listed) == 1:
        return listed[0]
    return Stock(code, sum(s.on_hand for s in listed), sum(s.reserved for s in listed),
                 sum(s.revision for s in listed), sum(s.in_transit for s in listed), "")


class DynamoStockLedger(PushMarks, DiscrepancyStore):
    def __init__(self, debounce: timedelta = DEBOUNCE, sleep: Any = time.sleep) -> None:
        self._debounce = debounce
        self._sleep = sleep

    # ------------------------------------------------------------ reads
    def balance(self, sku_code: str, warehouse_id: str = DEFAULT_WAREHOUSE) -> Stock:
        try:
            return _stock(sku_code, warehouse_id, StockItem.get(sku_code, balance_sk(warehouse_id),
                                                                consistent_read=True))
        except StockItem.DoesNotExist:
            return Stock(sku_code, warehouse_id=warehouse_id)

    def balances(self, sku_codes: Iterable[str], warehouses: Sequence[str] = (DEFAULT_WAREHOUSE,)) -> dict[str, Stock]:
        """Per SKU, summed over these warehouses."""
        codes, places = sorted(set(sku_codes)), sorted(set(warehouses))
        keys = [(c, balance_sk(w)) for c in codes for w in places]
        found: dict[Place, StockItem] = {}
        for start in range(0, len(keys), 100):
            for i in StockItem.batch_get(keys[start:start + 100], consistent_read=True):
                found[(i.sku_code, warehouse_of(i.sk))] = i
        return {c: _sum(c, (_stock(c, w, found.get((c, w))) for w in places)) for c in codes}

    def stock_of(self, sku_code: str) -> list[Stock]:
        """Every warehouse's balance of one SKU."""
        items = StockItem.query(sku_code, StockItem.sk.startswith(BALANCE), consistent_read=True)
        return [_stock(sku_code, warehouse_of(i.sk), i) for i in items if i.revision]

    def warehouse_stock(self, warehouse_id: str, limit: int = 50, cursor: str | None = None) -> Page[Stock]:
        results = StockItem.by_ledger.query(stock_partition(warehouse_id), limit=limit,
                                            last_evaluated_key=paging.decode(cursor))
        items = [_stock(i.sku_code, warehouse_id, i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))

    def existing(self, refs: Iterable[tuple[str, str]]) -> set[str]:
        keys = sorted({(code, move_sk(key)) for code, key in refs})
        found: set[str] = set()
        for start in range(0, len(keys), 100):
            found |= {i.sk.removeprefix("MOVE#") for i in StockItem.batch_get(keys[start:start + 100],
                                                                             consistent_read=True)}
        return found

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
              discrepancy: Discrepancy | None = None, expect: Mapping[Place, int] | None = None) -> Applied:
        """expect: (sku, warehouse) -> the balance revision read (a count's difference): else SHORT."""
        unique = list({m.idempotency_key: m for m in movements}.values())
        if not unique:
            return Applied.APPLIED
        deltas: dict[Place, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for m in unique:
            for i, d in enumerate(effect(m)):
                deltas[(m.sku_code, m.warehouse_id)][i] += d
        checks = [(c, k, True) for c, k in dict.fromkeys(requires)] + [(c, k, False) for c, k in dict.fromkeys(forbids)]
        puts = [self._move_item(m) for m in unique] + ([discrepancy_item(discrepancy)] if discrepancy else [])
        if len(puts) + len(deltas) + len(checks) > MAX_ITEMS:
            raise ValidationError(f"too many stock movements for one transaction ({len(unique)})", field="lines")
        due = sortable(unique[0].at + self._debounce)
        guards = (guard_available, guard_on_hand)
        return self._transact(lambda tx: self._write(tx, puts, deltas, checks, guards, due, expect or {}),
                              # pynamodb sends condition checks, then puts, then updates, whatever the call order
                              ["check"] * len(checks) + ["move"] * len(puts) + ["balance"] * len(deltas))

    def _write(self, tx: TransactWrite, puts: list[StockItem], deltas: dict[Place, list[int]],
               checks: list[tuple[str, str, bool]], guards: tuple[bool, bool], due: str,
               expect: Mapping[Place, int]) -> None:
        for item in puts:
            tx.save(item, condition=StockItem.sk.does_not_exist())
        for (code, warehouse), (on_hand, reserved, available, in_transit) in deltas.items():
            actions: list[Any] = [StockItem.on_hand.add(on_hand), StockItem.reserved.add(reserved),
                                  StockItem.available.add(available), StockItem.in_transit.add(in_transit),
                                  StockItem.revision.add(1), *self._listed(warehouse, code)]
            if available:
                actions += due_actions(code, due)
            conditions: list[Condition] = [c for c, wanted in (
                (StockItem.available >= -available, guards[0] and available < 0),
                (StockItem.on_hand >= -on_hand, guards[1] and on_hand < 0)) if wanted]
            if (code, warehouse) in expect:
                conditions.append(_unchanged(expect[(code, warehouse)]))
            condition = None
            for c in conditions:
                condition = c if condition is None else condition & c
            tx.update(StockItem(code, balance_sk(warehouse)), actions=actions, condition=condition)
        for code, key, must_exist in checks:
            exists = StockItem.sk.exists() if must_exist else StockItem.sk.does_not_exist()
            tx.condition_check(StockItem, code, move_sk(key), condition=exists)

    def set_on_hand(self, movement: Movement) -> Applied:
        code, warehouse = movement.sku_code, movement.warehouse_id
        for _ in range(CONFLICT_ATTEMPTS):
            if self.existing([(code, movement.idempotency_key)]):
                return Applied.REPLAYED
            before = self.balance(code, warehouse)
            due = sortable(movement.at + self._debounce)
            result = self._transact(lambda tx, b=before, d=due: self._write_set(tx, movement, b, d),
                                    ["move", "balance"])
            if result is not Applied.SHORT:     # SHORT here: the balance moved between read and write
                return result
        raise ConflictError(f"stock of {code} kept changing")

    def _write_set(self, tx: TransactWrite, m: Movement, before: Stock, due: str) -> None:
        item = self._move_item(m)
        item.doc = {**(item.doc or {}), "previous_on_hand": before.on_hand}
        tx.save(item, condition=StockItem.sk.does_not_exist())
        actions: list[Any] = [StockItem.on_hand.set(m.quantity), StockItem.reserved.set(before.reserved),
                              StockItem.available.set(m.quantity - before.reserved),
                              StockItem.in_transit.set(before.in_transit), StockItem.revision.add(1),
                              *self._listed(m.warehouse_id, m.sku_code), *due_actions(m.sku_code, due)]
        tx.update(StockItem(m.sku_code, balance_sk(m.warehouse_id)), actions=actions,
                  condition=_unchanged(before.revision))

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
    def _listed(warehouse_id: str, code: str) -> list[Any]:
        return [StockItem.ledger_sku.set(stock_partition(warehouse_id)), StockItem.ledger_at.set(code)]

    @staticmethod
    def _move_item(m: Movement) -> StockItem:
        return StockItem(m.sku_code, move_sk(m.idempotency_key), ledger_sku=m.sku_code,
                         ledger_at=f"{sortable(m.at)}#{m.idempotency_key}", doc=to_doc(m))


def _unchanged(revision: int) -> Condition:
    """No counters yet (absent, or only a push mark): revision 0."""
    return StockItem.revision.does_not_exist() if not revision else StockItem.revision == revision
