"""The images consumer: one thumbnail per confirmed upload (services/goods_images.py), and the platform
images of pushed goods copied in (fetched from the platform's CDN, checked like an upload) then thumbnailed.
Redelivery makes the same thumbnail again; an original that is gone or unreadable, or an image the CDN
refuses, is dropped, not retried (a network error is retried by the queue)."""
from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint

from chalicelib import names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=names.queue_name("images"), batch_size=5)
def on_image_message(event: Any) -> dict[str, Any]:
    from chalicelib.platforms.images import download
    from chalicelib.services.goods_images import import_image, make_thumbnail
    from chalicelib.storage.images import S3ImageStore
    store = S3ImageStore()      # not bootstrap.images(): this function's role reaches the images bucket only

    def handle(body: str, record: dict[str, Any]) -> None:
        job = json.loads(body)
        if job.get("fetch"):        # a platform image of pushed goods: copied in first
            import_image(store, job["key"], job["fetch"], download)
        else:
            make_thumbnail(store, job["key"])
    return consume(event, handle)
