"""Gift lines (赠品) are ours, not the platform's (fakes): a later platform snapshot keeps them, the platform's
lines alone decide when the order has shipped and what the ship-back names, and review rules count what the
buyer bought, not what we add."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.review_eval import Facts, evaluate
from chalicelib.domain.review_rules import RuleSet, parse_rules
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import OrderStatus, ShipmentStatus
from chalicelib.platforms import registry
from chalicelib.services.action_handlers.shipments import ship_back
from chalicelib.services.fulfilment import Planner
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.shipments import ShipmentDeps, record_shipment
from tests import fakes
from tests.factories import canonical_order
from tests.fulfil_kit import cache_with, gift_rule

LINKS = {"sku-1": (SkuLink("ERP-1"),)}


class ShipClient:
    def __init__(self) -> None:
        self.requests: list[Any] = []

    def ship(self, request: Any) -> None:
        self.requests.append(request)


def with_gift(deps: ShipmentDeps, platform: Platform = Platform.TAOBAO, **kw: Any) -> str:
    order = canonical_order(platform=platform, **kw)
    apply_snapshot(deps.orders, deps.clock, "S1", order, LINKS)
    stored = deps.orders.get(f"S1-{order.order_no}")
    cache, _, _ = cache_with({"gift": [gift_rule(min_paid_fen=3000)]})
    deps.orders.save(Planner(cache, deps.clock)(stored), stored.revision)
    return stored.order_id


def world(platform: Platform = Platform.TAOBAO) -> tuple[ShipmentDeps, fakes.InMemoryShopRepository]:
    deps = ShipmentDeps(orders=fakes.InMemoryOrderRepository(), shipments=fakes.InMemoryShipmentRepository(),
                        publisher=fakes.RecordingPublisher(), clock=fakes.FixedClock())
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop(shop_id="S1", name="demo", platform=platform, seller_id="v1"))
    return deps, shops


def test_given_a_gift_line_when_the_platform_sends_a_newer_snapshot_then_the_gift_stays() -> None:
    deps, _ = world()
    order_id = with_gift(deps, order_no="7001")
    apply_snapshot(deps.orders, deps.clock, "S1", canonical_order("7001", minutes=5, buyer_memo="快点"), LINKS)
    order = deps.orders.get(order_id)
    assert [line.line_id for line in order.lines] == ["1", "gift-g1-SOCKS"] and order.buyer_memo == "快点"


def test_given_the_whole_order_shipped_then_the_platform_hears_of_its_own_lines_only() -> None:
    deps, shops = world(Platform.TAOBAO)
    order_id = with_gift(deps)
    shipment = record_shipment(deps, order_id=order_id, carrier_code="ZTO", tracking_no="ZT0001", lines=(),
                               source="erp:test")[0]
    assert {x.line_id for x in shipment.lines} == {"1", "gift-g1-SOCKS"}, "the parcel carries the gift"
    client = ShipClient()
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    assert deps.shipments.get(shipment.shipment_id).status is ShipmentStatus.CONFIRMED
    assert [r.line_ids for r in client.requests] == [()], "a whole-order call: no gift line named"
    assert deps.orders.get(order_id).status is OrderStatus.SHIPPED


def test_given_the_platform_lines_shipped_without_the_gift_then_the_order_is_shipped_and_told_at_once() -> None:
    deps, shops = world(Platform.JD)               # JD ships whole orders: a call waits for the last line
    order_id = with_gift(deps, platform=Platform.JD)
    shipment = record_shipment(deps, order_id=order_id, carrier_code="ZTO", tracking_no="ZT0002",
                               lines=[("1", 2)], source="erp:test")[0]
    client = ShipClient()
    ship_back(deps, shops, registry, shipment.shipment_id, shops.get("S1"), client)
    assert len(client.requests) == 1, "the gift never keeps the platform waiting"
    assert deps.orders.get(order_id).status is OrderStatus.SHIPPED


def test_given_gift_lines_then_review_rules_count_only_what_the_buyer_bought() -> None:
    deps, _ = world()
    order = deps.orders.get(with_gift(deps))
    order = replace(order, lines=tuple(replace(x, quantity=5) if x.gift else x for x in order.lines))
    rules = parse_rules([{"name": "big", "conditions": [{"field": "quantity", "op": "gt", "value": 2}],
                          "actions": [{"type": "require_person"}]}])
    assert evaluate(order, RuleSet(1, rules), Facts()).matched == ()
