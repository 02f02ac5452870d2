"""An in-memory ReportStore (services/report_ports.py) with the DynamoDB adapter's behaviour: conditional
begin and folds, each aggregate taking a batch once, aggregates at zero everywhere marked to expire
(kept meanwhile). `fail_after`
cuts a batch short after that many writes (the chaos test's crash)."""
from __future__ import annotations

import copy
from collections.abc import Collection, Mapping

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.report_aggregates import AggKey
from chalicelib.services.report_ports import Aggregate, Fold, FoldExists, WriterState


class Crash(Exception):
    pass


class InMemoryReportStore:
    def __init__(self) -> None:
        self.state = WriterState()
        self.fold_records: dict[str, Fold] = {}
        self.items: dict[AggKey, dict[str, int]] = {}
        self.seqs: dict[AggKey, int] = {}
        self.labels: dict[AggKey, str] = {}
        self.writes = 0
        self.fail_after: int | None = None
        self.expiring: set[AggKey] = set()
        self.folds_read = 0              # the orders whose folds were asked for

    def _write(self) -> None:
        if self.fail_after is not None and self.writes >= self.fail_after:
            self.fail_after = None
            raise Crash("cut short")
        self.writes += 1

    def writer(self) -> WriterState:
        return self.state

    def begin(self, state: WriterState, expected_seq: int) -> None:
        if self.state.seq != expected_seq:
            raise ConflictError("another report batch began meanwhile")
        self._write()
        self.state = state

    def finish(self, seq: int) -> None:
        if self.state.seq != seq:
            raise ConflictError("the report writer moved on meanwhile")
        self._write()
        self.state = WriterState(seq=seq, owner=self.state.owner, until=self.state.until)

    def folds(self, order_ids: Collection[str]) -> dict[str, Fold]:
        self.folds_read += len(set(order_ids))
        return {oid: copy.deepcopy(self.fold_records[oid]) for oid in order_ids if oid in self.fold_records}

    def put_folds(self, folds: Collection[Fold], first: Collection[str] = ()) -> None:
        for fold in folds:
            stored = self.fold_records.get(fold.order_id)
            if stored is not None and fold.order_id in first:
                raise FoldExists(f"the fold of {fold.order_id} exists: not its first")
            if stored is not None and stored.seq >= fold.seq:
                raise ConflictError(f"the fold of {fold.order_id} is newer than batch {fold.seq}")
            self._write()
            self.fold_records[fold.order_id] = copy.deepcopy(fold)

    def add(self, seq: int, changes: Mapping[AggKey, Mapping[str, int]], names: Mapping[AggKey, str]) -> None:
        for key, figures in sorted(changes.items()):
            if self.seqs.get(key, -1) >= seq:
                continue
            self._write()
            item = self.items.setdefault(key, {})
            for name, n in figures.items():
                item[name] = item.get(name, 0) + n
            self.seqs[key] = seq
            if names.get(key):
                self.labels.setdefault(key, names[key])
            if not any(item.values()):
                self.expiring.add(key)         # expires later, as in DynamoDB: its batch mark stays meanwhile
            else:
                self.expiring.discard(key)

    def put(self, seq: int, key: AggKey, values: Mapping[str, int], name: str = "") -> None:
        self._write()
        self.items[key] = {k: n for k, n in values.items() if n}
        self.seqs[key] = seq
        if name:
            self.labels[key] = name

    def delete(self, key: AggKey) -> None:
        self._write()
        self.items.pop(key, None)
        self.seqs.pop(key, None)
        self.labels.pop(key, None)

    def get(self, keys: Collection[AggKey]) -> dict[AggKey, Aggregate]:
        return {k: Aggregate(dict(self.items[k]), self.labels.get(k, "")) for k in keys if k in self.items}

    def members(self, partition: str, upto: str | None = None) -> dict[str, Aggregate]:
        return {m: Aggregate(dict(v), self.labels.get((p, m), "")) for (p, m), v in self.items.items()
                if p == partition and (upto is None or m <= upto)}


def _conforms() -> None:
    """For the type checker (`mypy tests/report_fakes.py`): the fake stands for the port."""
    from chalicelib.services.report_ports import ReportStore
    store: ReportStore = InMemoryReportStore()
    del store
