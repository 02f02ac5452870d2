"""Which events a record's change makes, per ERP client, on fakes: stable ids, nothing for a repeated
note, held/released/cancelled, subscriptions, and events kept in order while the ERP is down."""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.erp_clients import create_client, rotate_secret
from chalicelib.services.erp_events import EventDeps, Note, process_note
from chalicelib.services.erp_webhooks import DeliveryFailedError, WebhookDeps
from chalicelib.services.ingest import apply_snapshot
from tests import fakes
from tests.erp_kit import verify_webhook
from tests.factories import canonical_order


@pytest.fixture
def deps() -> EventDeps:
    clock = fakes.FixedClock()
    hooks = WebhookDeps(clients=fakes.InMemoryErpClientRepository(), deliveries=fakes.InMemoryDeliveryRepository(),
                        streams=fakes.InMemoryStreamRepository(), sender=fakes.RecordingWebhookSender(), clock=clock)
    return EventDeps(webhooks=hooks, orders=fakes.InMemoryOrderRepository(),
                     cases=fakes.InMemoryAfterSaleRepository(), shipments=fakes.InMemoryShipmentRepository())


def _client(deps: EventDeps, **kw: Any) -> tuple[str, str]:
    client, secret = create_client(deps.webhooks.clients, deps.webhooks.clock, name="ERP", scopes=["webhooks"],
                                   webhook_url="https://erp.example.test/hooks", **kw)
    return client.key_id, secret


def _apply(deps: EventDeps, minutes: int, **kw: Any) -> None:
    order = canonical_order("5001", minutes=minutes, **kw)
    apply_snapshot(deps.orders, deps.webhooks.clock, "S1", order, {"sku-1": (SkuLink("ERP-1"),)})


def _note() -> Note:
    return Note("order", "S1-5001", "S1")


def _types(deps: EventDeps) -> list[str]:
    return [e["type"] for e in deps.webhooks.sender.events()]  # type: ignore[attr-defined]


def test_given_an_order_life_then_created_updated_held_released_cancelled_in_sequence(deps: EventDeps) -> None:
    _client(deps)
    _apply(deps, 0)
    process_note(deps, _note())
    process_note(deps, _note())                       # the same note again: nothing new
    _apply(deps, 1, seller_memo="加急")
    process_note(deps, _note())
    order = deps.orders.get("S1-5001")
    deps.orders.save(order.hold(HoldReason.ADDRESS_ISSUE), order.revision)
    process_note(deps, _note())
    order = deps.orders.get("S1-5001")
    deps.orders.save(order.release(HoldReason.ADDRESS_ISSUE), order.revision)
    process_note(deps, _note())
    _apply(deps, 2, status=OrderStatus.CANCELLED)
    process_note(deps, _note())
    assert _types(deps) == ["order.created", "order.updated", "order.held", "order.released", "order.cancelled"]
    assert [e["sequence"] for e in deps.webhooks.sender.events()] == [1, 2, 3, 4, 5]  # type: ignore[attr-defined]


def test_given_the_erp_down_then_events_wait_in_order_and_ids_stay_the_same(deps: EventDeps) -> None:
    _client(deps)
    sender = deps.webhooks.sender
    sender.down = True  # type: ignore[attr-defined]
    _apply(deps, 0)
    with pytest.raises(DeliveryFailedError):
        process_note(deps, _note())
    _apply(deps, 1, seller_memo="改地址")
    with pytest.raises(DeliveryFailedError):
        process_note(deps, _note())
    sender.down = False  # type: ignore[attr-defined]
    process_note(deps, _note())
    process_note(deps, _note())
    events = sender.events()  # type: ignore[attr-defined]
    assert [e["type"] for e in events] == ["order.created", "order.updated"]
    assert len({e["id"] for e in events}) == 2


def test_given_a_subscription_then_only_those_types_are_sent(deps: EventDeps) -> None:
    _client(deps, events=["order.cancelled"])
    _apply(deps, 0)
    process_note(deps, _note())
    _apply(deps, 1, status=OrderStatus.CANCELLED)
    process_note(deps, _note())
    assert _types(deps) == ["order.cancelled"]


def test_given_a_rotation_then_webhooks_carry_both_signatures_during_the_overlap(deps: EventDeps) -> None:
    key_id, old = _client(deps)
    _, new = rotate_secret(deps.webhooks.clients, deps.webhooks.clock, key_id, overlap_seconds=600)
    _apply(deps, 0)
    process_note(deps, _note())
    _, headers, body = deps.webhooks.sender.sent[0]  # type: ignore[attr-defined]
    assert verify_webhook(headers["OMS-Signature"], body, new) and verify_webhook(headers["OMS-Signature"], body, old)
    assert json.loads(body)["id"] == headers["OMS-Event-Id"]
    deps.webhooks.clock.advance(seconds=601)  # type: ignore[attr-defined]
    client = deps.webhooks.clients.get(key_id)
    assert client.valid_secrets(deps.webhooks.clock.now()) == [new]


def test_given_an_inactive_client_then_it_is_told_nothing(deps: EventDeps) -> None:
    key_id, _ = _client(deps)
    client = deps.webhooks.clients.get(key_id)
    deps.webhooks.clients.save(replace(client, active=False), client.revision)
    _apply(deps, 0)
    assert process_note(deps, _note()) == 0 and _types(deps) == []


def test_GIVEN_an_order_waiting_for_review_WHEN_noted_THEN_the_erp_hears_of_it_only_once_it_passed(
        deps: EventDeps) -> None:
    from chalicelib.domain.orders import handoff_for
    from chalicelib.domain.status import ErpHandoff, ReviewState
    _client(deps)
    _apply(deps, 0)
    order = deps.orders.get("S1-5001")
    waiting = replace(order, review=ReviewState.PENDING, erp_handoff=ErpHandoff.NOT_READY)
    deps.orders.save(replace(waiting, erp_handoff=handoff_for(waiting)), order.revision)
    process_note(deps, _note())
    assert _types(deps) == []
    order = deps.orders.get("S1-5001")
    confirmed = replace(order, review=ReviewState.CONFIRMED)
    deps.orders.save(replace(confirmed, erp_handoff=handoff_for(confirmed)), order.revision)
    process_note(deps, _note())
    assert _types(deps) == ["order.created"]
