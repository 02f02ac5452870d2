"""S3's CORS as the browser meets it, in moto's server. moto answers every origin on every service by default
(flask-cors); the local runtime turns that off (moto_server.py) so each bucket's own CORS rules decide, as on
S3. moto then applies a bucket's rules to preflights and to object reads and writes, but not to the answer
of a form POST (the presigned upload of goods images): S3 does, so here it does too."""
from __future__ import annotations

from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.s3.responses import S3Response
    post = S3Response._bucket_response_post

    def with_cors(self: Any, request: Any, bucket_name: str) -> Any:
        status, headers, body = post(self, request, bucket_name)
        return status, {**self._get_cors_headers_other(), **headers}, body

    S3Response._bucket_response_post = with_cors  # type: ignore[method-assign]
    _applied = True
