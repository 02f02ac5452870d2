"""The `resend` action handler (a reissue / exchange parcel sent on the platform's case) on fakes: applied once
under duplicate delivery, a platform refusal fails the shipment with the platform's reason, a transient error
goes back to the queue without failing anything."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.after_sales import AfterSale, AfterSaleLine
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import ShipmentStatus
from chalicelib.platforms import registry
from chalicelib.services import after_sales as svc
from chalicelib.services.action_handlers.after_sales import resend_parcel
from chalicelib.services.actions import decode
from chalicelib.services.carriers import platform_carrier
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_errors import NotAllowedError, TransientError
from chalicelib.services.platform_types import ResendRequest
from chalicelib.services.shipments import ShipmentDeps
from tests import fakes
from tests.factories import T0, canonical_case, canonical_order

ORDER_NO = "7001"
CASE_ID = f"S1-C{ORDER_NO}"
TRACKING = "ZT1234567890"


class ExchangePlatform(fakes.FakePlatformClient):
    """The platform's side of an exchange case: `resend` puts the new parcel on the case."""

    def __init__(self) -> None:
        super().__init__(cases=[canonical_case(f"C{ORDER_NO}", ORDER_NO, status=S.AWAITING_RESHIP, type=T.EXCHANGE)])
        self.resends: list[ResendRequest] = []
        self.resend_errors: list[Exception] = []

    def resend(self, request: ResendRequest) -> None:
        self.resends.append(request)
        if self.resend_errors:
            raise self.resend_errors.pop(0)
        self.take_parcel(request.case_id, request.tracking_no)

    def take_parcel(self, case_id: str, tracking_no: str) -> None:
        case = self.cases[case_id]
        self.cases[case_id] = replace(case, status=S.RESHIPPED, platform_status="EXCHANGE_SENT", version=0,
                                      modified_at=case.modified_at + timedelta(seconds=3),
                                      raw={**case.raw, "exchange": {"expressNo": tracking_no}})


@dataclass
class World:
    cases: svc.CaseDeps
    shipping: ShipmentDeps
    shops: fakes.InMemoryShopRepository
    shop: Shop
    platform: ExchangePlatform
    shipment_id: str

    def deliver(self) -> None:
        """One delivery of the queued `resend` action."""
        resend_parcel(self.cases, self.shipping, self.shops, registry, self.shipment_id, self.shop, self.platform)

    def shipment(self) -> Any:
        return self.shipping.shipments.get(self.shipment_id)

    def resend_log(self) -> list[tuple[str, str]]:
        case = self.cases.cases.get(CASE_ID)
        return [(e.kind, e.text) for e in case.history if e.action == svc.RESEND]


@pytest.fixture
def world() -> World:
    orders, shipments, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShipmentRepository(), \
        fakes.RecordingPublisher()
    clock = fakes.FixedClock(T0 + timedelta(hours=1))
    apply_snapshot(orders, clock, "S1", canonical_order(ORDER_NO), {"sku-1": (SkuLink("ERP-1"),)})
    cases = svc.CaseDeps(cases=fakes.InMemoryAfterSaleRepository(), publisher=publisher, clock=clock,
                         shipments=shipments, orders=orders)
    cases.cases.add(AfterSale(CASE_ID, "S1", Platform.TAOBAO, f"C{ORDER_NO}", f"S1-{ORDER_NO}", ORDER_NO,
                              T.EXCHANGE, S.AWAITING_RESHIP, "WAIT_SELLER_RESEND", 0, "尺码不合适", T0, T0,
                              lines=(AfterSaleLine("1", "sku-1", 1, 0),)))
    svc.reissue(cases, CASE_ID, "user:a", "ZTO", TRACKING)
    [action] = [decode(body) for queue, body, _, _ in publisher.sent if queue == "platform_actions"]
    assert action.name == svc.RESEND
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S1", "店", Platform.TAOBAO, "seller"))
    shipping = ShipmentDeps(orders=orders, shipments=shipments, publisher=publisher, clock=clock)
    return World(cases, shipping, shops, shops.get("S1"), ExchangePlatform(), str(action.payload["shipment_id"]))


def test_given_a_duplicate_delivery_then_the_platform_is_called_once_and_the_shipment_confirmed_once(
        world: World) -> None:
    world.deliver()
    world.deliver()                                   # the FIFO queue delivers at least once
    assert world.platform.resends == [ResendRequest(case_id=f"C{ORDER_NO}", order_no=ORDER_NO,
                                                    carrier_code=platform_carrier(registry, "taobao", "ZTO"),
                                                    tracking_no=TRACKING)]
    shipment = world.shipment()
    assert shipment.status is ShipmentStatus.CONFIRMED and shipment.platform_error == ""
    assert shipment.revision == 2, "added, then confirmed: the redelivery writes the shipment no more"
    assert [kind for kind, _ in world.resend_log()] == ["applied"]
    case = world.cases.cases.get(CASE_ID)
    assert case.status is S.RESHIPPED and case.platform_status == "EXCHANGE_SENT"


def test_given_the_platform_took_the_parcel_before_a_crash_then_the_redelivery_sends_nothing_and_confirms(
        world: World) -> None:
    world.platform.take_parcel(f"C{ORDER_NO}", TRACKING)     # applied on the platform, never recorded here
    world.deliver()
    assert world.platform.resends == []
    assert world.shipment().status is ShipmentStatus.CONFIRMED
    assert [kind for kind, _ in world.resend_log()] == ["applied"]


def test_given_the_platform_refuses_then_the_shipment_fails_with_the_platform_reason_and_the_case_logs_refused(
        world: World) -> None:
    world.platform.resend_errors = [NotAllowedError("售后单状态不允许换货发货", code="32", platform="taobao")]
    world.deliver()                                   # answered: nothing for the queue to retry
    shipment = world.shipment()
    assert shipment.status is ShipmentStatus.FAILED
    assert "售后单状态不允许换货发货" in shipment.platform_error and "[32]" in shipment.platform_error
    kind, text = world.resend_log()[-1]
    assert kind == "refused" and "售后单状态不允许换货发货" in text
    [alert] = world.shipping.publisher.bodies("alerts")  # type: ignore[attr-defined]   # the seller's bots hear of it
    assert alert["event"] == "action.refused" and CASE_ID in alert["cause"] and "售后单状态不允许换货发货" in alert["text"]


def test_given_a_transient_error_then_the_queue_retries_and_nothing_is_marked_failed(world: World) -> None:
    world.platform.resend_errors = [TransientError("系统繁忙", code="isp.service-busy", platform="taobao")]
    with pytest.raises(TransientError):
        world.deliver()                               # raised: the queue delivers the action again
    shipment = world.shipment()
    assert shipment.status is ShipmentStatus.PENDING and "系统繁忙" in shipment.platform_error
    assert [kind for kind, _ in world.resend_log()] == ["retrying"]
    world.deliver()                                   # the retry
    assert len(world.platform.resends) == 2
    assert world.shipment().status is ShipmentStatus.CONFIRMED
    assert [kind for kind, _ in world.resend_log()] == ["retrying", "applied"]
