"""The ERP integration: clients, webhook deliveries, event streams, the hand-off queue and shipments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.erp_events import EventDeps
    from chalicelib.services.erp_ports import (
        DeliveryRepository,
        ErpClientRepository,
        HandoffQueue,
        RateLimiter,
        ShipmentStore,
        StreamRepository,
        WebhookSender,
    )
    from chalicelib.services.erp_webhooks import WebhookDeps
    from chalicelib.services.ports import (
        QueueAdmin,
    )
    from chalicelib.services.shipments import ShipmentDeps

__all__ = [
    "erp_case_queue",
    "erp_clients",
    "erp_deliveries",
    "erp_queue_admin",
    "erp_rate_limiter",
    "erp_streams",
    "event_deps",
    "shipment_deps",
    "shipments",
    "webhook_deps",
    "webhook_sender",
]


def erp_clients() -> ErpClientRepository:
    def build() -> ErpClientRepository:
        from chalicelib.storage.erp import DynamoErpClientRepository

        return DynamoErpClientRepository()

    return _get("erp_clients", build)


def erp_deliveries() -> DeliveryRepository:
    def build() -> DeliveryRepository:
        from chalicelib.storage.erp import DynamoDeliveryRepository

        return DynamoDeliveryRepository()

    return _get("erp_deliveries", build)


def erp_streams() -> StreamRepository:
    def build() -> StreamRepository:
        from chalicelib.storage.erp import DynamoStreamRepository

        return DynamoStreamRepository()

    return _get("erp_streams", build)


def erp_rate_limiter() -> RateLimiter:
    def build() -> RateLimiter:
        from chalicelib.storage.erp import DynamoRateLimiter

        return DynamoRateLimiter()

    return _get("erp_rate_limiter", build)


def erp_case_queue() -> HandoffQueue:
    def build() -> HandoffQueue:
        from chalicelib.storage.erp import DynamoCaseQueue

        return DynamoCaseQueue()

    return _get("erp_case_queue", build)


def shipments() -> ShipmentStore:
    def build() -> ShipmentStore:
        from chalicelib.storage.shipments import DynamoShipmentRepository

        return DynamoShipmentRepository()

    return _get("shipments", build)


def webhook_sender() -> WebhookSender:
    def build() -> WebhookSender:
        from chalicelib.messaging.erp_adapters import HttpxWebhookSender

        return HttpxWebhookSender()

    return _get("webhook_sender", build)


def erp_queue_admin() -> QueueAdmin:
    def build() -> QueueAdmin:
        from chalicelib.messaging.erp_adapters import SqsQueueAdmin

        return SqsQueueAdmin()

    return _get("erp_queue_admin", build)


def shipment_deps() -> ShipmentDeps:
    from chalicelib.services.shipments import ShipmentDeps

    return ShipmentDeps(
        orders=bootstrap.orders(),
        shipments=shipments(),
        publisher=bootstrap.publisher(),
        clock=bootstrap.clock(),
        stock=bootstrap.stock(),
        route=bootstrap.route,
        fulfilments=bootstrap.fulfilments(),
    )


def webhook_deps() -> WebhookDeps:
    from chalicelib.services.erp_webhooks import WebhookDeps

    return WebhookDeps(
        clients=erp_clients(),
        deliveries=erp_deliveries(),
        streams=erp_streams(),
        sender=webhook_sender(),
        clock=bootstrap.clock(),
    )


def event_deps() -> EventDeps:
    from chalicelib.services.erp_events import EventDeps

    return EventDeps(
        webhooks=webhook_deps(), orders=bootstrap.orders(), cases=bootstrap.after_sales(), shipments=shipments()
    )
