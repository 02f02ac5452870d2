"""What a webhook-only ERP learns of failures: a ship-back the platform refuses becomes shipment.failed (again
for each later refusal), an after-sale action it refuses becomes after_sale.action_failed with the action
and reason (fakes only)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.platforms import registry
from chalicelib.services import after_sales as svc
from chalicelib.services.action_handlers.after_sales import run
from chalicelib.services.action_handlers.shipments import ship_back
from chalicelib.services.actions import decode
from chalicelib.services.erp_clients import create_client
from chalicelib.services.erp_events import EventDeps, Note, process_note
from chalicelib.services.erp_webhooks import WebhookDeps
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.shipments import ShipmentDeps, record_shipment
from tests import fakes
from tests.factories import canonical_case, canonical_order

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Refusing(fakes.FakePlatformClient):
    def ship(self, request: Any) -> None:
        raise NotAllowedError("运单号不存在", platform="jd", code="6000")

    def approve_refund(self, case_id: str) -> None:
        raise NotAllowedError("退款已超时", platform="taobao", code="isv.refund-timeout")


class World:
    def __init__(self) -> None:
        self.clock = fakes.FixedClock(NOW)
        self.publisher = fakes.RecordingPublisher()
        self.orders, self.shipments = fakes.InMemoryOrderRepository(), fakes.InMemoryShipmentRepository()
        self.cases = fakes.InMemoryAfterSaleRepository()
        hooks = WebhookDeps(clients=fakes.InMemoryErpClientRepository(), deliveries=fakes.InMemoryDeliveryRepository(),
                            streams=fakes.InMemoryStreamRepository(), sender=fakes.RecordingWebhookSender(),
                            clock=self.clock)
        create_client(hooks.clients, self.clock, name="ERP", scopes=["webhooks"],
                      webhook_url="https://erp.example.test/hooks")
        self.events = EventDeps(webhooks=hooks, orders=self.orders, cases=self.cases, shipments=self.shipments)
        self.ship = ShipmentDeps(orders=self.orders, shipments=self.shipments, publisher=self.publisher,
                                 clock=self.clock)
        self.shops = fakes.InMemoryShopRepository()
        self.shops.add(Shop(shop_id="S1", name="demo", platform=Platform.JD, seller_id="v1"))

    def deliver_notes(self) -> list[dict[str, Any]]:
        """What the erp-events consumer makes of every note sent so far."""
        for body in self.publisher.bodies("erp_events"):
            process_note(self.events, Note(body["kind"], body["id"], body["shop_id"]))
        self.publisher.sent = [s for s in self.publisher.sent if s[0] != "erp_events"]
        return self.events.webhooks.sender.events()  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def world() -> World:
    return World()


def test_given_a_refused_ship_back_then_shipment_failed_with_the_platform_error(world: World) -> None:
    apply_snapshot(world.orders, world.clock, "S1", canonical_order("7001"), {"sku-1": (SkuLink("ERP-1"),)})
    shipment, _ = record_shipment(world.ship, order_id="S1-7001", carrier_code="ZTO", tracking_no="ZT0001",
                                  lines=(), source="erp:test")
    ship_back(world.ship, world.shops, registry, shipment.shipment_id, world.shops.get("S1"), Refusing())
    events = world.deliver_notes()
    assert [e["type"] for e in events] == ["shipment.failed"]
    assert "运单号不存在" in events[0]["data"]["shipment"]["platform_error"]
    assert events[0]["data"]["shipment"]["status"] == "failed"

    record_shipment(world.ship, order_id="S1-7001", carrier_code="ZTO", tracking_no="ZT0001", lines=(),
                    source="erp:test")                     # posted again: queued again, refused again
    ship_back(world.ship, world.shops, registry, shipment.shipment_id, world.shops.get("S1"), Refusing())
    assert [e["type"] for e in world.deliver_notes()] == ["shipment.failed", "shipment.failed"]


def test_given_a_refused_after_sale_action_then_action_failed_names_the_action_and_reason(world: World) -> None:
    world.cases.add(AfterSale("S1-C1", "S1", Platform.TAOBAO, "C1", "S1-1", "1", T.REFUND_ONLY, S.PENDING_REVIEW,
                              "WAIT_SELLER_AGREE", 100, "不想要了", NOW, NOW))
    deps = svc.CaseDeps(cases=world.cases, publisher=world.publisher, clock=world.clock, shipments=world.shipments,
                        orders=world.orders)
    process_note(world.events, Note("after_sale", "S1-C1", "S1"))
    svc.perform(deps, "S1-C1", "user:a", svc.APPROVE_REFUND, {})
    action = decode(world.publisher.sent[-1][1])
    client = Refusing(cases=[replace(canonical_case("C1", "1"), status=S.PENDING_REVIEW)])
    run(deps, world.shops, action, world.shops.get("S1"), client)
    events = world.deliver_notes()
    assert [e["type"] for e in events] == ["after_sale.created", "after_sale.updated", "after_sale.action_failed"]
    failure = events[-1]["data"]["failure"]
    assert failure["action"] == "approve_refund" and "退款已超时" in failure["reason"]
    process_note(world.events, Note("after_sale", "S1-C1", "S1"))
    assert len(world.events.webhooks.sender.events()) == 3, "a repeated note: nothing new"  # type: ignore[attr-defined]
