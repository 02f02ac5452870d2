"""In-memory goods library stores (services/goods_ports.py), passing the same contract suite as
storage/goods.py and storage/records.py. SKUs live in the ERP SKU fake: one identity, as in DynamoDB."""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.goods import Goods, spec_pairs
from chalicelib.services.ports import Page
from tests.fakes import InMemoryErpSkuRepository, _page


class InMemoryGoodsRepository:
    def __init__(self, erp: InMemoryErpSkuRepository | None = None) -> None:
        self.erp = erp or InMemoryErpSkuRepository()
        self.goods: dict[str, Goods] = {}
        self.barcodes: dict[str, str] = {}
        self.spec_index: dict[tuple[str, str], list[str]] = {}     # (attribute, value) -> goods ids

    def create(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        taken = sorted(s.sku_code for s in skus if s.sku_code in self.erp.rows)
        if taken:
            raise ConflictError(f"SKU codes already in use: {', '.join(taken[:20])}", reason="goods.code_taken")
        held = sorted(s.barcode for s in skus if s.barcode in self.barcodes)
        if held:
            raise ConflictError(f"barcodes already in use: {', '.join(held[:20])}", reason="goods.barcode_taken")
        if goods.goods_id in self.goods:
            raise ConflictError(f"goods {goods.goods_id} exists", reason="goods.exists")
        for sku in skus:
            self.erp.rows[sku.sku_code] = replace(sku, revision=1)
            if sku.barcode:
                self.barcodes[sku.barcode] = sku.sku_code
        self.goods[goods.goods_id] = replace(goods, revision=1)
        for pair in spec_pairs(goods, skus):
            self.spec_index.setdefault(pair, []).append(goods.goods_id)

    def by_spec(self, attribute: str, value: str, limit: int = 50) -> list[Goods]:
        ids = [g for (name, v), found in sorted(self.spec_index.items())
               if v == value and attribute in ("", name) for g in found]
        return [self.goods[g] for g in dict.fromkeys(ids) if g in self.goods][:limit]

    def get(self, goods_id: str) -> Goods | None:
        return copy.deepcopy(self.goods.get(goods_id))

    def get_many(self, goods_ids: Sequence[str]) -> dict[str, Goods]:
        return {g: self.goods[g] for g in goods_ids if g in self.goods}

    def skus_of(self, goods_id: str) -> list[ErpSku]:
        return [s for c, s in sorted(self.erp.rows.items()) if s.goods_id == goods_id]

    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = "") -> Page[Goods]:
        rows = sorted((g for g in self.goods.values() if g.name.startswith(prefix)),
                      key=lambda g: f"{g.name}#{g.goods_id}".encode())
        return _page(rows, limit, cursor)

    def by_code(self, prefix: str, limit: int = 50) -> list[Goods]:
        rows = sorted((g for g in self.goods.values() if g.code.startswith(prefix)),
                      key=lambda g: f"{g.code}#{g.goods_id}".encode())
        return rows[:limit]

    def save(self, goods: Goods, expected_revision: int) -> None:
        current = self.goods.get(goods.goods_id)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"goods {goods.goods_id} changed meanwhile")
        self.goods[goods.goods_id] = replace(goods, revision=expected_revision + 1)

    def holder_of(self, barcode: str) -> str | None:
        return self.barcodes.get(barcode)

    def replace_sku(self, current: ErpSku, new: ErpSku) -> None:
        stored = self.erp.rows.get(current.sku_code)
        if stored is None or stored.revision != current.revision:
            raise ConflictError(f"SKU {current.sku_code} changed meanwhile", reason="goods.changed")
        if new.barcode != current.barcode and new.barcode in self.barcodes:
            raise ConflictError(f"barcode {new.barcode} is already in use", reason="goods.barcode_taken")
        self.barcodes.pop(current.barcode, None)
        if new.barcode:
            self.barcodes[new.barcode] = new.sku_code
        self.erp.rows[new.sku_code] = replace(new, revision=current.revision + 1)

    def delete_sku(self, goods: Goods, sku: ErpSku) -> None:
        stored, owner = self.erp.rows.get(sku.sku_code), self.goods.get(goods.goods_id)
        if stored is None or stored.revision != sku.revision or owner is None or owner.revision != goods.revision:
            raise ConflictError(f"SKU {sku.sku_code} changed meanwhile", reason="goods.changed")
        del self.erp.rows[sku.sku_code]
        self.barcodes.pop(sku.barcode, None)
        self.goods[goods.goods_id] = replace(goods, sku_count=max(0, goods.sku_count - 1), revision=goods.revision + 1)

    def remove(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        for sku in skus:
            if self.erp.rows.get(sku.sku_code) is not None and self.erp.rows[sku.sku_code].revision == 1:
                del self.erp.rows[sku.sku_code]
            if self.barcodes.get(sku.barcode) == sku.sku_code:
                del self.barcodes[sku.barcode]
        if goods.goods_id in self.goods and self.goods[goods.goods_id].revision == 1:
            del self.goods[goods.goods_id]
        for found in self.spec_index.values():
            if goods.goods_id in found:
                found.remove(goods.goods_id)

    def adopt(self, sku: ErpSku, goods: Goods) -> str:
        if sku.goods_id:
            return "already"
        stored = self.erp.rows.get(sku.sku_code)
        if stored is None or stored.revision != sku.revision or goods.goods_id in self.goods:
            raise ConflictError(f"SKU {sku.sku_code} changed meanwhile", reason="goods.changed")
        self.erp.rows[sku.sku_code] = replace(sku, goods_id=goods.goods_id, revision=sku.revision + 1)
        self.goods[goods.goods_id] = replace(goods, revision=1)
        if sku.barcode and self.barcodes.get(sku.barcode, sku.sku_code) != sku.sku_code:
            return "barcode_taken"
        if sku.barcode:
            self.barcodes[sku.barcode] = sku.sku_code
        return "adopted"

    def adopt_many(self, pairs: Sequence[tuple[ErpSku, Goods]]) -> dict[str, int]:
        counts = {"adopted": 0, "already": 0, "barcode_taken": 0, "changed": 0}
        for sku, goods in pairs:
            try:
                counts[self.adopt(sku, goods)] += 1
            except ConflictError:
                counts["changed"] += 1
        return counts


class InMemoryRecordRepository:
    def __init__(self, id_of: Callable[[Any], str]) -> None:
        self.id_of = id_of
        self.rows: dict[str, Any] = {}

    def get(self, record_id: str) -> Any:
        return self.rows.get(record_id)

    def get_many(self, record_ids: Sequence[str]) -> dict[str, Any]:
        return {r: self.rows[r] for r in record_ids if r in self.rows}

    def add(self, record: Any) -> None:
        if self.id_of(record) in self.rows:
            raise ConflictError(f"{self.id_of(record)} exists")
        self.rows[self.id_of(record)] = replace(record, revision=1)

    def save(self, record: Any, expected_revision: int) -> None:
        current = self.rows.get(self.id_of(record))
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"{self.id_of(record)} changed meanwhile")
        self.rows[self.id_of(record)] = replace(record, revision=expected_revision + 1)

    def list(self, limit: int = 50, cursor: str | None = None) -> Page[Any]:
        rows = sorted(self.rows.values(), key=lambda r: f"{r.name}#{self.id_of(r)}".encode())
        return _page(rows, limit, cursor)
