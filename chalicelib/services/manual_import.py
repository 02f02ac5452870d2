"""Importing manual orders from a CSV or .xlsx file (the template: IMPORT_COLUMNS, one row per line, the rows
of one order sharing its `ref`). Each order is checked and created on its own: a bad one is reported with its row
and field, the good ones are created (each through create_manual_order: review, reservation, hand-off)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.services.csv_input import header, rows
from chalicelib.services.manual_orders import ManualLine, ManualOrder
from chalicelib.services.xlsx_input import sheet_rows, workbook

IMPORT_COLUMNS = ("ref", "buyer", "name", "phone", "province", "city", "district", "address", "sku_code",
                  "quantity", "price", "freight", "discount", "buyer_memo")
REQUIRED = ("ref", "name", "phone", "province", "city", "district", "address", "sku_code", "quantity", "price")
MAX_ROWS = 1000


@dataclass
class ImportReport:
    created: list[dict[str, Any]] = field(default_factory=list)    # {ref, order_id, order_no, review, holds}
    errors: list[dict[str, Any]] = field(default_factory=list)     # {row, ref, field, message}


# the template's Chinese header row; either header row is accepted
HEADINGS = {"ref": "订单参考号", "buyer": "买家", "name": "收件人", "phone": "电话", "province": "省", "city": "市",
            "district": "区县", "address": "详细地址", "sku_code": "商品编码", "quantity": "数量", "price": "单价(元)",
            "freight": "运费(元)", "discount": "优惠(元)", "buyer_memo": "买家留言"}
EXAMPLE = ("M-001", "张三", "张三", "13800000000", "浙江省", "杭州市", "西湖区", "文三路 1 号", "SKU-1", "2", "19.90",
           "0", "0", "")


def import_csv(raw: bytes, shop_id: str, create: Callable[[ManualOrder], Order]) -> ImportReport:
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig", errors="replace")))
    _check_header(header(reader, "file"))
    numbered = []
    for n, row in enumerate(rows(reader, "file"), start=2):
        if n - 1 > MAX_ROWS:
            raise ValidationError(f"at most {MAX_ROWS} rows a file", field="file", reason="manual.import_size")
        numbered.append((n, row))
    return import_rows(numbered, shop_id, create)


def import_xlsx(raw: bytes, shop_id: str, create: Callable[[ManualOrder], Order]) -> ImportReport:
    names = {zh: key for key, zh in HEADINGS.items()} | {key: key for key in IMPORT_COLUMNS}
    numbered = sheet_rows(raw, names, field="file", max_rows=MAX_ROWS, reason="manual.import")
    _check_header(list(numbered[0][1]) if numbered else [])
    return import_rows(numbered, shop_id, create)


def template_xlsx() -> bytes:
    return workbook([[HEADINGS[c] for c in IMPORT_COLUMNS], list(IMPORT_COLUMNS), list(EXAMPLE)])


def _check_header(columns: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValidationError(f"the header lacks {', '.join(missing)} (template: {','.join(IMPORT_COLUMNS)})",
                              field="file", reason="manual.import_header")


def import_rows(numbered: list[tuple[int, dict[str, str]]], shop_id: str,
                create: Callable[[ManualOrder], Order]) -> ImportReport:
    """Each order (the rows sharing a ref) created on its own, or reported with its row and field."""
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for n, row in numbered:
        groups.setdefault((row.get("ref") or "").strip() or f"row {n}", []).append((n, row))
    report = ImportReport()
    for ref, group in groups.items():
        try:
            order = create(_draft(shop_id, group))
        except _RowError as exc:
            report.errors.append({"row": exc.row, "ref": ref, "field": exc.field, "message": exc.message})
            continue
        except DomainError as exc:
            report.errors.append({"row": group[0][0], "ref": ref, "field": getattr(exc, "field", ""),
                                  "message": str(exc)})
            continue
        report.created.append({"ref": ref, "order_id": order.order_id, "order_no": order.order_no,
                               "review": order.review.value, "holds": sorted(h.value for h in order.holds)})
    return report


class _RowError(Exception):
    def __init__(self, row: int, field: str, message: str) -> None:
        super().__init__(message)
        self.row, self.field, self.message = row, field, message


def _draft(shop_id: str, group: list[tuple[int, dict[str, str]]]) -> ManualOrder:
    first_row, first = group[0]
    for n, row in group:
        for name in REQUIRED:
            if not (row.get(name) or "").strip():
                raise _RowError(n, name, f"{name} is empty")
    lines = tuple(ManualLine(row["sku_code"].strip(), _int(n, "quantity", row["quantity"]),
                             _fen(n, "price", row["price"])) for n, row in group)
    text = {k: (first.get(k) or "").strip() for k in IMPORT_COLUMNS}
    return ManualOrder(shop_id=shop_id, buyer_nick=text["buyer"], receiver_name=text["name"],
                       receiver_phone=text["phone"], province=text["province"], city=text["city"],
                       district=text["district"], address=text["address"], lines=lines,
                       freight_fen=_fen(first_row, "freight", text["freight"] or "0"),
                       discount_fen=_fen(first_row, "discount", text["discount"] or "0"),
                       buyer_memo=text["buyer_memo"])


def _int(row: int, name: str, value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise _RowError(row, name, f"{name} must be a whole number") from None
    if not 1 <= number <= 100_000:
        raise _RowError(row, name, f"{name} must be 1 to 100000")
    return number


def _fen(row: int, name: str, value: str) -> int:
    """Yuan as the seller types them ("12.80") -> fen; never float."""
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise _RowError(row, name, f"{name} must be an amount in yuan") from None
    if amount < 0 or amount > 1_000_000 or amount != amount.quantize(Decimal("0.01")):
        raise _RowError(row, name, f"{name} must be 0 to 1000000 yuan, to the fen")
    return int(amount * 100)
