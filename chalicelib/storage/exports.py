"""Export jobs and their files. Jobs in the sync table under one partition, pk "EXPORTS", sk the export id
(which sorts by time: the list reads the partition backwards, newest first; a seller asks for a few
exports a day, far below one partition's limits), the job as JSON, a revision for conditional writes,
kept 30 days (TTL). Files in the private data bucket (the raw bucket) under `exports/`, which a lifecycle
rule empties after 7 days (infra/template.py); handed out as presigned GET URLs."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chalicelib.codec import from_doc, to_doc
from chalicelib.config import settings
from chalicelib.domain.exports import ExportJob
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.models import SyncItem

PK = "EXPORTS"
TTL = timedelta(days=30)
PART_BYTES = 8 * 1024 * 1024            # S3's parts are 5 MB at least (but the last)


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


class S3ExportFiles:
    def __init__(self, bucket: str | None = None, client: Any = None) -> None:
        self._bucket = bucket
        self._client = client

    @property
    def bucket(self) -> str:
        return self._bucket or settings().raw_bucket

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s; only export routes and the worker pay
            self._client = boto3.client("s3")
        return self._client

    def upload(self, path: Path, key: str, content_type: str, filename: str) -> int:
        """A multipart upload in parts of PART_BYTES read one at a time (memory: one part); a small file is
        one PUT. Aborted on failure, so no orphan parts are billed."""
        size = path.stat().st_size
        extra = {"ContentType": content_type, "ContentDisposition": _disposition(filename)}
        if size <= PART_BYTES:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=path.read_bytes(), **extra)
            return size
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)["UploadId"]
        try:
            parts = []
            with path.open("rb") as source:
                for number in range(1, size // PART_BYTES + 2):
                    chunk = source.read(PART_BYTES)
                    if not chunk:
                        break
                    etag = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                   PartNumber=number, Body=chunk)["ETag"]
                    parts.append({"PartNumber": number, "ETag": etag})
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except Exception:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return size

    def download_url(self, key: str, filename: str, seconds: int) -> str:
        url: str = self.client.generate_presigned_url("get_object", ExpiresIn=seconds, Params={
            "Bucket": self.bucket, "Key": key, "ResponseContentDisposition": _disposition(filename)})
        return url


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
