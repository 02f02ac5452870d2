"""What every sheet the OMS writes does to text: control characters an .xlsx cannot hold are dropped (openpyxl
refuses the whole sheet for one: the fuzz found a goods name carrying \\x14), and a cell starting like a formula
is quoted."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from chalicelib.services.sheet_cells import safe, writable


def test_GIVEN_text_with_control_characters_WHEN_written_to_a_sheet_THEN_it_saves_and_reads_back_clean() -> None:
    book = Workbook()
    book.active.append([writable("¢\x14\x01 袜子"), safe("=HYPERLINK(1)"), writable("a\tb\nc"), 12])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True))
    assert row == ("¢ 袜子", "'=HYPERLINK(1)", "a\tb\nc", 12)
