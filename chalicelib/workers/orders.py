"""The orders and after-sales queue consumers: one message per record version, FIFO-grouped per order. Each
message is parsed and handed to its use case (services/order_ingest.py); the notes go out batched."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.workers.batch import run_batch
from chalicelib.workers.batch_reads import BatchReads

if TYPE_CHECKING:
    from chalicelib.services.order_ingest import Ingested

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.orders")


_reads = BatchReads()


@bp.on_sqs_message(queue=names.queue_name("orders"), batch_size=10)
def on_order_message(event: Any) -> dict[str, Any]:
    _reads.start(event.to_dict()["Records"])
    bootstrap.review_cache().refresh(bootstrap.review_store())   # the review rules' version: once per batch
    bootstrap.fulfil_cache().refresh(bootstrap.fulfil_store(), bootstrap.warehouses())   # and the fulfilment's
    return run_batch(event, _handle_order, "orders")


@bp.on_sqs_message(queue=names.queue_name("after_sales"), batch_size=10)
def on_after_sale_message(event: Any) -> dict[str, Any]:
    _reads.clear()
    return run_batch(event, _handle_after_sale, "after_sales")


# Imported in the handlers: every Lambda of the app loads this module, and only these two consumers need
# the ingest use cases and pydantic's message models.
def _handle_order(body: str) -> Ingested:
    from chalicelib.codec import from_doc
    from chalicelib.services.order_ingest import ingest_order_message
    from chalicelib.services.platform_types import CanonicalOrder
    from chalicelib.services.queue_messages import OrderMessage
    message = OrderMessage.model_validate_json(body)
    snapshot = None if message.snapshot is None else from_doc(CanonicalOrder, message.snapshot)
    # its note goes out batched after the batch (run_batch): the plain repository sends none of its own
    return ingest_order_message(bootstrap.ingest_deps(_reads, noting=False), message.shop_id, message.order_no,
                                snapshot, message.raw_ref, message.source)


def _handle_after_sale(body: str) -> Ingested:
    from chalicelib.codec import from_doc
    from chalicelib.services.order_ingest import ingest_after_sale_message
    from chalicelib.services.platform_types import CanonicalAfterSale
    from chalicelib.services.queue_messages import AfterSaleMessage
    message = AfterSaleMessage.model_validate_json(body)
    snapshot = None if message.snapshot is None else from_doc(CanonicalAfterSale, message.snapshot)
    return ingest_after_sale_message(bootstrap.ingest_deps(_reads, noting=True), message.shop_id, message.case_id,
                                     snapshot, message.source)
