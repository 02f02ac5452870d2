"""What every spreadsheet the OMS writes shares: money as `Yuan` (fen that a sheet shows as yuan with two
decimals), times in China time, the UTF-8 BOM of a CSV (Excel on Chinese Windows reads a file without
one as GBK), and the quote that keeps a cell starting like a formula from running (CSV / xlsx injection)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.domain.order_query import SHANGHAI

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# control characters an .xlsx cannot hold (openpyxl refuses the whole sheet for one); text from platforms and
# sellers may carry them
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Yuan(int):
    """An amount in fen that a sheet shows as yuan with two decimals."""


def yuan(fen: int) -> str:
    """Exact (no float): 12345 -> "123.45", -5 -> "-0.05"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def local_time(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def writable(value: Any) -> Any:
    return UNWRITABLE.sub("", value) if isinstance(value, str) else value


def safe(value: Any) -> Any:
    value = writable(value)
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value
