"""Categories, brands and suppliers in the goods table: "<KIND>#<id>" items listed by name (by_kind)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from chalicelib.codec import from_doc, to_doc
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.goods_models import GoodsItem

R = TypeVar("R")


class DynamoRecordRepository(Generic[R]):
    def __init__(self, kind: str, cls: type[R], id_of: Callable[[R], str]) -> None:
        self.kind, self.cls, self.id_of = kind, cls, id_of

    def _item(self, record: R, revision: int) -> GoodsItem:
        record_id = self.id_of(record)
        return GoodsItem(f"{self.kind}#{record_id}", kind=self.kind, sort_key=f"{record.name}#{record_id}",  # type: ignore[attr-defined]
                         revision=revision, doc=to_doc(record) | {"revision": revision})

    def _record(self, item: GoodsItem) -> R:
        return from_doc(self.cls, item.doc)

    def get(self, record_id: str) -> R | None:
        try:
            return self._record(GoodsItem.get(f"{self.kind}#{record_id}", consistent_read=True))
        except GoodsItem.DoesNotExist:
            return None

    def get_many(self, record_ids: Sequence[str]) -> dict[str, R]:
        keys = sorted({f"{self.kind}#{r}" for r in record_ids})
        found = [self._record(i) for i in GoodsItem.batch_get(keys)] if keys else []
        return {self.id_of(r): r for r in found}

    def add(self, record: R) -> None:
        conditional.put(self._item(record, 1), GoodsItem.goods_key.does_not_exist(),
                        f"{self.kind} {self.id_of(record)}")

    def save(self, record: R, expected_revision: int) -> None:
        conditional.put(self._item(record, expected_revision + 1), GoodsItem.revision == expected_revision,
                        f"{self.kind} {self.id_of(record)}")

    def list(self, limit: int = 50, cursor: str | None = None) -> Page[R]:
        results = GoodsItem.by_kind.query(self.kind, limit=limit, last_evaluated_key=paging.decode(cursor))
        items: list[Any] = [self._record(i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))
