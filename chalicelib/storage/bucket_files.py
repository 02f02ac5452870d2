"""Files in the private data bucket (the raw bucket): uploads from a file on disk, by multipart above one part,
and presigned GET links. Used by the background exports (`exports/`) and the daily history (`history/`)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from chalicelib.config import settings

PART_BYTES = 8 * 1024 * 1024            # S3's parts are 5 MB at least (but the last)


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
