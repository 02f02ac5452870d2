"""The images consumer: one thumbnail per confirmed upload (services/goods_images.py). Redelivery makes
the same thumbnail again; an original that is gone or unreadable is dropped, not retried."""
from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint

from chalicelib import names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=names.queue_name("images"), batch_size=5)
def on_image_message(event: Any) -> dict[str, Any]:
    from chalicelib.services.goods_images import make_thumbnail
    from chalicelib.storage.images import S3ImageStore
    store = S3ImageStore()      # not goods_wiring: this function's role reaches the images bucket only

    def handle(body: str, record: dict[str, Any]) -> None:
        make_thumbnail(store, json.loads(body)["key"])
    return consume(event, handle)
