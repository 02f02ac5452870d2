"""Streaming writers of an export file: rows go to a file on disk as they come, so memory stays flat
whatever the number of rows. xlsx through XlsxWriter in constant_memory mode (each row is flushed as the
next begins and strings are written inline: openpyxl's write-only mode still keeps every distinct string
in a shared table in memory); CSV as UTF-8 with a BOM (Excel on Chinese Windows reads a file without one
as GBK). Money (`Yuan`) is a number with two decimals in a sheet, "123.45" in CSV; a cell that starts
like a formula is quoted (CSV / xlsx injection)."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from chalicelib.domain.exports import ExportFormat
from chalicelib.services.sheet_cells import BOM, Yuan, safe, yuan

CONTENT_TYPES = {ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ExportFormat.CSV: "text/csv; charset=utf-8"}


class Sink(Protocol):
    def append(self, row: list[Any]) -> None: ...
    def close(self) -> None: ...


class CsvSink:
    def __init__(self, path: Path, headers: list[str]) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._file.write(BOM)
        self._writer = csv.writer(self._file)
        self._writer.writerow(headers)

    def append(self, row: list[Any]) -> None:
        self._writer.writerow([yuan(v) if isinstance(v, Yuan) else safe(v) for v in row])

    def close(self) -> None:
        self._file.close()


class XlsxSink:
    def __init__(self, path: Path, sheet: str, headers: list[str]) -> None:
        import xlsxwriter  # cold start: only the export worker writes sheets
        self._book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                     "strings_to_formulas": False, "strings_to_urls": False})
        self._sheet = self._book.add_worksheet(sheet[:31])
        self._money = self._book.add_format({"num_format": "0.00"})
        self._head = self._book.add_format({"bold": True})
        self._sheet.write_row(0, 0, headers, self._head)
        self._sheet.freeze_panes(1, 0)
        self._row = 1

    def append(self, row: list[Any]) -> None:
        for col, value in enumerate(row):
            if isinstance(value, Yuan):
                self._sheet.write_number(self._row, col, float(Decimal(int(value)) / 100), self._money)
            elif value is None or value == "":
                continue
            elif isinstance(value, bool):
                self._sheet.write_boolean(self._row, col, value)
            elif isinstance(value, int | float):
                self._sheet.write_number(self._row, col, value)
            else:
                self._sheet.write_string(self._row, col, str(safe(value)))
        self._row += 1

    def close(self) -> None:
        self._book.close()


def open_sink(fmt: ExportFormat, path: Path, sheet: str, headers: list[str]) -> Sink:
    if fmt is ExportFormat.CSV:
        return CsvSink(path, headers)
    return XlsxSink(path, sheet, headers)
