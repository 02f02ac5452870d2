"""The catalog and stock pynamodb models agree with infra/tables.py (keys and indexes)."""
from __future__ import annotations

from infra.tables import TABLE_SPECS


def test_given_the_catalog_models_then_keys_and_indexes_match_the_infra_definition() -> None:
    from chalicelib.storage.catalog_models import ErpSkuItem, ShopSideItem, StockItem
    for model, key in ((ErpSkuItem, "erp_skus"), (StockItem, "stock"), (ShopSideItem, "shops")):
        hash_key, range_key, indexes, _ttl = TABLE_SPECS[key]
        assert (model._hash_keyname, model._range_keyname) == (hash_key, range_key)
        for name, index in model._indexes.items():
            schema = {k["KeyType"]: k["AttributeName"] for k in index._get_schema()["key_schema"]}
            assert (schema.get("HASH"), schema.get("RANGE")) == indexes[name], (key, name)
    assert set(StockItem._indexes) == set(TABLE_SPECS["stock"][2])


def test_given_shop_side_items_then_they_carry_no_key_of_a_shops_index() -> None:
    from chalicelib.storage.catalog_models import ShopSideItem
    index_keys = {k for ih_ir in TABLE_SPECS["shops"][2].values() for k in ih_ir if k}
    assert not index_keys & set(ShopSideItem.get_attributes()) - {"shop_id"}
