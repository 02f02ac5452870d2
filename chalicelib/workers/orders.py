"""The orders and after-sales queue consumers: one message per record version, FIFO-grouped per order."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.workers.batch import Applied, note, run_batch
from chalicelib.workers.batch_reads import BatchReads

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.orders")


_reads = BatchReads()


@bp.on_sqs_message(queue=names.queue_name("orders"), batch_size=10)
def on_order_message(event: Any) -> dict[str, Any]:
    _reads.start(event.to_dict()["Records"])
    bootstrap.review_cache().refresh(bootstrap.review_store())   # the review rules' version: once per batch
    return run_batch(event, _handle_order, "orders")


@bp.on_sqs_message(queue=names.queue_name("after_sales"), batch_size=10)
def on_after_sale_message(event: Any) -> dict[str, Any]:
    _reads.clear()
    return run_batch(event, _handle_after_sale, "after_sales")


def _handle_order(body: str) -> Applied:
    from chalicelib.domain.orders import order_id_for
    from chalicelib.messaging.messages import OrderMessage
    message = OrderMessage.model_validate_json(body)
    # its note goes out batched after the batch (run_batch): the plain repository sends none of its own
    outcome, version = ingest_order(message.shop_id, message.order_no, message.snapshot, message.raw_ref,
                                    bootstrap.plain_orders())
    order_id = order_id_for(message.shop_id, message.order_no)
    return Applied(message.shop_id, outcome, note("order", message.shop_id, order_id, message.order_no, version))


def ingest_order(shop_id: str, order_no: str, snapshot: dict[str, Any] | None, raw_ref: str = "",
                 orders: Any = None) -> tuple[str, int]:
    """Applies a snapshot, or fetches the order through the signed API when the message is a reference
    (pushes carry ids and times only: their content is never trusted). `orders`: the repository (by
    default the one that tells the ERP of each write)."""
    from chalicelib.codec import from_doc
    from chalicelib.domain.orders import order_id_for
    from chalicelib.platforms.base import CanonicalOrder
    from chalicelib.services.ingest import Outcome, apply_and_keep
    from chalicelib.services.stock import settle_order

    order = _client(shop_id).get_order(order_no) if snapshot is None else from_doc(CanonicalOrder, snapshot)
    links = _reads.links(shop_id, {line.platform_sku_id for line in order.lines})
    orders = orders or bootstrap.orders()
    outcome, stored = apply_and_keep(orders, bootstrap.clock(), shop_id, order, links, raw_ref,
                                     _reads.first_read(order_id_for(shop_id, order.order_no)),
                                     gate=bootstrap.review_gate())
    # on every outcome, unchanged included: idempotent, so a redelivery heals a crash between the two steps.
    # An unchanged order was only read (maybe stale): settle reads it afresh.
    written = stored if outcome is not Outcome.UNCHANGED else None
    settle_order(bootstrap.stock(), orders, bootstrap.clock(), order_id_for(shop_id, order.order_no),
                 written, bootstrap.shipments().for_order)
    return outcome.value, order.version


def _handle_after_sale(body: str) -> Applied:
    from chalicelib.codec import from_doc
    from chalicelib.domain.after_sales import case_id_for
    from chalicelib.messaging.messages import AfterSaleMessage
    from chalicelib.platforms.base import CanonicalAfterSale
    from chalicelib.services.after_sales_ingest import apply_case

    message = AfterSaleMessage.model_validate_json(body)
    if message.snapshot is None:
        case = _client(message.shop_id).get_after_sale(message.case_id)
    else:
        case = from_doc(CanonicalAfterSale, message.snapshot)

    def fetch_order(order_no: str) -> None:
        ingest_order(message.shop_id, order_no, None)

    outcome = apply_case(bootstrap.after_sales(), bootstrap.orders(), bootstrap.clock(), message.shop_id, case,
                         fetch_order=fetch_order)
    case_id = case_id_for(message.shop_id, case.case_id)
    return Applied(message.shop_id, outcome.value, note("after_sale", message.shop_id, case_id, case.order_no,
                                                        case.version))


def _client(shop_id: str) -> Any:
    from chalicelib.domain.errors import NotFoundError
    shop = bootstrap.shops().get(shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {shop_id}")
    return bootstrap.clients()(shop)
