"""Shipments and the ship-back handler on fakes: recorded once, shipped once, platform answers recorded,
throttled and expired shops parked, the order shipped only when the platform accepted."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus, ShipmentStatus, ShopStatus
from chalicelib.platforms import registry
from chalicelib.services.action_handlers.shipments import ShopParkedError, ship_back
from chalicelib.services.carriers import platform_carrier
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_errors import AuthExpiredError, NotAllowedError, RateLimitedError, TransientError
from chalicelib.services.shipments import ShipmentDeps, mark_shipped_by_hand, record_shipment
from tests import fakes
from tests.factories import canonical_order


class ShipClient:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.requests: list[Any] = []

    def ship(self, request: Any) -> None:
        self.requests.append(request)
        if self.errors:
            raise self.errors.pop(0)


@pytest.fixture
def deps() -> ShipmentDeps:
    return ShipmentDeps(orders=fakes.InMemoryOrderRepository(), shipments=fakes.InMemoryShipmentRepository(),
                        publisher=fakes.RecordingPublisher(), clock=fakes.FixedClock())


@pytest.fixture
def shops() -> fakes.InMemoryShopRepository:
    repo = fakes.InMemoryShopRepository()
    repo.add(Shop(shop_id="S1", name="demo", platform=Platform.JD, seller_id="v1"))
    return repo


def _order(deps: ShipmentDeps, **kw: Any) -> str:
    order = canonical_order(**kw)
    apply_snapshot(deps.orders, deps.clock, "S1", order, {"sku-1": (SkuLink("ERP-1"),)})
    return f"S1-{order.order_no}"


def _post(deps: ShipmentDeps, order_id: str, tracking: str = "JD0001", lines: Any = ()) -> Any:
    return record_shipment(deps, order_id=order_id, carrier_code="ZTO", tracking_no=tracking, lines=lines,
                           source="erp:test")[0]


def test_given_a_shipment_when_the_platform_accepts_then_confirmed_order_shipped_and_erp_told(
        deps: ShipmentDeps, shops: fakes.InMemoryShopRepository) -> None:
    order_id = _order(deps)
    shipment = _post(deps, order_id)
    client = ShipClient()
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)   # a redelivered action
    assert [r.carrier_code for r in client.requests] == ["1499"], "JD's own code, and only once"
    assert deps.shipments.get(shipment.shipment_id).status is ShipmentStatus.CONFIRMED
    order = deps.orders.get(order_id)
    assert order.status is OrderStatus.SHIPPED and order.lines[0].shipped_quantity == 2
    assert {b["kind"] for b in deps.publisher.bodies("erp_events")} == {"order", "shipment"}


def test_given_a_partial_shipment_on_jd_then_partially_shipped_and_the_platform_call_waits_for_the_rest(
        deps: ShipmentDeps, shops: fakes.InMemoryShopRepository) -> None:
    order_id = _order(deps)
    shipment = _post(deps, order_id, lines=[("1", 1)])
    client = ShipClient()
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    assert client.requests == [], "JD ships whole orders only: a first whole-order call would ship the rest too"
    assert deps.orders.get(order_id).status is OrderStatus.PARTIALLY_SHIPPED


def test_given_a_refusal_then_failed_with_the_platform_error_and_the_order_unshipped(
        deps: ShipmentDeps, shops: fakes.InMemoryShopRepository) -> None:
    order_id = _order(deps)
    shipment = _post(deps, order_id)
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"),
              ShipClient(NotAllowedError("order locked", code="6006", platform="jd")))
    failed = deps.shipments.get(shipment.shipment_id)
    assert failed.status is ShipmentStatus.FAILED and "6006" in failed.platform_error
    assert deps.orders.get(order_id).status is OrderStatus.AWAITING_SHIPMENT
    again = _post(deps, order_id)           # re-posting a failed shipment queues it again
    assert again.status is ShipmentStatus.PENDING and len(deps.publisher.bodies("platform_actions")) == 2


def test_given_a_transient_error_then_it_raises_for_a_retry_and_the_error_is_kept(
        deps: ShipmentDeps, shops: fakes.InMemoryShopRepository) -> None:
    shipment = _post(deps, _order(deps))
    with pytest.raises(TransientError):
        ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), ShipClient(TransientError("busy")))
    kept = deps.shipments.get(shipment.shipment_id)
    assert kept.status is ShipmentStatus.PENDING and "busy" in kept.platform_error


@pytest.mark.parametrize(("error", "status"), [(AuthExpiredError("token expired"), ShopStatus.REAUTH_NEEDED),
                                               (RateLimitedError("slow down", retry_after=30), ShopStatus.RATE_LIMITED)])
def test_given_an_expired_or_throttled_shop_then_it_is_parked_and_later_tries_wait(
        deps: ShipmentDeps, shops: fakes.InMemoryShopRepository, error: Exception, status: ShopStatus) -> None:
    shipment = _post(deps, _order(deps))
    client = ShipClient(error)
    with pytest.raises(ShopParkedError):
        ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    assert shops.get("S1").status is status
    with pytest.raises(ShopParkedError):
        ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    assert len(client.requests) == 1, "a parked shop is not called again"


def test_given_an_admin_marks_it_shipped_then_the_order_ships_without_a_platform_call(deps: ShipmentDeps) -> None:
    order_id = _order(deps)
    shipment = _post(deps, order_id)
    mark_shipped_by_hand(deps, shipment.shipment_id, "user:ops")
    assert deps.orders.get(order_id).status is OrderStatus.SHIPPED


def test_given_every_platform_then_every_common_carrier_maps() -> None:
    from chalicelib.services.erp_ports import CARRIER_CODES
    for platform in registry.PACKAGES:
        assert all(platform_carrier(registry, platform, code) for code in CARRIER_CODES), platform
