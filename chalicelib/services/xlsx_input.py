"""Rows of an uploaded .xlsx sheet by column name, as csv.DictReader gives them for a CSV: the header row may
carry the machine names or the Chinese ones (templates carry both rows), empty rows are skipped, and a file
that is not a workbook is a 400 naming the field."""
from __future__ import annotations

import io
from collections.abc import Mapping

from chalicelib.domain.errors import ValidationError


def sheet_rows(raw: bytes, names: Mapping[str, str], *, field: str, max_rows: int, reason: str
               ) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by machine name); `names` maps every accepted header text to its machine name."""
    from openpyxl import load_workbook  # cold start: openpyxl ~150 ms, only spreadsheet requests pay
    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:     # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("the file is not an .xlsx workbook", field=field, reason=f"{reason}_invalid") from exc
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else _text(v) for v in values]
        if not any(cells):
            continue
        if all(c in names or not c for c in cells):
            header = [names.get(c, "") for c in cells]
            continue
        if not header:
            raise ValidationError("the sheet has no header row", field=field, reason=f"{reason}_invalid")
        if len(rows) >= max_rows:
            raise ValidationError(f"at most {max_rows} rows a file", field=field, reason=f"{reason}_size")
        rows.append((number, {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(header) if k}))
    return rows


def _text(value: object) -> str:
    # Excel stores a typed 2 as 2.0 and a phone number as an int: give the text the seller saw
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook  # cold start: as above
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
