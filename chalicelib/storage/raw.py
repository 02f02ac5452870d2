"""Raw platform payloads, kept losslessly in S3: one gzipped JSON-lines object per batch of records
(one PUT per order would cap the pipeline at S3's request rate and cost ~$5 per million orders)."""
from __future__ import annotations

import gzip
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.shops import Shop


class S3RawStore:
    def __init__(self, bucket: str | None = None, client: Any = None) -> None:
        self._bucket = bucket
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only callers of this pay
            self._client = boto3.client("s3")
        return self._client

    @property
    def bucket(self) -> str:
        return self._bucket or settings().raw_bucket

    def put_batch(self, shop: Shop, stream: str, payloads: list[dict[str, Any]]) -> str:
        now = datetime.now(UTC)
        key = f"{shop.platform.value}/{shop.shop_id}/{stream}/{now:%Y/%m/%d}/{now:%H%M%S}-{uuid.uuid4().hex}.jsonl.gz"
        body = gzip.compress("\n".join(json.dumps(p, ensure_ascii=False, default=str) for p in payloads).encode())
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/x-ndjson",
                               ContentEncoding="gzip")
        return key

    def get(self, raw_ref: str) -> dict[str, Any]:
        key, _, index = raw_ref.partition("#")
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        lines = gzip.decompress(body).decode().splitlines()
        return dict(json.loads(lines[int(index or 0)]))
