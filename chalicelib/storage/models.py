"""pynamodb models, one per table of infra/tables.py (a test checks that keys and indexes agree).
Each item keeps the searchable fields as attributes and the whole record as a JSON `doc`."""
from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import Attribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.constants import BINARY
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib import names
from chalicelib.storage import compression
from chalicelib.storage.projections import ORDER_FILTERS


class CompressedJSONAttribute(Attribute[Any]):
    attr_type = BINARY

    def serialize(self, value: Any) -> bytes:
        return compression.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    def deserialize(self, value: bytes) -> Any:
        return json.loads(compression.decompress(value))


def table_meta(key: str) -> type:
    class Meta:
        table_name = names.table_name(key)
        billing_mode = "PAY_PER_REQUEST"
    return Meta


def index_meta(name: str, include: tuple[str, ...] | None = None) -> type:
    """`include`: the table's entry in storage/projections.py (None: the whole item)."""
    chosen = AllProjection() if include is None else IncludeProjection(list(include))

    class Meta:
        index_name = name
        projection = chosen
    return Meta



class _ShopUpdated(GlobalSecondaryIndex["OrderItem"]):
    Meta = index_meta("by_shop_updated", ORDER_FILTERS)
    shop_id = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class _List(GlobalSecondaryIndex["OrderItem"]):
    Meta = index_meta("by_list", ORDER_FILTERS)
    list_key = UnicodeAttribute(hash_key=True)
    list_at = UnicodeAttribute(range_key=True)


class _Print(GlobalSecondaryIndex["OrderItem"]):
    Meta = index_meta("by_print", ORDER_FILTERS)
    print_key = UnicodeAttribute(hash_key=True)
    list_at = UnicodeAttribute(range_key=True)


class _Supplier(GlobalSecondaryIndex["OrderItem"]):
    Meta = index_meta("by_supplier", ORDER_FILTERS)
    supplier_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OrderItem(Model):
    Meta = table_meta("orders")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    order_id = UnicodeAttribute(hash_key=True)
    shop_id = UnicodeAttribute()
    order_no = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    list_key = UnicodeAttribute()               # HELD | READY | the status (storage/order_lists.py)
    list_at = UnicodeAttribute()                # creation time + order id: unique, in time order
    held = UnicodeAttribute(null=True)          # "HELD" while any hold applies, absent otherwise
    holds = UnicodeAttribute(null=True)         # space-separated reasons, for filters
    tracking_no = UnicodeAttribute(null=True)
    platform = UnicodeAttribute(null=True)
    erp_handoff = UnicodeAttribute(null=True)
    search = UnicodeAttribute(null=True)        # masked receiver name and phone, order no.: for filters
    supplier_id = UnicodeAttribute(null=True)   # drop-shipped: the supplier (sparse index by_supplier)
    print_key = UnicodeAttribute(null=True)     # to_print | printed | absent (sparse index by_print)
    version = NumberAttribute()
    revision = NumberAttribute()
    # the whole order as compressed JSON (storage/compression.py): ~1.9 KB stores in ~0.5 KB, so the item
    # stays under the 1 KB a write unit covers
    doc = CompressedJSONAttribute()

    by_shop_updated = _ShopUpdated()
    by_list = _List()
    by_supplier = _Supplier()
    by_print = _Print()


class _CaseOrder(GlobalSecondaryIndex["AfterSaleItem"]):
    Meta = index_meta("by_order")
    order_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _CaseShopUpdated(GlobalSecondaryIndex["AfterSaleItem"]):
    Meta = index_meta("by_shop_updated")
    shop_id = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class _CaseStatusDeadline(GlobalSecondaryIndex["AfterSaleItem"]):
    Meta = index_meta("by_status_deadline")
    status = UnicodeAttribute(hash_key=True)
    deadline_key = UnicodeAttribute(range_key=True)


class _CaseErpReady(GlobalSecondaryIndex["AfterSaleItem"]):
    Meta = index_meta("by_erp_ready")
    erp_queue = UnicodeAttribute(hash_key=True)
    ready_at = UnicodeAttribute(range_key=True)


class AfterSaleItem(Model):
    Meta = table_meta("after_sales")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    case_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()
    shop_id = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    deadline_key = UnicodeAttribute()           # the deadline, or "~" (sorts last) when there is none
    erp_queue = UnicodeAttribute(null=True)
    ready_at = UnicodeAttribute(null=True)
    version = NumberAttribute()
    revision = NumberAttribute()
    doc = JSONAttribute()

    by_order = _CaseOrder()
    by_shop_updated = _CaseShopUpdated()
    by_status_deadline = _CaseStatusDeadline()
    by_erp_ready = _CaseErpReady()


class _PlatformSeller(GlobalSecondaryIndex["ShopItem"]):
    Meta = index_meta("by_platform_seller")
    platform_seller = UnicodeAttribute(hash_key=True)


class _SyncState(GlobalSecondaryIndex["ShopItem"]):
    Meta = index_meta("by_sync_state")
    sync_state = UnicodeAttribute(hash_key=True)
    shop_id = UnicodeAttribute(range_key=True)


class _ShopKind(GlobalSecondaryIndex["ShopItem"]):
    Meta = index_meta("by_kind")
    kind = UnicodeAttribute(hash_key=True)
    shop_id = UnicodeAttribute(range_key=True)


class _PlatformApp(GlobalSecondaryIndex["ShopItem"]):
    Meta = index_meta("by_platform_app")
    platform_app = UnicodeAttribute(hash_key=True)
    shop_id = UnicodeAttribute(range_key=True)


class ShopItem(Model):
    """sk "SHOP" is the shop; other sk values (SECRETS, WAYBILL#..., CARRIER#...) hang off it."""
    Meta = table_meta("shops")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    shop_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    platform_seller = UnicodeAttribute(null=True)
    sync_state = UnicodeAttribute(null=True)    # "SYNC" while the scheduler should pull it
    kind = UnicodeAttribute(null=True)          # "SHOP" on shop items only: a sparse list of shops
    platform_app = UnicodeAttribute(null=True)
    revision = NumberAttribute(default=0)
    doc = JSONAttribute()

    by_platform_seller = _PlatformSeller()
    by_sync_state = _SyncState()
    by_kind = _ShopKind()
    by_platform_app = _PlatformApp()


class _UserKind(GlobalSecondaryIndex["UserItem"]):
    Meta = index_meta("by_kind")
    kind = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)


class UserItem(Model):
    Meta = table_meta("users")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    username = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="USER")
    revision = NumberAttribute()
    doc = JSONAttribute()

    by_kind = _UserKind()


class IdempotencyItem(Model):
    Meta = table_meta("idempotency")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    id = UnicodeAttribute(hash_key=True)
    expiration = NumberAttribute()
    status = UnicodeAttribute(null=True)


class SyncItem(Model):
    """sk "CURSOR": a stream's watermark and pull lease; sk "LOG#<started>#<job>": one pull's log (TTL)."""
    Meta = table_meta("sync")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    stream_key = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    watermark = UnicodeAttribute(null=True)
    last_success_at = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    n_new = NumberAttribute(null=True)          # sk "STATS#<day>": what consumers did with the records
    n_updated = NumberAttribute(null=True)
    n_unchanged = NumberAttribute(null=True)
    n_failed = NumberAttribute(null=True)
    revision = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)


class _ErpSkuLinks(GlobalSecondaryIndex["ShopSkuItem"]):
    Meta = index_meta("by_erp_sku")
    erp_sku_code = UnicodeAttribute(hash_key=True)
    shop_sku_key = UnicodeAttribute(range_key=True)


class _Unlinked(GlobalSecondaryIndex["ShopSkuItem"]):
    Meta = index_meta("by_unlinked")
    unlinked_shop = UnicodeAttribute(hash_key=True)
    platform_sku_id = UnicodeAttribute(range_key=True)


class _MerchantCode(GlobalSecondaryIndex["ShopSkuItem"]):
    Meta = index_meta("by_merchant_code")
    merchant_code = UnicodeAttribute(hash_key=True)
    shop_sku_key = UnicodeAttribute(range_key=True)


class ShopSkuItem(Model):
    Meta = table_meta("shop_skus")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    shop_id = UnicodeAttribute(hash_key=True)
    platform_sku_id = UnicodeAttribute(range_key=True)
    shop_sku_key = UnicodeAttribute()            # "<shop_id>#<platform_sku_id>"
    erp_sku_code = UnicodeAttribute(null=True)   # the first linked ERP SKU (bundles: the doc has all)
    unlinked_shop = UnicodeAttribute(null=True)  # shop_id while unlinked: a sparse per-shop list
    merchant_code = UnicodeAttribute(null=True)
    revision = NumberAttribute()
    doc = JSONAttribute()

    by_erp_sku = _ErpSkuLinks()
    by_unlinked = _Unlinked()
    by_merchant_code = _MerchantCode()
