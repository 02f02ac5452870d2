"""The ports of the report aggregates (domain/report_aggregates.py): where they and each order's folded
contribution are kept, and the one writer's state (services/report_fold.py says why there is one)."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.report_aggregates import AggKey

Figures = dict[str, int]


class FoldExists(ConflictError):
    """A fold written as an order's first was there already: the note said new, yet an earlier batch had
    folded the order (a note delivered again, or after a later one)."""


@dataclass(frozen=True)
class Fold:
    """What an order adds to the aggregates now (`contribution`), what it added before the batch `seq`
    folded it (`previous`): a batch cut short is finished from these alone."""
    order_id: str
    seq: int
    contribution: dict[AggKey, Figures]
    previous: dict[AggKey, Figures] = field(default_factory=dict)


@dataclass(frozen=True)
class WriterState:
    seq: int = 0                       # the last batch begun
    open: bool = False                 # begun and not finished
    folded: tuple[str, ...] = ()       # the orders that batch re-folded
    owner: str = ""
    until: datetime | None = None      # the lease: nobody else writes before this


@dataclass(frozen=True)
class Aggregate:
    values: Figures
    name: str = ""


class ReportStore(Protocol):
    def writer(self) -> WriterState: ...

    def begin(self, state: WriterState, expected_seq: int) -> None:
        """Store `state` if the last batch begun is still `expected_seq` (ConflictError otherwise)."""

    def finish(self, seq: int) -> None: ...

    def folds(self, order_ids: Collection[str]) -> dict[str, Fold]: ...

    def put_folds(self, folds: Collection[Fold], first: Collection[str] = ()) -> None:
        """Each fold unless a newer batch wrote the order's (ConflictError); the orders in `first` only if
        they have none yet (FoldExists: their folds were not read)."""

    def add(self, seq: int, changes: Mapping[AggKey, Mapping[str, int]], names: Mapping[AggKey, str]) -> None:
        """ADD each aggregate's changes once per batch `seq` (an aggregate already at `seq` is left alone)."""

    def put(self, seq: int, key: AggKey, values: Mapping[str, int], name: str = "") -> None:
        """Overwrite one aggregate (a rebuild)."""

    def delete(self, key: AggKey) -> None: ...

    def get(self, keys: Collection[AggKey]) -> dict[AggKey, Aggregate]: ...

    def members(self, partition: str, upto: str | None = None) -> dict[str, Aggregate]:
        """Every aggregate of a partition (a day's shops, SKUs...), members up to `upto` when given."""
