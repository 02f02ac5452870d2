"""The Glue catalog over the daily history (chalicelib/services/history.py): one database and a table per
history prefix, JSON Lines (gzip) read with the OpenX JSON SerDe, partitioned by `dt` with partition
projection (Athena computes the partitions from the date range: no crawler, no MSCK REPAIR, no partition
to add each day). Declared here; tests/integration/test_history.py holds the columns to what the writer
writes."""
from __future__ import annotations

from typing import Any

from chalicelib import names

LINE = "struct<line_id:string,platform_sku_id:string,merchant_code:string,title:string,sku_name:string," \
       "quantity:int,unit_price_fen:bigint,paid_fen:bigint,erp_sku_codes:array<string>>"
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "orders": [
        ("order_id", "string"), ("shop_id", "string"), ("platform", "string"), ("order_no", "string"),
        ("status", "string"), ("platform_status", "string"), ("refund_state", "string"),
        ("erp_handoff", "string"), ("holds", "array<string>"), ("created_at", "string"), ("paid_at", "string"),
        ("shipped_at", "string"), ("updated_at", "string"), ("total_fen", "bigint"), ("paid_fen", "bigint"),
        ("freight_fen", "bigint"), ("seller_discount_fen", "bigint"), ("platform_discount_fen", "bigint"),
        ("order_type", "string"), ("province", "string"), ("city", "string"), ("district", "string"),
        ("carrier_code", "string"), ("tracking_no", "string"), ("lines", f"array<{LINE}>"),
    ],
    "after_sales": [
        ("case_id", "string"), ("shop_id", "string"), ("platform", "string"), ("platform_case_id", "string"),
        ("order_id", "string"), ("order_no", "string"), ("type", "string"), ("status", "string"),
        ("platform_status", "string"), ("refund_fen", "bigint"), ("reason", "string"),
        ("has_goods_return", "boolean"), ("created_at", "string"), ("updated_at", "string"),
        ("deadline_at", "string"),
    ],
}
FIRST_DAY = "2024-01-01"


def database_name() -> str:
    return names.prefix().replace("-", "_") + "_history"      # Glue and Athena names: no hyphens


def glue_resources() -> dict[str, Any]:
    out: dict[str, Any] = {"HistoryDatabase": {"Type": "AWS::Glue::Database", "Properties": {
        "CatalogId": {"Ref": "AWS::AccountId"},
        "DatabaseInput": {"Name": database_name(),
                          "Description": "Qihang OMS: daily history of orders and after-sales (JSON Lines, gzip)"}}}}
    for table, columns in COLUMNS.items():
        logical = "History" + "".join(p.capitalize() for p in table.split("_")) + "Table"
        out[logical] = _table(table, columns)
    return out


def _table(table: str, columns: list[tuple[str, str]]) -> dict[str, Any]:
    location = {"Fn::Sub": f"s3://${{RawBucket}}/history/{table}/"}
    return {"Type": "AWS::Glue::Table", "DependsOn": ["HistoryDatabase"], "Properties": {
        "CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseName": database_name(),
        "TableInput": {
            "Name": table, "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "Parameters": {
                "classification": "json", "compressionType": "gzip",
                "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
                "projection.dt.range": f"{FIRST_DAY},NOW", "projection.dt.interval": "1",
                "projection.dt.interval.unit": "DAYS",
                "storage.location.template": {"Fn::Sub": f"s3://${{RawBucket}}/history/{table}/dt=${{!dt}}/"},
            },
            "StorageDescriptor": {
                "Columns": [{"Name": name, "Type": kind} for name, kind in columns],
                "Location": location,
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                              "Parameters": {"ignore.malformed.json": "true"}},
            },
        }}}
