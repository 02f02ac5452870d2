"""ERP SKUs stored before the goods library become one-SKU goods (storage/goods_upgrade.py), like the
by_list upgrade of orders (test_relist.py): the local runtime runs it when the by_goods index is new, a
deployed stack with `python -m infra.deploy upgrade-goods <stage>`."""
from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from chalicelib import names
from chalicelib.domain.catalog import ErpSku
from tests.aws import aws


@pytest.fixture
def tables() -> Iterator[None]:
    with aws(("erp_skus", "goods")):
        yield


def _store_as_before(sku: ErpSku) -> None:
    """The item exactly as the ERP SKU table held it before the library: no goods_id, the old doc."""
    from chalicelib.storage.erp_skus import to_item
    item = to_item(sku, 1).serialize()
    item.pop("goods_id", None)
    old_fields = ("sku_code", "name", "spec", "barcode", "price_fen", "revision")
    doc = json.loads(item["doc"]["S"])
    item["doc"] = {"S": json.dumps({k: v for k, v in doc.items() if k in old_fields}, ensure_ascii=False)}
    boto3.client("dynamodb").put_item(TableName=names.table_name("erp_skus"), Item=item)


def test_given_erp_skus_from_before_the_library_when_upgraded_then_each_is_the_sku_of_one_goods(tables) -> None:
    from chalicelib.storage.erp_skus import DynamoErpSkuRepository
    from chalicelib.storage.goods import DynamoGoodsRepository
    from chalicelib.storage.goods_upgrade import upgrade_goods
    _store_as_before(ErpSku("TS-RED-M", "T恤 红色 M", "红色/M", "6901", 1990))
    _store_as_before(ErpSku("TS-RED-L", "T恤 红色 L", barcode="6901"))      # a duplicate barcode of old
    _store_as_before(ErpSku("MUG", "杯子"))
    goods, erp = DynamoGoodsRepository(), DynamoErpSkuRepository()
    assert goods.list().items == []

    assert upgrade_goods() == {"adopted": 2, "already": 0, "barcode_taken": 1, "changed": 0, "spec_indexed": 0}
    assert upgrade_goods() == {"adopted": 0, "already": 0, "barcode_taken": 0, "changed": 0,
                               "spec_indexed": 0}   # nothing loose left

    assert sorted(g.name for g in goods.list().items) == ["T恤 红色 L", "T恤 红色 M", "杯子"]
    sku = erp.get("TS-RED-M")
    assert sku is not None and (sku.goods_id, sku.price_fen, sku.spec, sku.revision) == ("SKU.TS-RED-M", 1990,
                                                                                           "红色/M", 2)
    assert [s.sku_code for s in goods.skus_of("SKU.MUG")] == ["MUG"]
    assert goods.holder_of("6901") == "TS-RED-L"     # the first in code order keeps it
    assert [s.sku_code for s in erp.list().items] == ["MUG", "TS-RED-L", "TS-RED-M"]   # the ERP list unchanged


def test_given_goods_from_before_the_spec_search_when_upgraded_then_found_by_spec_value_once(tables) -> None:
    from chalicelib.domain.goods import Goods, SkuDraft, SpecAttribute, library_sku
    from chalicelib.storage.goods import DynamoGoodsRepository, spec_items
    from chalicelib.storage.goods_upgrade import index_specs
    repo = DynamoGoodsRepository()
    shirt = Goods("g1", "TS", "T恤", specs=(SpecAttribute("颜色", ("红", "蓝")),), sku_count=2)
    repo.create(shirt, [library_sku(shirt, SkuDraft((c,), f"TS-{c}")) for c in ("红", "蓝")])
    for item in spec_items(shirt, repo.skus_of("g1")):
        item.delete()                                   # as stored before the spec index existed
    assert repo.by_spec("颜色", "红") == []
    assert index_specs() == 1
    assert [g.goods_id for g in repo.by_spec("颜色", "红")] == ["g1"]
    assert index_specs() == 0                           # marked done: one key read from now on
