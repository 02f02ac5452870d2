"""The ERP integration in DynamoDB: clients (secrets envelope-encrypted), webhook deliveries, each
client's per-order stream, the ERP's answers on cases, rate-limit windows, and the after-sale hand-off
queue. Every state change is conditional on the revision read."""
from __future__ import annotations

import time
from contextlib import suppress
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order
from chalicelib.services.erp_ports import CaseResult, Delivery, DeliveryStatus, ErpClient, Stream, Told
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.envelope import Envelope, default_envelope
from chalicelib.storage.erp_models import ApiClientItem, DeliveryItem, StateItem
from chalicelib.storage.models import AfterSaleItem, OrderItem
from chalicelib.storage.orders import from_item

DIRECTORY = "~directory"
DELIVERED_RETENTION_SECONDS = 30 * 24 * 3600


class DynamoErpClientRepository:
    def __init__(self, envelope: Envelope | None = None) -> None:
        self._envelope = envelope

    @property
    def envelope(self) -> Envelope:
        if self._envelope is None:
            self._envelope = default_envelope()
        return self._envelope

    def get(self, key_id: str) -> ErpClient | None:
        if key_id == DIRECTORY:
            return None
        try:
            return self._from_item(ApiClientItem.get(key_id, consistent_read=True))
        except ApiClientItem.DoesNotExist:
            return None

    def add(self, client: ErpClient) -> None:
        conditional.put(self._to_item(client, 1), ApiClientItem.key_id.does_not_exist(), f"ERP client {client.key_id}")
        ApiClientItem(DIRECTORY).update(actions=[ApiClientItem.key_ids.add({client.key_id})])

    def save(self, client: ErpClient, expected_revision: int) -> None:
        conditional.put(self._to_item(client, expected_revision + 1), ApiClientItem.revision == expected_revision,
                        f"ERP client {client.key_id}")

    def all(self) -> list[ErpClient]:
        try:
            key_ids = sorted(ApiClientItem.get(DIRECTORY, consistent_read=True).key_ids or ())
        except ApiClientItem.DoesNotExist:
            return []
        items = list(ApiClientItem.batch_get(key_ids)) if key_ids else []
        return sorted((self._from_item(i) for i in items), key=lambda c: c.key_id)

    def _to_item(self, client: ErpClient, revision: int) -> ApiClientItem:
        doc = {k: v for k, v in to_doc(client).items() if k != "secrets"}
        blob = self.envelope.encrypt(to_doc(client.secrets), _context(client.key_id))
        return ApiClientItem(client.key_id, revision=revision, doc=doc | {"revision": revision, "secrets_blob": blob})

    def _from_item(self, item: ApiClientItem) -> ErpClient:
        doc = dict(item.doc or {})
        secrets = self.envelope.decrypt(doc.pop("secrets_blob"), _context(item.key_id))
        return from_doc(ErpClient, doc | {"secrets": secrets, "revision": int(item.revision)})


def _context(key_id: str) -> str:
    return f"erp:{key_id}:secrets"


class DynamoDeliveryRepository:
    def get(self, delivery_id: str) -> Delivery | None:
        try:
            return _delivery(DeliveryItem.get(delivery_id, consistent_read=True))
        except DeliveryItem.DoesNotExist:
            return None

    def add(self, delivery: Delivery) -> None:
        with suppress(ConflictError):            # the same event again: ids are stable
            conditional.put(_delivery_item(delivery, 1), DeliveryItem.delivery_id.does_not_exist(),
                            f"delivery {delivery.delivery_id}")

    def save(self, delivery: Delivery, expected_revision: int) -> None:
        conditional.put(_delivery_item(delivery, expected_revision + 1), DeliveryItem.revision == expected_revision,
                        f"delivery {delivery.delivery_id}")

    def for_client(self, key_id: str, limit: int, cursor: str | None = None,
                   undelivered_only: bool = False) -> Page[Delivery]:
        index: Any = DeliveryItem.by_undelivered if undelivered_only else DeliveryItem.by_client
        results = index.query(key_id, limit=limit, scan_index_forward=False,
                              last_evaluated_key=paging.decode(cursor))
        items = [_delivery(i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))


def _delivery_item(delivery: Delivery, revision: int) -> DeliveryItem:
    delivered = delivery.status is DeliveryStatus.DELIVERED
    return DeliveryItem(
        delivery.delivery_id, key_id=delivery.key_id, status=delivery.status.value, revision=revision,
        created_key=f"{sortable(delivery.created_at)}#{delivery.event_id}",
        undelivered_client=None if delivered else delivery.key_id,
        expires_at=int(delivery.created_at.timestamp()) + DELIVERED_RETENTION_SECONDS if delivered else None,
        doc=to_doc(delivery) | {"revision": revision})


def _delivery(item: DeliveryItem) -> Delivery:
    return from_doc(Delivery, item.doc)


class DynamoStreamRepository:
    def get_stream(self, key_id: str, order_id: str) -> Stream | None:
        try:
            item = StateItem.get(_stream_key(key_id, order_id), consistent_read=True)
        except StateItem.DoesNotExist:
            return None
        doc = item.doc or {}
        told = {k: Told(v["digest"], frozenset(v.get("flags", ())), int(v.get("revision", 0)))
                for k, v in doc.get("told", {}).items()}
        return Stream(key_id, order_id, seq=int(doc.get("seq", 0)), told=told,
                      pending=tuple(doc.get("pending", ())), revision=int(item.revision))

    def save_stream(self, stream: Stream, expected_revision: int) -> None:
        doc = {"seq": stream.seq, "pending": list(stream.pending),
               "told": {k: {"digest": t.digest, "flags": sorted(t.flags), "revision": t.revision}
                        for k, t in stream.told.items()}}
        item = StateItem(_stream_key(stream.key_id, stream.order_id), revision=expected_revision + 1, doc=doc)
        condition = StateItem.state_key.does_not_exist() if expected_revision == 0 else \
            StateItem.revision == expected_revision
        conditional.put(item, condition, f"stream {stream.key_id}/{stream.order_id}")

    def get_result(self, case_id: str) -> CaseResult | None:
        try:
            item = StateItem.get(f"RESULT#{case_id}", consistent_read=True)
        except StateItem.DoesNotExist:
            return None
        return from_doc(CaseResult, (item.doc or {}) | {"revision": int(item.revision)})

    def add_result(self, result: CaseResult) -> None:
        item = StateItem(f"RESULT#{result.case_id}", revision=1, doc=to_doc(result))
        conditional.put(item, StateItem.state_key.does_not_exist(), f"answer on case {result.case_id}")


def _stream_key(key_id: str, order_id: str) -> str:
    return f"STREAM#{key_id}#{order_id}"


class DynamoRateLimiter:
    def hit(self, key: str, window_start: int, ttl_seconds: int) -> int:
        item = StateItem(f"RATE#{key}#{window_start}")
        item.update(actions=[StateItem.hits.add(1), StateItem.expires_at.set(int(time.time()) + ttl_seconds)])
        return int(item.hits or 0)


class DynamoHandoffQueue:
    """The ready lists of orders and cases ("READY" while waiting for the ERP), one DynamoDB page
    per call. A shop scope is a filter on the page read: DynamoDB counts `limit` before filtering, so the
    cursor always stands right after the last record read, and nothing of another shop is skipped for good."""

    def erp_ready_orders(self, limit: int, cursor: str | None = None,
                         shop_ids: frozenset[str] = frozenset()) -> Page[Order]:
        raw, last = _one_page(OrderItem.by_list, limit, cursor, _in_shops(OrderItem.shop_id, shop_ids))
        order_ids = [item["order_id"]["S"] for item in raw]
        found = {i.order_id: i for i in OrderItem.batch_get(order_ids)} if order_ids else {}
        return Page([from_item(found[i]) for i in order_ids if i in found], paging.encode(last))

    def erp_ready_cases(self, limit: int, cursor: str | None = None,
                        shop_ids: frozenset[str] = frozenset()) -> Page[AfterSale]:
        raw, last = _one_page(AfterSaleItem.by_erp_ready, limit, cursor, _in_shops(AfterSaleItem.shop_id, shop_ids))
        items = [from_doc(AfterSale, AfterSaleItem.from_raw_data(item).doc) for item in raw]
        return Page(items, paging.encode(last))


DynamoCaseQueue = DynamoHandoffQueue      # the name bootstrap.erp_case_queue() builds


def _in_shops(attribute: Any, shop_ids: frozenset[str]) -> Condition | None:
    return attribute.is_in(*sorted(shop_ids)) if shop_ids else None


def _one_page(index: Any, limit: int, cursor: str | None, condition: Condition | None
              ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Exactly one Query request (pynamodb's own iterator would read on until `limit` records passed the
    filter: unbounded for a client whose shops have nothing ready)."""
    results = index.query("READY", page_size=limit, filter_condition=condition,
                          last_evaluated_key=paging.decode(cursor))
    pages = results.page_iter
    page = next(pages, None)
    return list((page or {}).get("Items", [])), pages.last_evaluated_key
