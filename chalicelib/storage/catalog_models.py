"""pynamodb models of the catalog and stock tables, and of the shop side items (leases, the WeChat token
slot, stock-sync settings and push records) that hang off a shop in the shops table.
Keys and indexes match infra/tables.py (tests/integration/test_catalog_models.py checks them)."""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.storage.models import index_meta, table_meta


class _Catalog(GlobalSecondaryIndex["ErpSkuItem"]):
    Meta = index_meta("by_catalog")
    catalog = UnicodeAttribute(hash_key=True)
    sku_code = UnicodeAttribute(range_key=True)


class _Goods(GlobalSecondaryIndex["ErpSkuItem"]):
    Meta = index_meta("by_goods")
    goods_id = UnicodeAttribute(hash_key=True)
    sku_code = UnicodeAttribute(range_key=True)


class ErpSkuItem(Model):
    Meta = table_meta("erp_skus")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    sku_code = UnicodeAttribute(hash_key=True)
    catalog = UnicodeAttribute(default="SKU")    # one partition of the GSI: the catalog in code order
    revision = NumberAttribute()
    doc = JSONAttribute()
    goods_id = UnicodeAttribute(null=True)       # a library SKU: its goods (absent until adopted)

    by_catalog = _Catalog()
    by_goods = _Goods()


class _Ledger(GlobalSecondaryIndex["StockItem"]):
    Meta = index_meta("by_ledger")
    ledger_sku = UnicodeAttribute(hash_key=True)
    ledger_at = UnicodeAttribute(range_key=True)


class _SyncDue(GlobalSecondaryIndex["StockItem"]):
    Meta = index_meta("by_sync_due")
    sync_shard = UnicodeAttribute(hash_key=True)
    sync_due = UnicodeAttribute(range_key=True)


class StockItem(Model):
    """sk "BALANCE" (the default warehouse) or "BALANCE#<warehouse>": the counters (available is kept as its
    own attribute because a condition expression cannot subtract); sk "MOVE#<idempotency key>": one ledger
    movement, its key the replay guard. Warehouses and stock documents live here too (storage/warehouses.py)."""
    Meta = table_meta("stock")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    sku_code = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    on_hand = NumberAttribute(null=True)
    reserved = NumberAttribute(null=True)
    available = NumberAttribute(null=True)
    in_transit = NumberAttribute(null=True)      # a transfer's units on their way to this warehouse
    revision = NumberAttribute(null=True)
    sync_shard = UnicodeAttribute(null=True)     # balance: set while a push to the platforms is due
    sync_due = UnicodeAttribute(null=True)
    ledger_sku = UnicodeAttribute(null=True)     # movement: the SKU again, for the time-ordered index
    ledger_at = UnicodeAttribute(null=True)      # "<sortable time>#<key>"
    doc = JSONAttribute(null=True)

    by_ledger = _Ledger()
    by_sync_due = _SyncDue()


class ShopSideItem(Model):
    """Items under a shop that are not the shop: sk "LEASE#<what>", "WECHAT_TOKEN", "STOCK_SYNC",
    "PUSH#<platform sku id>". They carry none of the shop indexes' keys, so no index lists them."""
    Meta = table_meta("shops")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    shop_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    revision = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)
