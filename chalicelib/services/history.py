"""The daily history for Athena (issue 26 item 4; DESIGN: history beyond DynamoDB's comfort goes to S3 by
day). Every order and every after-sale case that changed on a day (Asia/Shanghai) is written, as it is
now, to one gzipped JSON Lines object per table and day: `history/orders/dt=YYYY-MM-DD/part-0.json.gz`
and `history/after_sales/dt=.../part-0.json.gz`. A run rewrites the day's object whole (same key), so a
rerun, a retry or a repair after a fix leaves exactly one copy. The Glue tables of infra/history.py read
these prefixes with partition projection on `dt`: no crawler, no partition to add.

An order changes on several days: it is in each of those days' partitions, each time as it was when that
day was written; its latest state is the row with the greatest `updated_at` (the README's SQL shows how).
Rows are flat columns Athena types simply: money in fen (bigint), times as ISO 8601 text with offset,
receivers reduced to province / city / district (no person's name or phone ever leaves DynamoDB here)."""
from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.order_query import SHANGHAI
from chalicelib.domain.orders import Order
from chalicelib.services.ports import Clock

PREFIX = "history/"
TABLES = ("orders", "after_sales")


class ChangedRecords(Protocol):
    def shop_ids(self) -> list[str]: ...
    def orders_changed(self, shop_id: str, start: datetime, end: datetime) -> Iterator[Order]: ...
    def cases_changed(self, shop_id: str, start: datetime, end: datetime) -> Iterator[AfterSale]: ...


class ObjectUpload(Protocol):
    def upload(self, path: Path, key: str, content_type: str, filename: str) -> int: ...


@dataclass(frozen=True)
class HistoryDeps:
    records: ChangedRecords
    files: ObjectUpload
    clock: Clock
    workdir: Path | None = None


def yesterday(clock: Clock) -> date:
    return clock.now().astimezone(SHANGHAI).date() - timedelta(days=1)


def day_key(table: str, day: date) -> str:
    return f"{PREFIX}{table}/dt={day.isoformat()}/part-0.json.gz"


def write_day(deps: HistoryDeps, day: date) -> dict[str, int]:
    """Both tables' objects for `day`; returns the rows written per table."""
    start = datetime.combine(day, time(0), SHANGHAI)
    end = start + timedelta(days=1)
    shops = deps.records.shop_ids()
    rows = {
        "orders": _write(deps, day_key("orders", day), (
            order_row(o) for shop in shops for o in deps.records.orders_changed(shop, start, end))),
        "after_sales": _write(deps, day_key("after_sales", day), (
            case_row(c) for shop in shops for c in deps.records.cases_changed(shop, start, end))),
    }
    return rows


def _write(deps: HistoryDeps, key: str, rows: Iterable[dict[str, Any]]) -> int:
    """Streamed to a gzip file on disk, then uploaded: memory holds one row at a time."""
    count = 0
    with tempfile.TemporaryDirectory(dir=deps.workdir) as tmp:
        path = Path(tmp) / "part.json.gz"
        with gzip.open(path, "wt", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        deps.files.upload(path, key, "application/x-ndjson", key.rsplit("/", 1)[-1])
    return count


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def order_row(o: Order) -> dict[str, Any]:
    r = o.receiver
    return {"order_id": o.order_id, "shop_id": o.shop_id, "platform": o.platform.value, "order_no": o.order_no,
            "status": o.status.value, "platform_status": o.platform_status, "refund_state": o.refund_state.value,
            "erp_handoff": o.erp_handoff.value, "holds": sorted(h.value for h in o.holds),
            "created_at": _iso(o.created_at), "paid_at": _iso(o.paid_at), "shipped_at": _iso(o.shipped_at),
            "updated_at": _iso(o.updated_at or o.modified_at),
            "total_fen": o.total_fen, "paid_fen": o.paid_fen, "freight_fen": o.freight_fen,
            "seller_discount_fen": o.seller_discount_fen, "platform_discount_fen": o.platform_discount_fen,
            "order_type": o.order_type,
            "province": r.province if r else "", "city": r.city if r else "", "district": r.district if r else "",
            "carrier_code": o.carrier_code, "tracking_no": o.tracking_no,
            "lines": [{"line_id": line.line_id, "platform_sku_id": line.platform_sku_id,
                       "merchant_code": line.merchant_code, "title": line.title, "sku_name": line.sku_name,
                       "quantity": line.quantity, "unit_price_fen": line.unit_price_fen, "paid_fen": line.paid_fen,
                       "erp_sku_codes": [k.sku_code for k in line.links]} for line in o.lines]}


def case_row(c: AfterSale) -> dict[str, Any]:
    return {"case_id": c.case_id, "shop_id": c.shop_id, "platform": c.platform.value,
            "platform_case_id": c.platform_case_id, "order_id": c.order_id, "order_no": c.order_no,
            "type": c.type.value, "status": c.status.value, "platform_status": c.platform_status,
            "refund_fen": c.refund_fen, "reason": c.reason, "has_goods_return": c.has_goods_return,
            "created_at": _iso(c.created_at), "updated_at": _iso(c.modified_at),
            "deadline_at": _iso(c.deadline_at)}

