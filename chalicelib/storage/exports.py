"""Export jobs and their files. Jobs in the sync table under one partition, pk "EXPORTS", sk the export id
(which sorts by time: the list reads the partition backwards, newest first; a seller asks for a few
exports a day, far below one partition's limits), the job as JSON, a revision for conditional writes,
kept 30 days (TTL). Files in the private data bucket (the raw bucket) under `exports/`, which a lifecycle
rule empties after 7 days (infra/template.py); handed out as presigned GET URLs."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.exports import ExportJob
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.bucket_files import S3ExportFiles
from chalicelib.storage.models import SyncItem

__all__ = ["DynamoExportStore", "S3ExportFiles"]

PK = "EXPORTS"
TTL = timedelta(days=30)


def _item(job: ExportJob, revision: int) -> SyncItem:
    doc = to_doc(job)
    doc.pop("revision", None)
    return SyncItem(PK, job.export_id, revision=revision, expires_at=int((job.created_at + TTL).timestamp()),
                    doc=doc)


def _job(item: SyncItem) -> ExportJob:
    return from_doc(ExportJob, {**item.doc, "revision": int(item.revision or 0)})


class DynamoExportStore:
    def get(self, export_id: str) -> ExportJob | None:
        try:
            return _job(SyncItem.get(PK, export_id, consistent_read=True))
        except SyncItem.DoesNotExist:
            return None

    def add(self, job: ExportJob) -> None:
        conditional.put(_item(job, 1), SyncItem.stream_key.does_not_exist(), f"export {job.export_id}")

    def save(self, job: ExportJob, expected_revision: int) -> None:
        conditional.put(_item(job, expected_revision + 1), SyncItem.revision == expected_revision,
                        f"export {job.export_id}")

    def recent(self, limit: int, cursor: str | None = None) -> Page[ExportJob]:
        found = SyncItem.query(PK, scan_index_forward=False, limit=limit, last_evaluated_key=paging.decode(cursor))
        items = [_job(item) for item in found]
        last = found.last_evaluated_key if len(items) == limit else None
        return Page(items, paging.encode(last))
