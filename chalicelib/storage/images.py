"""The goods images bucket (S3): presigned POSTs for the browser, reads and writes for the checks and
thumbnails. Served to the browser by the UI's origin under /goods-images/ (CloudFront; locally the web
server reads moto's S3), never through the API."""
from __future__ import annotations

import os
from typing import Any

from chalicelib import names


def bucket() -> str:
    return os.environ.get("IMAGES_BUCKET") or names.bucket_name("images")


class S3ImageStore:
    def __init__(self, bucket_name: str | None = None) -> None:
        self._bucket = bucket_name
        self._client: Any = None

    @property
    def bucket(self) -> str:
        return self._bucket or bucket()

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only image routes pay
            self._client = boto3.client("s3")
        return self._client

    def presigned_post(self, key: str, conditions: list[Any], fields: dict[str, str], expires: int) -> dict[str, Any]:
        grant: dict[str, Any] = self.client.generate_presigned_post(self.bucket, key, Fields=fields,
                                                                    Conditions=conditions, ExpiresIn=expires)
        return grant

    def head(self, key: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError  # cold start: with boto3, only image routes pay
        try:
            meta = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return {"size": meta["ContentLength"], "content_type": meta.get("ContentType", "")}

    def read(self, key: str, first: int | None = None) -> bytes:
        extra = {"Range": f"bytes=0-{first - 1}"} if first else {}
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key, **extra)["Body"].read()
        return body

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                               CacheControl="public, max-age=31536000, immutable")

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)
