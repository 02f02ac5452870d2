"""pynamodb models of the ERP integration's tables (api_clients, erp_deliveries, erp_state, shipments);
keys and indexes agree with infra/tables.py (tests/contract/test_erp_repositories.py checks)."""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.storage.models import index_meta, table_meta


class ApiClientItem(Model):
    """key_id "~directory" holds the set of every key id (a handful of clients: one GetItem, no Scan)."""
    Meta = table_meta("api_clients")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    key_id = UnicodeAttribute(hash_key=True)
    revision = NumberAttribute(default=0)
    key_ids = UnicodeSetAttribute(null=True)
    doc = JSONAttribute(null=True)


class _ClientDeliveries(GlobalSecondaryIndex["DeliveryItem"]):
    Meta = index_meta("by_client")
    key_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class _Undelivered(GlobalSecondaryIndex["DeliveryItem"]):
    Meta = index_meta("by_undelivered")
    undelivered_client = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class DeliveryItem(Model):
    Meta = table_meta("erp_deliveries")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    delivery_id = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute()
    created_key = UnicodeAttribute()                 # "<sortable created time>#<event id>"
    undelivered_client = UnicodeAttribute(null=True)  # key_id until the ERP accepts it: a sparse index
    status = UnicodeAttribute()
    revision = NumberAttribute()
    expires_at = NumberAttribute(null=True)          # delivered ones expire after the retention
    doc = JSONAttribute()

    by_client = _ClientDeliveries()
    by_undelivered = _Undelivered()


class StateItem(Model):
    """state_key "STREAM#<key id>#<order id>": a client's stream; "RESULT#<case id>": an ERP answer;
    "RATE#<key>#<window>": a rate-limit counter (TTL)."""
    Meta = table_meta("erp_state")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    state_key = UnicodeAttribute(hash_key=True)
    revision = NumberAttribute(default=0)
    hits = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    doc = JSONAttribute(null=True)


class _ShipmentOrder(GlobalSecondaryIndex["ShipmentItem"]):
    Meta = index_meta("by_order")
    order_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _ShipmentTracking(GlobalSecondaryIndex["ShipmentItem"]):
    Meta = index_meta("by_tracking")
    tracking_no = UnicodeAttribute(hash_key=True)


class _ShipmentShopStatus(GlobalSecondaryIndex["ShipmentItem"]):
    Meta = index_meta("by_shop_status")
    shop_status = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class _ShipmentDay(GlobalSecondaryIndex["ShipmentItem"]):
    Meta = index_meta("by_day")
    ship_day = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ShipmentItem(Model):
    Meta = table_meta("shipments")  # type: ignore[assignment]  # pynamodb types Meta as a Protocol
    shipment_id = UnicodeAttribute(hash_key=True)
    order_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    tracking_no = UnicodeAttribute()
    shop_status = UnicodeAttribute()                 # "<shop id>#<status>": a shop's pending / failed ones
    ship_day = UnicodeAttribute(null=True)           # the day in China (+08:00) it was recorded
    created_key = UnicodeAttribute(null=True)        # "<created_at>#<shipment id>": unique, in time order
    carrier_code = UnicodeAttribute(null=True)       # top level for the list's filters
    source = UnicodeAttribute(null=True)
    revision = NumberAttribute()
    doc = JSONAttribute()

    by_order = _ShipmentOrder()
    by_tracking = _ShipmentTracking()
    by_shop_status = _ShipmentShopStatus()
    by_day = _ShipmentDay()
