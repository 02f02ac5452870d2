"""The manual fallback for sellers without an ERP: orders out as CSV (for a spreadsheet or a courier's
desk), tracking numbers back in from CSV. Bad rows are reported with their row number and reason; good
rows are applied (each one is a shipment: importing the file twice ships nothing twice)."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.services import csv_input
from chalicelib.services.ports import OrderQuery, OrderRepository
from chalicelib.services.shipments import ShipmentDeps, record_shipment

# column -> the header a seller's spreadsheet shows (an import reads either name)
HEADERS = {"order_id": "订单ID", "order_no": "订单号", "shop_id": "店铺ID", "platform": "平台", "status": "订单状态",
           "holds": "挂起原因", "created_at": "下单时间", "paid": "实付金额(元)", "province": "省", "city": "市",
           "district": "区", "items": "商品", "buyer_memo": "买家留言", "carrier_code": "快递公司编码",
           "tracking_no": "运单号", "line_id": "商品行ID", "quantity": "数量"}
EXPORT_COLUMNS = ("order_id", "order_no", "shop_id", "platform", "status", "holds", "created_at", "paid",
                  "province", "city", "district", "items", "buyer_memo", "carrier_code", "tracking_no")
COLUMN_OF = {header: column for column, header in HEADERS.items()}
BOM = "\ufeff"        # Excel opens UTF-8 as the system code page (GBK in China) without it
MAX_EXPORT_ROWS = 5000
MAX_IMPORT_ROWS = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_orders(orders: OrderRepository, query: OrderQuery) -> str:
    """UTF-8 with a BOM and Chinese headers, for Excel; money in yuan with two decimals."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([HEADERS[c] for c in EXPORT_COLUMNS])
    rows, q = 0, replace(query, limit=min(query.limit, 200))
    while rows < MAX_EXPORT_ROWS:
        page = orders.query(q)
        for order in page.items[:MAX_EXPORT_ROWS - rows]:
            writer.writerow([_cell(v) for v in _row(order)])
            rows += 1
        if not page.cursor:
            break
        q = replace(q, cursor=page.cursor)
    return out.getvalue()


def _row(order: Order) -> list[Any]:
    r = order.receiver
    items = "; ".join(f"{line.title} {line.sku_name} x{line.quantity}" for line in order.lines)
    return [order.order_id, order.order_no, order.shop_id, order.platform.value, order.status.value,
            " ".join(sorted(order.holds)), order.created_at.isoformat(), yuan(order.paid_fen),
            r.province if r else "", r.city if r else "", r.district if r else "", items, order.buyer_memo,
            order.carrier_code, order.tracking_no]


def yuan(fen: int) -> str:
    """Exact (no float): 12345 -> "123.45", -5 -> "-0.05"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _cell(value: Any) -> Any:
    """Spreadsheets run a cell that starts like a formula: buyer text must not (CSV injection)."""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else value


def import_tracking(deps: ShipmentDeps, text: str, actor: str) -> dict[str, Any]:
    """Columns: order_id (or order_no, with shop_id when two shops share a number), carrier_code,
    tracking_no; optional line_id and quantity (rows with the same order and tracking no. form one
    partial shipment). Row numbers count the header as row 1, as a spreadsheet shows them."""
    reader = csv.DictReader(io.StringIO(text.lstrip(BOM)))
    reader.fieldnames = [COLUMN_OF.get(name.strip(), name.strip()) for name in csv_input.header(reader, "csv")]
    columns = set(reader.fieldnames)
    if not {"carrier_code", "tracking_no"} <= columns or not columns & {"order_id", "order_no"}:
        raise ValidationError("the header needs order_id (订单ID) or order_no (订单号), carrier_code (快递公司编码) "
                              "and tracking_no (运单号)", field="csv")
    groups: dict[tuple[str, str, str], list[tuple[int, dict[str, str]]]] = {}
    errors: list[dict[str, Any]] = []
    for number, row in enumerate(csv_input.rows(reader, "csv"), start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            errors.append({"row": number, "message": f"only {MAX_IMPORT_ROWS} rows per file"})
            break
        clean = {k: (v or "").strip() for k, v in row.items() if k}
        try:
            key = (_order_id(deps.orders, clean), clean.get("carrier_code", "").upper(), clean.get("tracking_no", ""))
        except DomainError as exc:
            errors.append({"row": number, "message": str(exc)})
            continue
        groups.setdefault(key, []).append((number, clean))
    applied = [_apply(deps, key, rows, actor, errors) for key, rows in groups.items()]
    return {"applied": [a for a in applied if a], "errors": sorted(errors, key=lambda e: e["row"])}


def _apply(deps: ShipmentDeps, key: tuple[str, str, str], rows: list[tuple[int, dict[str, str]]], actor: str,
           errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    order_id, carrier, tracking = key
    numbers = [n for n, _ in rows]
    try:
        lines = [(r["line_id"], _quantity(r)) for _, r in rows if r.get("line_id")]
        shipment, created = record_shipment(deps, order_id=order_id, carrier_code=carrier, tracking_no=tracking,
                                            lines=lines, source=f"csv:{actor}")
    except DomainError as exc:
        errors.extend({"row": n, "message": str(exc)} for n in numbers)
        return None
    return {"rows": numbers, "shipment_id": shipment.shipment_id, "created": created}


def _quantity(row: dict[str, str]) -> int:
    value = row.get("quantity") or "1"
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses (that was a 500)
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        raise ValidationError(f"quantity {value[:20]!r} is not a whole number up to 999999", field="quantity")
    return int(value)


def _order_id(orders: OrderRepository, row: dict[str, str]) -> str:
    if row.get("order_id"):
        return row["order_id"]
    order_no = row.get("order_no", "")
    if not order_no:
        raise ValidationError("order_id or order_no is empty", field="order_id")
    found = [o for o in orders.by_order_no(order_no) if not row.get("shop_id") or o.shop_id == row["shop_id"]]
    if len(found) != 1:
        raise ValidationError(f"order_no {order_no} matches {len(found)} orders: add shop_id", field="order_no")
    return found[0].order_id
