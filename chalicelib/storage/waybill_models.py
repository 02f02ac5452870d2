"""pynamodb models of the waybill tables. Keys and indexes match infra/tables.py
(tests/contract/test_waybill_repository.py checks them)."""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.storage.models import index_meta, table_meta

MAIN = "WAYBILL"              # sk of the waybill itself
LINK = "ORDER#"               # sk prefix of its per-order links (a merged parcel has several)
DEFAULT = "#DEFAULT"          # account_id of the item naming a shop's default account


class WaybillAccountItem(Model):
    Meta = table_meta("waybill_accounts")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    shop_id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute(range_key=True)
    default_id = UnicodeAttribute(null=True)     # only on the DEFAULT item
    revision = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)


class _ByOrder(GlobalSecondaryIndex["WaybillItem"]):
    Meta = index_meta("by_order")
    order_id = UnicodeAttribute(hash_key=True)
    issued_key = UnicodeAttribute(range_key=True)


class _ByShop(GlobalSecondaryIndex["WaybillItem"]):
    Meta = index_meta("by_shop")
    shop_id = UnicodeAttribute(hash_key=True)
    issued_key = UnicodeAttribute(range_key=True)


class _ByShopStatus(GlobalSecondaryIndex["WaybillItem"]):
    Meta = index_meta("by_shop_status")
    shop_status = UnicodeAttribute(hash_key=True)
    issued_key = UnicodeAttribute(range_key=True)


class _ByStatus(GlobalSecondaryIndex["WaybillItem"]):
    Meta = index_meta("by_status")
    status = UnicodeAttribute(hash_key=True)
    issued_key = UnicodeAttribute(range_key=True)


class _TrackingDue(GlobalSecondaryIndex["WaybillItem"]):
    Meta = index_meta("by_tracking_due")
    track_shard = UnicodeAttribute(hash_key=True)
    track_next = UnicodeAttribute(range_key=True)


class WaybillItem(Model):
    """sk MAIN: the waybill (shop/status index keys, the tracking-due keys while due); sk LINK<order id>:
    one per order it carries (only the order index key), so a merged parcel is found from each order."""
    Meta = table_meta("waybills")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    waybill_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    issued_key = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    shop_id = UnicodeAttribute(null=True)
    shop_status = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    track_shard = UnicodeAttribute(null=True)
    track_next = UnicodeAttribute(null=True)
    revision = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)

    by_order = _ByOrder()
    by_shop = _ByShop()
    by_shop_status = _ByShopStatus()
    by_status = _ByStatus()
    by_tracking_due = _TrackingDue()
