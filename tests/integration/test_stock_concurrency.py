"""Many orders for the last few units of a SKU, reserved in parallel threads through the real repositories
on moto: stock never goes below zero, every unit goes to exactly one order, the losers are held
out_of_stock, and an order never keeps half a reservation."""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.orders import LineItem, Order, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.stock import Outcome, settle_order
from tests.aws import aws
from tests.fakes import FixedClock, serialised_moto

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SCARCE, PLENTY = "LAST-UNITS", "PLENTY"


@pytest.fixture
def repos() -> Iterator[tuple[object, object]]:
    with serialised_moto(), aws(("orders", "stock")):
        from chalicelib.storage.orders import DynamoOrderRepository
        from chalicelib.storage.stock import DynamoStockLedger
        yield DynamoStockLedger(), DynamoOrderRepository()


def order(n: int, scarce_qty: int) -> Order:
    lines = (LineItem("1", "sku-scarce", "p1", SCARCE, "保温杯", "500ml", scarce_qty, 5900, 5900 * scarce_qty,
                      links=(SkuLink(SCARCE),)),
             LineItem("2", "sku-plenty", "p2", PLENTY, "袜子", "5双", 1, 990, 990, links=(SkuLink(PLENTY),)))
    at = T0 + timedelta(seconds=n)
    return Order(order_id=f"S1-{n}", shop_id="S1", platform=Platform.PDD, order_no=str(n),
                 status=OrderStatus.AWAITING_SHIPMENT, platform_status="1", lines=lines, created_at=at,
                 modified_at=at, updated_at=at, total_fen=0, paid_fen=0, paid_at=at, version=1)


def test_given_40_orders_for_7_units_when_reserved_in_parallel_then_never_oversold_and_losers_held(repos) -> None:
    ledger, orders = repos
    ledger.apply([Movement(SCARCE, MovementKind.ADJUST, 7, "count-1", "test", T0),
                  Movement(PLENTY, MovementKind.ADJUST, 1000, "count-2", "test", T0)], guard_available=False)
    wanted = {f"S1-{n}": 1 + n % 2 for n in range(40)}          # 1 or 2 units each
    for n in range(40):
        orders.add(order(n, wanted[f"S1-{n}"]))
    clock = FixedClock(T0)

    def settle(order_id: str) -> Outcome:
        return settle_order(ledger, orders, clock, order_id)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(settle, list(wanted) * 2))        # every order twice: duplicates change nothing
    outcomes = dict(zip(wanted, results[:40], strict=True))
    assert results[40:] == results[:40]

    scarce, plenty = ledger.balance(SCARCE), ledger.balance(PLENTY)
    winners = {o for o, outcome in outcomes.items() if outcome is Outcome.RESERVED}
    losers = set(wanted) - winners
    assert scarce.available >= 0
    assert scarce.reserved == sum(wanted[o] for o in winners) and scarce.reserved + scarce.available == 7
    assert losers and all(wanted[o] > scarce.available for o in losers), "a loser was refused stock that was there"
    assert plenty.reserved == len(winners), "a loser kept part of its reservation"
    for order_id in wanted:
        stored = orders.get(order_id)
        assert (HoldReason.OUT_OF_STOCK in stored.holds) == (order_id in losers)
    reserved_keys = {k for o in wanted for k in
                     ledger.existing([(SCARCE, f"reserve:{o}:1:{SCARCE}")])}
    assert len(reserved_keys) == len(winners)


def test_given_a_held_order_when_stock_arrives_and_the_tick_retries_then_it_is_reserved_and_released(repos) -> None:
    from chalicelib.services.stock import retry_out_of_stock
    ledger, orders = repos
    orders.add(order(1, 2))
    clock = FixedClock(T0)
    assert settle_order(ledger, orders, clock, "S1-1") is Outcome.OUT_OF_STOCK
    assert orders.get("S1-1").holds == frozenset({HoldReason.OUT_OF_STOCK})
    ledger.apply([Movement(SCARCE, MovementKind.ADJUST, 2, "in-1", "test", T0),
                  Movement(PLENTY, MovementKind.ADJUST, 1, "in-2", "test", T0)], guard_available=False)
    assert retry_out_of_stock(ledger, orders, clock) == 1
    stored = orders.get("S1-1")
    assert stored.holds == frozenset() and stored.erp_handoff.value == "ready"
    assert ledger.balance(SCARCE).available == 0


def test_given_a_reserved_order_when_cancelled_then_released_once_and_shipment_of_another_deducts(repos) -> None:
    ledger, orders = repos
    ledger.apply([Movement(SCARCE, MovementKind.ADJUST, 5, "c1", "test", T0),
                  Movement(PLENTY, MovementKind.ADJUST, 5, "c2", "test", T0)], guard_available=False)
    clock = FixedClock(T0)
    orders.add(order(1, 2))
    orders.add(order(2, 1))
    settle_order(ledger, orders, clock, "S1-1")
    settle_order(ledger, orders, clock, "S1-2")
    first, second = orders.get("S1-1"), orders.get("S1-2")
    orders.save(replace(first, status=OrderStatus.CANCELLED), first.revision)
    orders.save(replace(second, status=OrderStatus.SHIPPED), second.revision)
    for _ in range(2):   # replays change nothing
        assert settle_order(ledger, orders, clock, "S1-1") is Outcome.RELEASED
        assert settle_order(ledger, orders, clock, "S1-2") is Outcome.DEDUCTED
    scarce = ledger.balance(SCARCE)
    assert (scarce.on_hand, scarce.reserved, scarce.available) == (4, 0, 4)
