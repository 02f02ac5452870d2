"""The ports of the goods library (services/goods.py, services/taxonomy.py, services/suppliers.py).
storage/goods.py and storage/records.py implement them; tests/goods_fakes.py holds the fakes, and one
contract suite (tests/contract/test_goods_repositories.py) runs against both."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.goods import Goods
from chalicelib.services.ports import Page

R = TypeVar("R")


class GoodsStore(Protocol):
    def create(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        """The goods, its SKUs (ERP SKU records) and their barcodes' uniqueness items, all or nothing:
        ConflictError (reason goods.code_taken / goods.barcode_taken / goods.exists) naming what was taken."""
    def get(self, goods_id: str) -> Goods | None: ...
    def get_many(self, goods_ids: Sequence[str]) -> dict[str, Goods]: ...
    def skus_of(self, goods_id: str) -> list[ErpSku]: ...
    def by_code(self, prefix: str, limit: int = 50) -> list[Goods]: ...
    def by_spec(self, attribute: str, value: str, limit: int = 50) -> list[Goods]:
        """Goods one of whose SKUs carries the spec value (`attribute` "": under any attribute)."""
    def save(self, goods: Goods, expected_revision: int) -> None: ...
    def holder_of(self, barcode: str) -> str | None:
        """The SKU code holding a barcode."""
    def replace_sku(self, current: ErpSku, new: ErpSku) -> None:
        """new at current.revision + 1, moving the barcode's uniqueness item when it changed
        (ConflictError reason goods.barcode_taken, or a lost race)."""
    def delete_sku(self, goods: Goods, sku: ErpSku) -> None:
        """The SKU, its barcode item and one fewer in the goods' count, all or nothing."""
    def remove(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        """Undoes a create: the goods, its SKUs (each only if still at revision 1) and their barcodes."""
    def adopt(self, sku: ErpSku, goods: Goods) -> str:
        """A SKU from before the library becomes the only SKU of `goods`: "adopted", "already" (it has
        goods) or "barcode_taken" (adopted, its barcode left unclaimed: another SKU holds it)."""
    def adopt_many(self, pairs: Sequence[tuple[ErpSku, Goods]]) -> dict[str, int]:
        """adopt() for each (SKU, its goods), in few requests: how many "adopted", "already",
        "barcode_taken" and "changed" (edited or adopted meanwhile: left for the next run)."""
    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = "") -> Page[Goods]:
        """Goods in name order; `prefix`: names starting with it."""


class RecordStore(Protocol[R]):
    """Categories, brands, suppliers: records with an id, a name (their list order) and a revision."""
    def get(self, record_id: str) -> R | None: ...
    def get_many(self, record_ids: Sequence[str]) -> dict[str, R]: ...
    def add(self, record: R) -> None: ...
    def save(self, record: R, expected_revision: int) -> None: ...
    def list(self, limit: int = 50, cursor: str | None = None) -> Page[R]: ...


