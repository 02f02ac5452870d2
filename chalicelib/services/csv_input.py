"""Rows of an uploaded CSV file, with the csv module's own refusals (a field over its 128 KiB limit, a NUL
byte of a binary file) turned into a 400 naming the row instead of escaping as a 500."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TypeVar

from chalicelib.domain.errors import ValidationError

T = TypeVar("T")
REASONS = {"field larger than field limit": f"a field is over {csv.field_size_limit() // 1024} KiB",
           "line contains NUL": "it holds a NUL byte: is it a binary file rather than a CSV?"}


def rows(reader: Any, field: str) -> Iterator[Any]:
    """Every row of a csv.reader or csv.DictReader; `field` names the input in the 400."""
    while True:
        row = next_row(reader, field)
        if row is None:
            return
        yield row


def next_row(reader: Any, field: str) -> Any:
    """The next row (a DictReader's header too, when read through this), or None at the end."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise refused(reader, exc, field) from exc


def header(reader: csv.DictReader[str], field: str) -> list[str]:
    try:
        return list(reader.fieldnames or ())
    except csv.Error as exc:
        raise refused(reader, exc, field) from exc


def refused(reader: Any, exc: csv.Error, field: str) -> ValidationError:
    text = str(exc)
    reason = next((said for known, said in REASONS.items() if text.startswith(known)), text)
    line = getattr(reader, "reader", reader).line_num     # a DictReader's own line_num lags on an error
    return ValidationError(f"row {max(1, line)}: {reason}", field=field)
