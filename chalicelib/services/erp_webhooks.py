"""Delivering webhook events to an ERP: signed (Stripe style), every try recorded on the delivery, and per
order in order: a stream's owed deliveries go oldest first and stop at the first failure. Admins retry
(the stream from its oldest owed event) or replay (an accepted event again, same id and bytes)."""
from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.services.deliveries import record_attempt
from chalicelib.services.erp_ports import (
    Delivery,
    DeliveryRepository,
    DeliveryStatus,
    ErpClient,
    ErpClientRepository,
    SendResult,
    Stream,
    StreamRepository,
    WebhookSender,
)
from chalicelib.services.erp_signing import webhook_signature
from chalicelib.services.ports import Clock

MAX_ATTEMPTS = 5


class DeliveryFailedError(Exception):
    """An ERP did not accept an event: the note is retried (with backoff) and later events wait."""


@dataclass(frozen=True)
class WebhookDeps:
    clients: ErpClientRepository
    deliveries: DeliveryRepository
    streams: StreamRepository
    sender: WebhookSender
    clock: Clock


def flush(deps: WebhookDeps, client: ErpClient, stream: Stream, *, final: bool = False) -> Stream:
    """Sends what the stream owes, oldest first. `final`: the last try the queue makes; a failure then
    marks the delivery dead (the admin API shows it; a later event or a redrive carries on)."""
    while stream.pending:
        head = stream.pending[0]
        delivery = deps.deliveries.get(head)
        if delivery is not None and delivery.status is not DeliveryStatus.DELIVERED:
            withheld = not _covered(client, delivery)     # owed before an admin narrowed the client's shops
            delivery = attempt(deps, client, delivery, dead_on_failure=final or withheld)
            if delivery.status is not DeliveryStatus.DELIVERED and not withheld:
                raise DeliveryFailedError(f"{client.key_id} refused {delivery.event_type} {delivery.event_id}: "
                                          f"{delivery.last_error}")
        stream = _pop(deps, stream, head)
    return stream


def attempt(deps: WebhookDeps, client: ErpClient, delivery: Delivery, dead_on_failure: bool = False) -> Delivery:
    now = deps.clock.now()
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", "OMS-Event-Id": delivery.event_id,
               "OMS-Event-Type": delivery.event_type, "OMS-Delivery-Id": delivery.delivery_id,
               "OMS-Signature": webhook_signature(client.valid_secrets(now), int(now.timestamp()), body)}
    if not client.active or not client.webhook_url:
        result = SendResult(False, 0, "the client is inactive or has no webhook URL")
    elif not _covered(client, delivery):
        result = SendResult(False, 0, "not sent: the record's shop is outside the client's shops")
    else:
        result = deps.sender.send(client.webhook_url, headers, body)
    return record_attempt(deps.deliveries, delivery, result, now, dead_on_failure)


def _covered(client: ErpClient, delivery: Delivery) -> bool:
    return not client.shop_ids or client.covers(delivery.shop_id)


def _pop(deps: WebhookDeps, stream: Stream, delivery_id: str) -> Stream:
    for _ in range(MAX_ATTEMPTS):
        if not stream.pending or stream.pending[0] != delivery_id:
            return stream                      # someone else (an admin retry) sent it meanwhile
        popped = replace(stream, pending=stream.pending[1:])
        try:
            deps.streams.save_stream(popped, stream.revision)
            return replace(popped, revision=stream.revision + 1)
        except ConflictError:
            stream = deps.streams.get_stream(stream.key_id, stream.order_id) or stream
    raise ConflictError(f"stream {stream.key_id}/{stream.order_id} kept changing")


def get_delivery(deps: WebhookDeps, delivery_id: str) -> Delivery:
    delivery = deps.deliveries.get(delivery_id)
    if delivery is None:
        raise NotFoundError(f"no delivery {delivery_id}")
    return delivery


def retry(deps: WebhookDeps, delivery_id: str) -> Delivery:
    """Sends the delivery's stream from its oldest owed event up to and past this one (order kept)."""
    delivery = get_delivery(deps, delivery_id)
    if delivery.status is DeliveryStatus.DELIVERED:
        return delivery
    client = _client(deps, delivery.key_id)
    stream = deps.streams.get_stream(delivery.key_id, delivery.order_id)
    if stream is not None and delivery_id in stream.pending:
        with suppress(DeliveryFailedError):    # recorded on the delivery; the answer shows it
            flush(deps, client, stream)
    else:
        attempt(deps, client, delivery)
    return get_delivery(deps, delivery_id)


def replay(deps: WebhookDeps, delivery_id: str) -> Delivery:
    """An accepted event again, same id and bytes (the ERP lost it); an owed one goes through retry."""
    delivery = get_delivery(deps, delivery_id)
    if delivery.status is not DeliveryStatus.DELIVERED:
        return retry(deps, delivery_id)
    return attempt(deps, _client(deps, delivery.key_id), delivery)


def _client(deps: WebhookDeps, key_id: str) -> ErpClient:
    client = deps.clients.get(key_id)
    if client is None:
        raise NotFoundError(f"no ERP client {key_id}")
    return client


def delivery_view(delivery: Delivery) -> dict[str, object]:
    return {"delivery_id": delivery.delivery_id, "key_id": delivery.key_id, "event_id": delivery.event_id,
            "event_type": delivery.event_type, "order_id": delivery.order_id, "record": delivery.record_key,
            "status": delivery.status.value, "attempts": delivery.attempts,
            "last_status_code": delivery.last_status_code, "last_error": delivery.last_error,
            "created_at": delivery.created_at.isoformat(),
            "last_attempt_at": delivery.last_attempt_at.isoformat() if delivery.last_attempt_at else None,
            "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None}
