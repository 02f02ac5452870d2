"""A supplier's tracking numbers from a file (.csv or .xlsx): columns 订单号 / order_no (or 订单ID /
order_id), 快递公司编码 / carrier_code, 运单号 / tracking_no. Every row is checked first (the order is the
supplier's and open, the codes are well formed); one wrong row and nothing is applied, each wrong row
reported with its number and field. Then each row is a shipment through the same path as one typed in."""
from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import Any

from chalicelib.domain.dropship import check_supplier_may_ship
from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.services import csv_input
from chalicelib.services.dropship import DropshipDeps, supplier_order, supplier_ship
from chalicelib.services.erp_ports import CARRIER_CODES
from chalicelib.services.shipments import TRACKING, ShipmentDeps

MAX_ROWS = 500
COLUMN_OF = {"订单号": "order_ref", "order_no": "order_ref", "订单ID": "order_ref", "order_id": "order_ref",
             "快递公司编码": "carrier_code", "carrier_code": "carrier_code", "运单号": "tracking_no",
             "tracking_no": "tracking_no"}
XLSX_MAGIC = b"PK\x03\x04"


def read_rows(file_base64: str) -> list[dict[str, str]]:
    try:
        raw = base64.b64decode(file_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("file_base64 is not base64", field="file_base64", reason="dropship.bad_file") from exc
    table = _xlsx(raw) if raw.startswith(XLSX_MAGIC) else _csv(raw)
    if not table:
        raise ValidationError("the file is empty", field="file_base64", reason="dropship.bad_file")
    header = [COLUMN_OF.get(str(name or "").strip(), "") for name in table[0]]
    if not {"order_ref", "carrier_code", "tracking_no"} <= set(header):
        raise ValidationError("the header needs 订单号 (order_no), 快递公司编码 (carrier_code) and 运单号 "
                              "(tracking_no)", field="file_base64", reason="dropship.bad_header")
    rows = [{name: str(cell if cell is not None else "").strip() for name, cell in zip(header, row, strict=False)
             if name} for row in table[1:]]
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"at most {MAX_ROWS} rows per file", field="file_base64", reason="dropship.too_many_rows")
    return rows


def _csv(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("the CSV must be UTF-8", field="file_base64", reason="dropship.bad_file") from exc
    return [row for row in csv_input.rows(csv.reader(io.StringIO(text)), "file_base64") if any(row)]


def _xlsx(raw: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # cold start: only spreadsheet requests pay for it
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).active
    except Exception as exc:      # openpyxl raises many kinds for a damaged file: each is the same 400
        raise ValidationError("the .xlsx cannot be read", field="file_base64", reason="dropship.bad_file") from exc
    return [list(row) for row in sheet.iter_rows(values_only=True) if any(c not in (None, "") for c in row)]


def _check(deps: DropshipDeps, supplier_id: str, row: dict[str, str]) -> None:
    if row.get("carrier_code", "").upper() not in CARRIER_CODES:
        raise ValidationError(f"carrier_code must be one of {', '.join(CARRIER_CODES)}", field="carrier_code",
                              reason="dropship.bad_carrier")
    if not TRACKING.match(row.get("tracking_no", "")):
        raise ValidationError("tracking_no must be 4-40 letters, digits or '-'", field="tracking_no",
                              reason="dropship.bad_tracking")
    ref = row.get("order_ref", "")
    check_supplier_may_ship(supplier_order(deps, supplier_id, ref), supplier_id, ref)


def import_tracking(deps: DropshipDeps, shipping: ShipmentDeps, supplier_id: str, file_base64: str
                    ) -> dict[str, Any]:
    """Row numbers count the header as row 1, as a spreadsheet shows them."""
    rows = read_rows(file_base64)
    errors = []
    for number, row in enumerate(rows, start=2):
        try:
            _check(deps, supplier_id, row)
        except DomainError as exc:
            errors.append({"row": number, "field": getattr(exc, "field", "") or "order_no",
                           "reason": exc.reason, "message": str(exc)})
    if errors:
        return {"applied": [], "errors": errors}
    applied = []
    for number, row in enumerate(rows, start=2):
        shipment, created = supplier_ship(deps, shipping, supplier_id, row["order_ref"], row["carrier_code"],
                                          row["tracking_no"])
        applied.append({"row": number, "shipment_id": shipment.shipment_id, "created": created})
    return {"applied": applied, "errors": []}
