"""Goods images: the browser uploads straight to S3 with a presigned POST whose policy holds the limits
(content-length-range, the exact Content-Type, the key), so S3 itself refuses a bigger file or another
type; the API never carries the bytes. After the upload the browser confirms: the object is checked
again (size, and its first bytes are an image of the declared type; S3 only checks the declared type)
and a thumbnail job goes on the images queue, where the worker makes a 256 px JPEG beside it."""
from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.domain.goods import refuse

MAX_BYTES = 5 * 1024 * 1024
TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
PREFIX = "goods-images/originals/"
THUMBS = "goods-images/thumbs/"
THUMB_PX = 256
GRANT_SECONDS = 600
QUEUE = "images"


class ImageStore(Protocol):
    def presigned_post(self, key: str, conditions: list[Any], fields: dict[str, str], expires: int
                       ) -> dict[str, Any]: ...
    def head(self, key: str) -> dict[str, Any] | None:
        """{"size": bytes, "content_type": ...} or None when absent."""
    def read(self, key: str, first: int | None = None) -> bytes: ...
    def put(self, key: str, body: bytes, content_type: str) -> None: ...
    def delete(self, key: str) -> None: ...


class Queue(Protocol):
    def publish(self, queue: str, messages: Any) -> None: ...


def grant_upload(store: ImageStore, content_type: str, size: int) -> dict[str, Any]:
    if content_type not in TYPES:
        raise refuse(f"content_type: one of {', '.join(TYPES)}", "content_type", "goods.image_type")
    if not 0 < size <= MAX_BYTES:
        raise refuse(f"size: an image of at most {MAX_BYTES} bytes", "size", "goods.image_too_large")
    key = f"{PREFIX}{uuid.uuid4().hex}.{TYPES[content_type]}"
    conditions: list[Any] = [{"key": key}, {"Content-Type": content_type}, ["content-length-range", 1, MAX_BYTES]]
    grant = store.presigned_post(key, conditions, {"Content-Type": content_type}, GRANT_SECONDS)
    return {"url": grant["url"], "fields": grant["fields"], "key": key, "max_bytes": MAX_BYTES}


MAGIC = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/gif": (b"GIF87a", b"GIF89a")}


def looks_like(content_type: str, head: bytes) -> bool:
    if content_type == "image/webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return any(head.startswith(m) for m in MAGIC.get(content_type, ()))


def confirm_upload(store: ImageStore, queue: Queue, key: str) -> dict[str, Any]:
    """The uploaded object checked; refused ones are deleted (nothing half-stored), good ones thumbnailed."""
    if not key.startswith(PREFIX) or "/" in key[len(PREFIX):] or ".." in key:
        raise refuse("key: an image key this API granted", "key", "goods.image_missing")
    meta = store.head(key)
    if meta is None:
        raise refuse("the image has not been uploaded", "key", "goods.image_missing")
    content_type = str(meta.get("content_type", ""))
    if int(meta["size"]) > MAX_BYTES:
        store.delete(key)
        raise refuse(f"the image is over {MAX_BYTES} bytes", "key", "goods.image_too_large")
    if content_type not in TYPES or not looks_like(content_type, store.read(key, 16)):
        store.delete(key)
        raise refuse("the file is not an image of its declared type", "key", "goods.not_an_image")
    queue.publish(QUEUE, [(json.dumps({"key": key}), key, key)])
    return {"key": key, "thumbnail": thumb_key(key)}


def thumb_key(key: str) -> str:
    return THUMBS + key[len(PREFIX):].rsplit(".", 1)[0] + ".jpg"


def make_thumbnail(store: ImageStore, key: str) -> bool:
    """Idempotent: redelivery writes the same thumbnail again. False when the original is gone or is not
    an image Pillow can read (nothing to retry)."""
    from PIL import Image, UnidentifiedImageError  # cold start: Pillow ~60 ms, only the thumbnail worker pays
    if store.head(key) is None:
        return False
    try:
        with Image.open(io.BytesIO(store.read(key))) as image:
            image.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return False
    store.put(thumb_key(key), out.getvalue(), "image/jpeg")
    return True


# ------------------------------------------------------------------ platform images (推送到商品库)
def sniff(head: bytes) -> str | None:
    return next((t for t in TYPES if looks_like(t, head)), None)


def platform_image_key(url: str) -> str:
    """Derived from the URL: pushing the product again (or a redelivered step) names the same object."""
    ext = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
    return f"{PREFIX}p{hashlib.sha256(url.encode()).hexdigest()[:32]}.{ext if ext in TYPES.values() else 'jpg'}"


@dataclass
class QueuedImages:
    """Platform images fetched later, by the images worker: `source` says where from (None: not the
    platform's image CDN, nothing fetched), `fetch_later` queues it."""
    source_of: Callable[[str, str], str | None]       # (shop id, image URL) -> the URL to fetch
    queue: Queue

    def source(self, shop_id: str, url: str) -> str | None:
        return self.source_of(shop_id, url)

    def fetch_later(self, key: str, source: str) -> None:
        self.queue.publish(QUEUE, [(json.dumps({"key": key, "fetch": source}), key, key)])


def import_image(store: ImageStore, key: str, source: str, download: Callable[[str], bytes | None]) -> bool:
    """A platform image stored as an uploaded one is (same checks), then its thumbnail; idempotent. False when
    the CDN refused it or it is not an image (nothing to retry)."""
    if store.head(key) is None:
        body = download(source)
        content_type = sniff(body[:16]) if body else None
        if body is None or content_type is None or len(body) > MAX_BYTES:
            return False
        store.put(key, body, content_type)
    return make_thumbnail(store, key)
