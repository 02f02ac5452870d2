"""The daily stock reconcile reports, one per day, in the stock table (pk "~RECONCILE", sk the day)."""
from __future__ import annotations

from chalicelib.codec import from_doc, to_doc
from chalicelib.services.stock_reconcile import ReconcileReport
from chalicelib.storage.catalog_models import StockItem

REPORTS = "~RECONCILE"


class DynamoReconcileReports:
    def save_report(self, report: ReconcileReport) -> None:
        StockItem(REPORTS, report.day, doc=to_doc(report)).save()

    def get(self, day: str) -> ReconcileReport | None:
        try:
            return from_doc(ReconcileReport, StockItem.get(REPORTS, day, consistent_read=True).doc or {})
        except StockItem.DoesNotExist:
            return None

    def latest(self, limit: int = 14) -> list[ReconcileReport]:
        return [from_doc(ReconcileReport, i.doc or {})
                for i in StockItem.query(REPORTS, scan_index_forward=False, limit=limit)]
