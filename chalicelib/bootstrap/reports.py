"""The report aggregates (issue 26): their store and the single-writer fold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.report_fold import FoldDeps
    from chalicelib.services.report_ports import ReportStore

__all__ = ["report_fold_deps", "report_store"]


def report_store() -> ReportStore:
    def build() -> ReportStore:
        from chalicelib.storage.reports import DynamoReportStore

        return DynamoReportStore()

    return _get("report_store", build)


def report_fold_deps(owner: str = "consumer") -> FoldDeps:
    """The report aggregates' one writer: the reports consumer, or a rebuild (services/report_rebuild.py)."""
    from chalicelib.services.report_fold import FoldDeps

    return FoldDeps(
        store=report_store(),
        orders=bootstrap.plain_orders(),
        cases=bootstrap.after_sales(),
        clock=bootstrap.clock(),
        owner=owner,
    )
