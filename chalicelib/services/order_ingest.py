"""The orders and after-sales consumers' use cases: one platform record version in, the unified record
updated, its stock settled, and the note the ERP hears of it out.

An order arrives as a snapshot or, from a push (trusted for ids and times only), as a reference that is
fetched through the signed API. Then: map its SKUs to ERP SKUs (links), upsert it (services/ingest.py:
only a newer platform version changes anything, conditional on the revision read), settle its stock
(services/stock.py, on every outcome: idempotent, so a redelivery heals a crash between the two steps),
and hand back the ERP note the consumer publishes batched. An after-sale case is stored the same way, and
an order it names that the OMS lacks is ingested first."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.after_sales import case_id_for, refund_state_for
from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.orders import Order, order_id_for
from chalicelib.domain.shops import Shop
from chalicelib.services.after_sales_ingest import apply_case
from chalicelib.services.ingest import Outcome, apply_and_keep
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import CanonicalAfterSale, CanonicalOrder
from chalicelib.services.ports import AfterSaleRepository, BatchReads, Clock, OrderRepository, ShopStatusStore
from chalicelib.services.queue_messages import order_group
from chalicelib.services.report_notes import new_order_fold
from chalicelib.services.stock import RouteOf, settle_order
from chalicelib.services.stock_ports import StockLedger
from chalicelib.services.stock_shipped import ShipmentsOf

log = logging.getLogger("oms.ingest")


@dataclass(frozen=True)
class IngestDeps:
    orders: OrderRepository              # the orders consumer's sends no note per write (notes go batched)
    cases: AfterSaleRepository
    shops: ShopStatusStore
    clients: Callable[[Shop], PlatformClient]
    clock: Clock
    stock: StockLedger
    shipments: ShipmentsOf
    reads: BatchReads
    route: RouteOf | None = None         # the warehouses serving a shop (None: the default warehouse)
    gate: Callable[[Order], Order] | None = None   # the review gate over the cached rules (services/review.py)
    fulfil: Callable[[Order], object] | None = None   # merges and split-outs (services/fulfilments.py)
    gifts_back: Callable[[Order], object] | None = None   # gift limits' counts back (services/fulfilment.py)
    stored: Callable[[str], Order | None] | None = None   # what this ingest last wrote of an order (order_notes.py)


@dataclass(frozen=True)
class Ingested:
    shop_id: str
    outcome: str                        # new | updated | unchanged | deferred (a push the next pull covers)
    note: tuple[str, str, str] | None   # the ERP-events message: body, group, dedup id (None: nothing applied)


def ingest_order(deps: IngestDeps, shop_id: str, order_no: str, snapshot: CanonicalOrder | None,
                 raw_ref: str = "") -> Ingested:
    order = _client(deps, shop_id).get_order(order_no) if snapshot is None else snapshot
    order_id = order_id_for(shop_id, order.order_no)
    links = deps.reads.links(shop_id, {line.platform_sku_id for line in order.lines})
    outcome, stored = apply_and_keep(deps.orders, deps.clock, shop_id, order, links, raw_ref,
                                     deps.reads.first_read(order_id), gate=deps.gate or _unreviewed,
                                     case_refund=lambda oid: refund_state_for(deps.cases.for_order(oid)))
    # An unchanged order was only read (maybe stale): settle reads it afresh. A new one has no shipment of
    # ours yet (we ship only orders we hold): no query for them, even when the platform says it shipped.
    written = stored if outcome is not Outcome.UNCHANGED else None
    shipments = deps.shipments if outcome is not Outcome.NEW else None
    settle_order(deps.stock, deps.orders, deps.clock, order_id, written, shipments, route=deps.route,
                 gifts_back=deps.gifts_back)
    if deps.fulfil is not None and written is not None:
        deps.fulfil(written)
    last = deps.stored(order_id) if deps.stored is not None else None
    new = outcome is Outcome.NEW and last is not None
    return Ingested(shop_id, outcome.value, record_note(
        "order", shop_id, order_id, order.order_no, order.version, last.revision if last else None,
        new=new, fold=new_order_fold(last) if new and last is not None else None))


def ingest_order_message(deps: IngestDeps, shop_id: str, order_no: str, snapshot: CanonicalOrder | None,
                         raw_ref: str, source: str) -> Ingested:
    try:
        return ingest_order(deps, shop_id, order_no, snapshot, raw_ref)
    except TransientError:
        if source != "push" or snapshot is not None:
            raise
        # a push names an order the platform cannot show us now: failing it would hold the order's FIFO
        # group for the queue's visibility timeout (6x the consumer's), every later change of the order
        # queued behind it. The pull reads the order's window again at its next tick once the platform
        # answers (issue 19.3: converged within two ticks of the platform's return)
        log.warning("push not fetched: the platform fails; the next pull brings the order",
                    extra={"shop_id": shop_id, "order_no": order_no})
        return Ingested(shop_id, "deferred", None)


def ingest_after_sale(deps: IngestDeps, shop_id: str, case_no: str, snapshot: CanonicalAfterSale | None
                      ) -> Ingested:
    case = _client(deps, shop_id).get_after_sale(case_no) if snapshot is None else snapshot
    outcome = apply_case(deps.cases, deps.orders, deps.clock, shop_id, case,
                         fetch_order=lambda order_no: ingest_order(deps, shop_id, order_no, None))
    case_id = case_id_for(shop_id, case.case_id)
    if deps.fulfil is not None:            # a refund on a merged order splits it out of its parcel
        order = deps.orders.get(order_id_for(shop_id, case.order_no))
        if order is not None and order.fulfilment_ids:
            deps.fulfil(order)
    return Ingested(shop_id, outcome.value, record_note("after_sale", shop_id, case_id, case.order_no, case.version))


def ingest_after_sale_message(deps: IngestDeps, shop_id: str, case_no: str, snapshot: CanonicalAfterSale | None,
                              source: str) -> Ingested:
    try:
        return ingest_after_sale(deps, shop_id, case_no, snapshot)
    except TransientError:
        if source != "push" or snapshot is not None:
            raise
        # as for an order push (ingest_order_message): the after-sales pull reads the case's window again
        log.warning("push not fetched: the platform fails; the next pull brings the after-sale",
                    extra={"shop_id": shop_id, "case_no": case_no})
        return Ingested(shop_id, "deferred", None)


def record_note(kind: str, shop_id: str, record_id: str, order_no: str, version: int, revision: int | None = None,
                *, new: bool = False, fold: dict[str, Any] | None = None) -> tuple[str, str, str]:
    """Sent for unchanged records too: if a crash lost one after the write, the redelivery sends it (the
    ERP-events consumer compares states, so a repeated note changes nothing). `revision`, `new` and `fold`
    are for the reports consumer (services/report_notes.py)."""
    data: dict[str, Any] = {"kind": kind, "id": record_id, "shop_id": shop_id, "version": version}
    if revision is not None:
        data["revision"] = revision
    if new:
        data["new"] = True
    if fold is not None:
        data["fold"] = fold
    body = json.dumps(data, separators=(",", ":"))     # ASCII: SQS refuses some characters a title may hold
    return body, order_group(shop_id, order_no), f"{kind}:{record_id}:{version}"


def _unreviewed(order: Order) -> Order:
    return order


def _client(deps: IngestDeps, shop_id: str) -> PlatformClient:
    shop = deps.shops.get(shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {shop_id}")
    return deps.clients(shop)
