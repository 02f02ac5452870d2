"""DynamoDB tables: keys and indexes. Every access pattern of the admin UI and the ERP API is a key or
an index here (no Scan on a request path); sparse indexes hold only the items that carry their key."""
from __future__ import annotations

from typing import Any

from chalicelib.storage.projections import INDEX_PROJECTIONS

# name -> (hash, range | None, {index: (hash, range | None)}, ttl attribute | None)
TableSpec = tuple[str, str | None, dict[str, tuple[str, str | None]], str | None]

TABLE_SPECS: dict[str, TableSpec] = {
    "orders": ("order_id", None, {
        "by_shop_updated": ("shop_id", "updated_at"),        # a shop's orders by update time
        "by_supplier": ("supplier_id", "created_at"),        # sparse: drop-shipped orders, per supplier
        # one list per order: HELD, else READY (waiting for the ERP), else its status; by creation time
        # (chalicelib/storage/order_lists.py)
        "by_list": ("list_key", "list_at"),
        # sparse: open orders to print (待打单) or printed and not shipped, by creation time (order_query.py)
        "by_print": ("print_key", "list_at"),
    }, None),
    # the report aggregates (a day's shops, platforms, SKUs...; the workbench's counters among them:
    # chalicelib/storage/order_counters.py), each order's folded contribution and the one writer's state:
    # chalicelib/storage/reports.py; read by key and by one Query per day; an aggregate fallen to zero
    # expires a day later (kept until then: a cut batch's replay must still find its mark)
    "reports": ("pk", "sk", {}, "expires_at"),
    "after_sales": ("case_id", None, {
        "by_order": ("order_id", "created_at"),
        "by_shop_updated": ("shop_id", "updated_at"),
        "by_status_deadline": ("status", "deadline_key"),
        "by_erp_ready": ("erp_queue", "ready_at"),
    }, None),
    "shops": ("shop_id", "sk", {
        "by_platform_seller": ("platform_seller", None),    # webhook routing: (platform, seller id) -> shop
        "by_sync_state": ("sync_state", "shop_id"),          # the scheduler's fan-out over active shops
        "by_kind": ("kind", "shop_id"),                      # every shop, for the admin list (no Scan)
        "by_platform_app": ("platform_app", "shop_id"),      # pushes arrive per app: which shops use it
    }, None),
    "shop_skus": ("shop_id", "platform_sku_id", {
        "by_erp_sku": ("erp_sku_code", "shop_sku_key"),      # shop SKUs linked to an ERP SKU
        "by_unlinked": ("unlinked_shop", "platform_sku_id"),  # sparse: unlinked shop SKUs
        "by_merchant_code": ("merchant_code", "shop_sku_key"),
    }, None),
    "erp_skus": ("sku_code", None, {
        "by_catalog": ("catalog", "sku_code"),               # the whole catalog, paged in code order
        "by_goods": ("goods_id", "sku_code"),                # sparse: a library goods record's SKUs
    }, None),
    # the goods library: GOODS#, CATEGORY#, BRAND#, SUPPLIER# records and BARCODE# uniqueness items
    # (chalicelib/storage/goods_models.py)
    "goods": ("goods_key", None, {
        "by_kind": ("kind", "sort_key"),                     # goods by name, categories, brands, suppliers
        "by_code": ("code_kind", "code"),                    # sparse: goods by code (款号)
    }, None),
    "stock": ("sku_code", "sk", {                            # BALANCE + MOVE#... ledger items
        "by_ledger": ("ledger_sku", "ledger_at"),            # a SKU's movements in time order
        "by_sync_due": ("sync_shard", "sync_due"),           # sparse: SKUs whose platform push is due
    }, None),
    "shipments": ("shipment_id", None, {
        "by_order": ("order_id", "created_at"),
        "by_tracking": ("tracking_no", None),
        "by_shop_status": ("shop_status", "created_at"),
        "by_day": ("ship_day", "created_key"),               # 发货记录: every shop's, a day at a time
    }, None),
    "sync": ("stream_key", "sk", {}, "expires_at"),          # CURSOR + LOG#<started> pull logs (TTL)
    "users": ("username", None, {"by_kind": ("kind", "username")}, None),
    "api_clients": ("key_id", None, {}, None),
    "audit": ("day", "ts_id", {
        "by_actor": ("actor", "ts_id"),
    }, "expires_at"),
    "idempotency": ("id", None, {}, "expiration"),          # Powertools' layout; also nonces, push ids
    "erp_deliveries": ("delivery_id", None, {                # one webhook event to one ERP client
        "by_client": ("key_id", "created_key"),              # a client's deliveries in time order
        "by_undelivered": ("undelivered_client", "created_key"),  # sparse: not (yet) accepted by the ERP
    }, "expires_at"),
    "erp_state": ("state_key", None, {}, "expires_at"),     # what each ERP client was last told; rate windows
    "waybill_accounts": ("shop_id", "account_id", {}, None),  # a shop's waybill accounts + its #DEFAULT choice
    "waybills": ("waybill_id", "sk", {                       # WAYBILL item + one ORDER#<id> link per order
        "by_order": ("order_id", "issued_key"),              # links: an order's waybills (merged parcels too)
        "by_shop": ("shop_id", "issued_key"),
        "by_shop_status": ("shop_status", "issued_key"),
        "by_status": ("status", "issued_key"),
        "by_tracking_due": ("track_shard", "track_next"),    # sparse: shipped, not delivered, due a refresh
    }, None),
}


def projection(key: str, index_keys: tuple[str, str | None]) -> dict[str, Any]:
    included = INDEX_PROJECTIONS.get(key)
    if included is None:
        return {"ProjectionType": "ALL"}
    table_keys = TABLE_SPECS[key][:2]
    return {"ProjectionType": "INCLUDE",
            "NonKeyAttributes": [a for a in included if a not in (*index_keys, *table_keys)]}


def table_properties(key: str, table_name: Any) -> dict[str, Any]:
    hash_key, range_key, indexes, ttl = TABLE_SPECS[key]
    attributes = {hash_key} | ({range_key} if range_key else set())
    for ih, ir in indexes.values():
        attributes |= {ih} | ({ir} if ir else set())
    props: dict[str, Any] = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "KeySchema": _key_schema(hash_key, range_key),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if indexes:
        props["GlobalSecondaryIndexes"] = [
            {"IndexName": name, "KeySchema": _key_schema(ih, ir), "Projection": projection(key, (ih, ir))}
            for name, (ih, ir) in indexes.items()
        ]
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    # No DynamoDB Streams: nothing reads one. A change reaches its readers as a message the use case
    # sends itself (ERP webhooks through the erp-events queue, stock pushes through platform-actions),
    # and the planned counts and reports fold that same event stream (DESIGN.md, "Counts and
    # reports"), so a stream would only be paid for (and kept forever by the local emulator).
    return props


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def create_table_args(props: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation properties as DynamoDB CreateTable arguments (the local runtime and tests create
    tables from the same definition AWS gets). PITR and TTL are separate API calls there."""
    args: dict[str, Any] = {k: props[k] for k in ("TableName", "BillingMode", "AttributeDefinitions", "KeySchema",
                                  "GlobalSecondaryIndexes") if k in props}
    if "SSESpecification" in props:
        args["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
    return args
