"""The goods library in DynamoDB: goods records and barcode uniqueness items in the goods table, their
SKUs in the ERP SKU table (one identity: a library SKU is the ERP SKU). Every write is conditional: a SKU
code is unique because its item is put only if absent, a barcode because its BARCODE# item is."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from typing import Any

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.goods import Goods, spec_pairs
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import ErpSkuItem
from chalicelib.storage.erp_skus import to_item as sku_item
from chalicelib.storage.goods_models import GoodsItem

TRANSACTION = 100       # DynamoDB's limit of items per TransactWriteItems
ADOPT_CHUNK = 33        # an adoption writes 3 items (the SKU, its goods, its barcode): 99 per transaction
SPEC_VALUE_MAX = 100    # longer spec values (a whole platform SKU name) are not searchable by value
Write = tuple[str, Any, Any]   # ("put" | "delete" | "update", item, condition)


def goods_item(goods: Goods, revision: int) -> GoodsItem:
    return GoodsItem(f"GOODS#{goods.goods_id}", kind="GOODS", sort_key=f"{goods.name}#{goods.goods_id}",
                     code_kind="GOODS", code=f"{goods.code}#{goods.goods_id}", revision=revision,
                     doc=to_doc(goods) | {"revision": revision})


def barcode_item(barcode: str, sku_code: str) -> GoodsItem:
    return GoodsItem(f"BARCODE#{barcode}", holder=sku_code)


def spec_items(goods: Goods, skus: Sequence[ErpSku]) -> list[GoodsItem]:
    """One index item per spec value the goods' SKUs carry, found by the by_code index under SPEC#<value>
    (its range key starts with the attribute): a search by spec value is one Query, never a Scan."""
    return [GoodsItem(f"SPEC#{goods.goods_id}#{name}={value}", code_kind=f"SPEC#{value}",
                      code=f"{name}#{goods.goods_id}", holder=goods.goods_id)
            for name, value in spec_pairs(goods, skus) if len(value) <= SPEC_VALUE_MAX]


def _goods(item: GoodsItem) -> Goods:
    return from_doc(Goods, item.doc)


def _sku(item: ErpSkuItem) -> ErpSku:
    return from_doc(ErpSku, item.doc)


class DynamoGoodsRepository:
    def create(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        self._refuse_taken(skus)
        writes: list[Write] = [("put", sku_item(s, 1), ErpSkuItem.sku_code.does_not_exist()) for s in skus]
        writes += [("put", barcode_item(s.barcode, s.sku_code), GoodsItem.goods_key.does_not_exist())
                   for s in skus if s.barcode]
        writes += [("put", item, None) for item in spec_items(goods, skus)]
        writes.append(("put", goods_item(goods, 1), GoodsItem.goods_key.does_not_exist()))  # last: seen when whole
        done = 0
        try:
            for start in range(0, len(writes), TRANSACTION):
                _transact(writes[start:start + TRANSACTION])
                done = start + TRANSACTION
        except ConflictError:
            _undo(writes[:done])
            self._refuse_taken(skus)      # names what a concurrent writer took
            raise ConflictError(f"goods {goods.code} or one of its SKUs was created meanwhile",
                                reason="goods.exists") from None
        except Exception:
            _undo(writes[:done])          # nothing stored half-way, whatever stopped it
            raise

    def _refuse_taken(self, skus: Sequence[ErpSku]) -> None:
        codes = sorted({s.sku_code for s in skus})
        taken = sorted(i.sku_code for i in ErpSkuItem.batch_get(codes, attributes_to_get=["sku_code"]))
        if taken:
            raise ConflictError(f"SKU codes already in use: {', '.join(taken[:20])}", reason="goods.code_taken")
        keys = sorted({f"BARCODE#{s.barcode}" for s in skus if s.barcode})
        held = sorted(i.goods_key.removeprefix("BARCODE#") for i in GoodsItem.batch_get(keys))
        if held:
            raise ConflictError(f"barcodes already in use: {', '.join(held[:20])}", reason="goods.barcode_taken")

    def get(self, goods_id: str) -> Goods | None:
        try:
            return _goods(GoodsItem.get(f"GOODS#{goods_id}", consistent_read=True))
        except GoodsItem.DoesNotExist:
            return None

    def get_many(self, goods_ids: Sequence[str]) -> dict[str, Goods]:
        keys = sorted({f"GOODS#{g}" for g in goods_ids})
        return {g.goods_id: g for g in (_goods(i) for i in GoodsItem.batch_get(keys))} if keys else {}

    def skus_of(self, goods_id: str) -> list[ErpSku]:
        return [_sku(i) for i in ErpSkuItem.by_goods.query(goods_id)]

    def by_code(self, prefix: str, limit: int = 50) -> list[Goods]:
        return [_goods(i) for i in GoodsItem.by_code.query("GOODS", GoodsItem.code.startswith(prefix), limit=limit)]

    def by_spec(self, attribute: str, value: str, limit: int = 50) -> list[Goods]:
        condition = GoodsItem.code.startswith(f"{attribute}#") if attribute else None
        found = GoodsItem.by_code.query(f"SPEC#{value}", condition, limit=limit)
        ids = list(dict.fromkeys(i.holder for i in found if i.holder))
        by_id = self.get_many(ids)
        return [by_id[g] for g in ids if g in by_id]

    def save(self, goods: Goods, expected_revision: int) -> None:
        conditional.put(goods_item(goods, expected_revision + 1), GoodsItem.revision == expected_revision,
                        f"goods {goods.goods_id}")

    def holder_of(self, barcode: str) -> str | None:
        try:
            return GoodsItem.get(f"BARCODE#{barcode}", consistent_read=True).holder
        except GoodsItem.DoesNotExist:
            return None

    def replace_sku(self, current: ErpSku, new: ErpSku) -> None:
        writes: list[Write] = [("put", sku_item(new, current.revision + 1), ErpSkuItem.revision == current.revision)]
        if new.barcode != current.barcode:
            if new.barcode and self.holder_of(new.barcode) not in (None, new.sku_code):
                raise ConflictError(f"barcode {new.barcode} is already in use", reason="goods.barcode_taken")
            if new.barcode:
                writes.append(("put", barcode_item(new.barcode, new.sku_code), GoodsItem.goods_key.does_not_exist()))
            if current.barcode:
                writes.append(("delete", barcode_item(current.barcode, current.sku_code),
                               GoodsItem.holder == current.sku_code))
        _transact(writes)

    def delete_sku(self, goods: Goods, sku: ErpSku) -> None:
        fewer = goods_item(_one_fewer(goods), goods.revision + 1)
        writes: list[Write] = [("delete", sku_item(sku, sku.revision), ErpSkuItem.revision == sku.revision),
                               ("put", fewer, GoodsItem.revision == goods.revision)]
        if sku.barcode:
            writes.append(("delete", barcode_item(sku.barcode, sku.sku_code), GoodsItem.holder == sku.sku_code))
        _transact(writes)

    def remove(self, goods: Goods, skus: Sequence[ErpSku]) -> None:
        writes: list[Write] = [("put", sku_item(s, 1), None) for s in skus]
        writes += [("put", barcode_item(s.barcode, s.sku_code), None) for s in skus if s.barcode]
        writes += [("put", item, None) for item in spec_items(goods, skus)]
        _undo([*writes, ("put", goods_item(goods, 1), None)])

    def adopt(self, sku: ErpSku, goods: Goods) -> str:
        if sku.goods_id:
            return "already"
        adopted = replace(sku, goods_id=goods.goods_id)
        writes: list[Write] = [("put", sku_item(adopted, sku.revision + 1), ErpSkuItem.revision == sku.revision),
                               ("put", goods_item(goods, 1), GoodsItem.goods_key.does_not_exist())]
        claim = bool(sku.barcode) and self.holder_of(sku.barcode) in (None, sku.sku_code)
        if claim:
            writes.append(("put", barcode_item(sku.barcode, sku.sku_code), GoodsItem.goods_key.does_not_exist()))
        _transact(writes)
        return "adopted" if claim or not sku.barcode else "barcode_taken"

    def adopt_many(self, pairs: Sequence[tuple[ErpSku, Goods]]) -> dict[str, int]:
        """adopt() for many, ADOPT_CHUNK per transaction (a CSV import of thousands stays a few dozen
        requests); a chunk refused (one SKU changed meanwhile) goes one by one."""
        counts = {"adopted": 0, "already": 0, "barcode_taken": 0, "changed": 0}
        loose = [(s, g) for s, g in pairs if not s.goods_id]
        counts["already"] = len(pairs) - len(loose)
        for start in range(0, len(loose), ADOPT_CHUNK):
            chunk = loose[start:start + ADOPT_CHUNK]
            writes, outcomes = self._adoption(chunk)
            try:
                _transact(writes)
            except ConflictError:
                outcomes = [self._adopt_one(s, g) for s, g in chunk]
            for outcome in outcomes:
                counts[outcome] += 1
        return counts

    def _adoption(self, chunk: Sequence[tuple[ErpSku, Goods]]) -> tuple[list[Write], list[str]]:
        keys = sorted({f"BARCODE#{s.barcode}" for s, _ in chunk if s.barcode})
        held = {i.goods_key.removeprefix("BARCODE#") for i in GoodsItem.batch_get(keys)} if keys else set()
        writes: list[Write] = []
        outcomes = []
        for sku, goods in chunk:
            adopted = replace(sku, goods_id=goods.goods_id)
            writes += [("put", sku_item(adopted, sku.revision + 1), ErpSkuItem.revision == sku.revision),
                       ("put", goods_item(goods, 1), GoodsItem.goods_key.does_not_exist())]
            if sku.barcode and sku.barcode not in held:
                held.add(sku.barcode)      # the first of the chunk in code order claims it
                writes.append(("put", barcode_item(sku.barcode, sku.sku_code), GoodsItem.goods_key.does_not_exist()))
                outcomes.append("adopted")
            else:
                outcomes.append("barcode_taken" if sku.barcode else "adopted")
        return writes, outcomes

    def _adopt_one(self, sku: ErpSku, goods: Goods) -> str:
        try:
            return self.adopt(sku, goods)
        except ConflictError:
            return "changed"

    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = "") -> Page[Goods]:
        condition = GoodsItem.sort_key.startswith(prefix) if prefix else None
        results = GoodsItem.by_kind.query("GOODS", condition, limit=limit, last_evaluated_key=paging.decode(cursor))
        items = [_goods(i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))

def _one_fewer(goods: Goods) -> Goods:
    return replace(goods, sku_count=max(0, goods.sku_count - 1))


def _transact(writes: Sequence[Write]) -> None:
    try:
        with TransactWrite(connection=GoodsItem._get_connection().connection) as tx:
            for op, item, condition in writes:
                if op == "put":
                    tx.save(item, condition=condition)
                else:
                    tx.delete(item, condition=condition)
    except TransactWriteError as exc:
        if any(r and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons):
            raise ConflictError("a record changed or was taken meanwhile", reason="goods.changed") from exc
        raise


def _undo(writes: Sequence[Write]) -> None:
    """What the committed transactions of a refused create put, deleted again (each only if it is still
    the one this create wrote: revision 1, or the barcode held by the SKU)."""
    for op, item, _ in writes:
        if op != "put":
            continue
        with suppress(DeleteError):
            if isinstance(item, ErpSkuItem):
                item.delete(condition=ErpSkuItem.revision == 1)
            elif item.holder:
                item.delete(condition=GoodsItem.holder == item.holder)
            else:
                item.delete(condition=GoodsItem.revision == 1)
