"""What the ERP integration works with: ERP clients and their signing secrets, webhook deliveries, the
per-order stream of what each client was told, and the ports (storage, HTTP, shipments) that hold them.
storage/erp.py and storage/shipments.py implement the ports; tests/fakes.py has the fakes."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.orders import Order
from chalicelib.domain.shipping import Shipment
from chalicelib.services.erp_scope import covers
from chalicelib.services.ports import Page, ShipmentLists

# What a client may do. "webhooks": it receives pushed events.
SCOPES = ("orders", "shipments", "after_sales", "stock", "webhooks")

# webhook event type -> when it is sent (the ERP OpenAPI document's webhooks, the README's list)
EVENTS = {
    "order.created": "a new order (its first event)",
    "order.updated": "the order changed (status, lines, memos, receiver...)",
    "order.cancelled": "the order was cancelled",
    "order.held": "the order's holds changed and it is held (data.order.holds lists them)",
    "order.released": "the order's last hold was released",
    "shipment.confirmed": "the platform accepted the shipment (or an operator marked it shipped)",
    "shipment.failed": "the platform refused the shipment's ship-back (data.shipment.platform_error says why); "
                       "post it again once fixed",
    "after_sale.created": "a new after-sale case",
    "after_sale.updated": "the case changed",
    "after_sale.action_failed": "the platform refused an action on the case (data.failure: action, reason, at)",
}
EVENT_TYPES = tuple(EVENTS)

# Our common carrier codes; each platform maps them in chalicelib/platforms/<p>/mapping.py CARRIERS.
CARRIER_CODES = ("ZTO", "YTO", "STO", "YUNDA", "SF", "JD", "EMS", "JTSD", "DBL", "YZPY")


@dataclass(frozen=True)
class SigningSecret:
    secret: str
    created_at: datetime
    expires_at: datetime | None = None       # set when rotated out: still accepted until then


@dataclass(frozen=True)
class ErpClient:
    key_id: str
    name: str
    scopes: frozenset[str]
    created_at: datetime
    webhook_url: str = ""
    events: frozenset[str] = frozenset()     # subscribed event types; empty: every type
    shop_ids: frozenset[str] = frozenset()   # the shops it may see; empty: every shop (clients stored before)
    active: bool = True
    rate_per_minute: int = 600
    secrets: tuple[SigningSecret, ...] = ()  # newest first; held encrypted at rest, never shown again
    revision: int = 0

    def valid_secrets(self, now: datetime) -> list[str]:
        return [s.secret for s in self.secrets if s.expires_at is None or s.expires_at > now]

    def covers(self, shop_id: str) -> bool:
        """Whether a record of this shop is the client's to see: outside its shops a record does not exist
        for it (404, never 403, so ids cannot be probed)."""
        return covers(self.shop_ids, shop_id)

    def wants_any(self) -> bool:
        return self.active and "webhooks" in self.scopes and bool(self.webhook_url)

    def wants(self, event_type: str) -> bool:
        return self.wants_any() and (not self.events or event_type in self.events)


class DeliveryStatus(StrEnum):
    PENDING = "pending"        # not yet accepted by the ERP; retried
    DELIVERED = "delivered"    # the ERP answered 2xx
    DEAD = "dead"              # retries ran out (the note went to the DLQ); replay or redrive from the admin API


@dataclass(frozen=True)
class Delivery:
    """One event for one ERP client. The body is fixed when the event is made: a retry or a replay sends
    the same bytes with the same event id, so the ERP can deduplicate."""
    delivery_id: str
    key_id: str
    event_id: str
    event_type: str
    order_id: str
    record_key: str            # "order:<id>", "after_sale:<id>", "shipment:<id>"
    body: str
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_status_code: int = 0
    last_error: str = ""
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    revision: int = 0

    @property
    def shop_id(self) -> str:
        """The shop of the record the event carries (its body holds one record view)."""
        data: dict[str, dict[str, Any]] = json.loads(self.body).get("data") or {}
        return next((str(view.get("shop_id", "")) for view in data.values()), "")


@dataclass(frozen=True)
class Told:
    digest: str                              # of what the client was last told about one record
    flags: frozenset[str] = frozenset()      # "held", "cancelled", "confirmed"
    revision: int = 0                        # the order's stored revision it showed (0: not known)


@dataclass(frozen=True)
class Stream:
    """One client's view of one order and everything hanging off it (cases, shipments): what it was told,
    the next sequence number and the deliveries still owed, in order. One item per (client, order)."""
    key_id: str
    order_id: str
    seq: int = 0
    told: Mapping[str, Told] = field(default_factory=dict)
    pending: tuple[str, ...] = ()            # delivery ids, oldest first
    revision: int = 0


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    action: str
    outcome: str
    recorded_at: datetime
    recorded_by: str
    note: str = ""
    erp_ref: str = ""
    revision: int = 0


class ErpClientRepository(Protocol):
    def get(self, key_id: str) -> ErpClient | None: ...
    def add(self, client: ErpClient) -> None: ...
    def save(self, client: ErpClient, expected_revision: int) -> None: ...
    def all(self) -> list[ErpClient]: ...


class DeliveryRepository(Protocol):
    def get(self, delivery_id: str) -> Delivery | None: ...
    def add(self, delivery: Delivery) -> None:
        """Insert; a delivery with the same id already there is left as it is (event ids are stable)."""
    def save(self, delivery: Delivery, expected_revision: int) -> None: ...
    def for_client(self, key_id: str, limit: int, cursor: str | None = None,
                   undelivered_only: bool = False) -> Page[Delivery]: ...


class StreamRepository(Protocol):
    def get_stream(self, key_id: str, order_id: str) -> Stream | None: ...
    def save_stream(self, stream: Stream, expected_revision: int) -> None:
        """expected_revision 0: the first write of this stream."""
    def get_result(self, case_id: str) -> CaseResult | None: ...
    def add_result(self, result: CaseResult) -> None: ...


class RateLimiter(Protocol):
    def hit(self, key: str, window_start: int, ttl_seconds: int) -> int:
        """Counts one request in the window; returns the count so far."""


class HandoffQueue(Protocol):
    """The records waiting for the ERP, oldest first, one index page per call. `shop_ids` (empty: every
    shop) filters the page after it is read, as a DynamoDB filter does: a page may hold fewer records
    than `limit`, even none, and still have a cursor; the caller pages on."""
    def erp_ready_orders(self, limit: int, cursor: str | None = None,
                         shop_ids: frozenset[str] = frozenset()) -> Page[Order]: ...
    def erp_ready_cases(self, limit: int, cursor: str | None = None,
                        shop_ids: frozenset[str] = frozenset()) -> Page[AfterSale]: ...


CaseQueue = HandoffQueue      # its first name, when it held the cases only


class ShipmentRepository(Protocol):
    def get(self, shipment_id: str) -> Shipment | None: ...
    def add(self, shipment: Shipment) -> None: ...
    def save(self, shipment: Shipment, expected_revision: int) -> None: ...
    def for_order(self, order_id: str) -> list[Shipment]: ...
    def by_tracking(self, tracking_no: str) -> list[Shipment]: ...


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int = 0
    error: str = ""
    body: str = ""              # the start of the answer (bots answer 200 with an error code inside)


class WebhookSender(Protocol):
    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult: ...


JsonDict = dict[str, Any]


class ShipmentStore(ShipmentRepository, ShipmentLists, Protocol):
    """The shipments as storage keeps them: records and the list pages."""

