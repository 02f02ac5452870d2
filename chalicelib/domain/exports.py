"""Background exports (DESIGN: work that grows with the data runs on a queue with progress): what a seller
asks for (a kind of list, a file format, the list's filters), and the job that follows it from queued to
done with the rows written so far. Pure: storage, files and the queue are the use case's business."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import ValidationError


class ExportKind(StrEnum):
    ORDERS = "orders"
    ORDER_LINES = "order_lines"
    AFTER_SALES = "after_sales"
    SHIPMENTS = "shipments"
    STOCK = "stock"
    REPORTS = "reports"              # the reports page's daily sales


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class ExportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


LANGUAGES = ("zh", "en")
# a run that stopped (the worker died) is taken over by the queue's next delivery once its lease is over
LEASE = timedelta(minutes=16)


@dataclass(frozen=True)
class ExportJob:
    export_id: str
    kind: ExportKind
    format: ExportFormat
    language: str
    query: dict[str, Any]              # the list's filters, checked and resolved when the job was asked for
    filters: dict[str, Any]            # as the seller gave them (shown back in the list of exports)
    requested_by: str
    created_at: datetime
    updated_at: datetime
    state: ExportState = ExportState.QUEUED
    rows: int = 0
    total: int | None = None           # known beforehand for some lists (the orders' counters)
    key: str = ""                      # the file in the bucket, once uploaded
    size: int = 0
    error: str = ""
    run_id: str = ""                   # who holds the run (a delivery), and until when
    lease_until: datetime | None = None
    finished_at: datetime | None = None
    revision: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)

    def can_run(self, now: datetime) -> bool:
        """Queued, or running under a lease that has lapsed (its worker is gone)."""
        if self.state is ExportState.QUEUED:
            return True
        return self.state is ExportState.RUNNING and (self.lease_until is None or self.lease_until <= now)

    @property
    def filename(self) -> str:
        return f"{self.kind.value}-{self.created_at.astimezone(UTC):%Y%m%d-%H%M%S}.{self.format.value}"


def new_export_id(now: datetime) -> str:
    """Sorts by time as text (newest last), so the list reads one partition backwards."""
    return f"exp_{now.astimezone(UTC):%Y%m%d%H%M%S}_{secrets.token_hex(6)}"


def parse_kind(value: Any) -> ExportKind:
    try:
        return ExportKind(value)
    except ValueError as exc:
        raise ValidationError(f"kind must be one of {[k.value for k in ExportKind]}", field="kind",
                              reason="exports.kind") from exc


def parse_format(value: Any) -> ExportFormat:
    try:
        return ExportFormat(value or "xlsx")
    except ValueError as exc:
        raise ValidationError("format must be xlsx or csv", field="format", reason="exports.format") from exc


def parse_language(value: Any) -> str:
    if value in (None, ""):
        return "zh"
    if value not in LANGUAGES:
        raise ValidationError("language must be zh or en", field="language", reason="exports.language")
    return str(value)
