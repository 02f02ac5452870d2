"""The planner in the orders consumer (fakes): the plan and its reasons are in the order's history, gift lines
are added once within their limits, skipped when out of stock (the order ships without them), and the
reservation follows the warehouse rule."""
from __future__ import annotations

from dataclasses import replace
from functools import partial

from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus, RefundState
from chalicelib.domain.warehouses import Warehouse
from chalicelib.services.fulfilment import Planner, give_back_gifts
from chalicelib.services.stock import Outcome, settle_order
from tests import fakes
from tests.factories import T0, make_order
from tests.fulfil_kit import InMemoryGiftCounters, cache_with, gift_rule, warehouse_rule


def planner(doc: dict, warehouses=None, counters=None) -> Planner:  # type: ignore[no-untyped-def]
    cache, _, _ = cache_with(doc, warehouses)
    return Planner(cache, fakes.FixedClock(T0), counters or InMemoryGiftCounters())


def stocked(**units: dict[str, int]) -> fakes.InMemoryStockLedger:
    ledger = fakes.InMemoryStockLedger()
    ledger.apply([Movement(code, MovementKind.STOCK_IN, qty, f"in-{wh}-{code}", "test", T0, warehouse_id=wh)
                  for wh, counts in units.items() for code, qty in counts.items()], guard_available=False)
    return ledger


def test_given_an_amount_gift_then_a_gift_line_is_added_once_and_the_plan_is_in_the_history() -> None:
    gate = planner({"gift": [gift_rule(min_paid_fen=3000)]})
    planned = gate(make_order(1, paid_fen=3580))
    gifts = [line for line in planned.lines if line.gift]
    assert [(g.merchant_code, g.quantity, g.paid_fen) for g in gifts] == [("SOCKS", 1, 0)]
    assert any(h.summary.startswith("plan: ") for h in planned.history)
    assert any("gift SOCKS x1 added: rule g1" in h.summary for h in planned.history)
    again = gate(planned)
    assert again is planned, "a replay adds nothing and writes nothing"


def test_given_a_total_limit_then_the_next_order_gets_no_gift_and_its_history_says_why() -> None:
    gate = planner({"gift": [gift_rule(min_paid_fen=3000, total_limit=1)]})
    assert any(line.gift for line in gate(make_order(1)).lines)
    second = gate(make_order(2))
    assert not any(line.gift for line in second.lines)
    assert any("limit is reached" in h.summary for h in second.history)


def test_given_a_handed_over_order_then_the_plan_is_not_recomputed() -> None:
    gate = planner({"gift": [gift_rule(min_paid_fen=3000)]})
    taken = make_order(1, erp_handoff=ErpHandoff.TAKEN)
    assert gate(taken) is taken


def test_given_the_gift_out_of_stock_and_skip_when_out_then_the_order_reserves_without_it() -> None:
    orders, ledger = fakes.InMemoryOrderRepository(), stocked(default={"MC-1": 10})
    orders.add(planner({"gift": [gift_rule(min_paid_fen=3000)]})(make_order(1)))
    assert settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1") is Outcome.RESERVED
    order = orders.get("shopA-1")
    assert not any(line.gift for line in order.lines) and HoldReason.OUT_OF_STOCK not in order.holds
    assert any("gift SOCKS skipped: out of stock" in h.summary for h in order.history)
    replanned = planner({"gift": [gift_rule(min_paid_fen=3000)]})(order)
    assert not any(line.gift for line in replanned.lines), "a skipped gift is not offered again"


def test_given_a_limited_gift_skipped_for_lack_of_stock_then_its_count_goes_back_once() -> None:
    counters = InMemoryGiftCounters()
    orders, ledger = fakes.InMemoryOrderRepository(), stocked(default={"MC-1": 10})
    orders.add(planner({"gift": [gift_rule(min_paid_fen=3000, total_limit=1, per_buyer_limit=1)]},
                       counters=counters)(make_order(1)))
    assert counters.counts["TOTAL#g1"] == 1
    back = partial(give_back_gifts, counters)
    settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1", gifts_back=back)
    assert counters.counts["TOTAL#g1"] == 0 and set(counters.counts.values()) == {0}
    settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1", gifts_back=back)     # redelivered
    assert set(counters.counts.values()) == {0}
    second = planner({"gift": [gift_rule(min_paid_fen=3000, total_limit=1)]}, counters=counters)(make_order(2))
    assert any(line.gift for line in second.lines), "the count given back is there for the next buyer"


def test_given_a_granted_gift_when_the_order_is_cancelled_or_fully_refunded_then_its_count_goes_back_once() -> None:
    counters = InMemoryGiftCounters()
    gate = planner({"gift": [gift_rule(min_paid_fen=3000, total_limit=5)]}, counters=counters)
    orders, ledger = fakes.InMemoryOrderRepository(), stocked(default={"MC-1": 10, "SOCKS": 5})
    for n in (1, 2):
        orders.add(gate(make_order(n)))
        settle_order(ledger, orders, fakes.FixedClock(T0), f"shopA-{n}")
    assert counters.counts["TOTAL#g1"] == 2
    back = partial(give_back_gifts, counters)
    cancelled = replace(orders.get("shopA-1"), status=OrderStatus.CANCELLED)
    refunded = orders.get("shopA-2")
    refunded = replace(refunded, lines=tuple(line if line.gift else replace(line, refund_state=RefundState.REFUNDED)
                                             for line in refunded.lines))
    for _ in range(2):                                            # the second time: a redelivery
        settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1", written=cancelled, gifts_back=back)
        settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-2", written=refunded, gifts_back=back)
        assert counters.counts["TOTAL#g1"] == 0


def test_given_the_gift_in_stock_then_it_is_reserved_with_the_order() -> None:
    orders, ledger = fakes.InMemoryOrderRepository(), stocked(default={"MC-1": 10, "SOCKS": 1})
    orders.add(planner({"gift": [gift_rule(min_paid_fen=3000)]})(make_order(1)))
    assert settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1") is Outcome.RESERVED
    assert ledger.balance("SOCKS", "default").reserved == 1


def test_given_a_gift_that_must_not_be_skipped_then_the_order_waits_for_its_stock() -> None:
    orders, ledger = fakes.InMemoryOrderRepository(), stocked(default={"MC-1": 10})
    orders.add(planner({"gift": [gift_rule(min_paid_fen=3000, skip_when_out=False)]})(make_order(1)))
    assert settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1") is Outcome.OUT_OF_STOCK
    assert any(line.gift for line in orders.get("shopA-1").lines)


def test_given_a_region_warehouse_rule_then_the_stock_is_reserved_there() -> None:
    warehouses = fakes.InMemoryWarehouseRepository()
    for warehouse_id, priority in (("SH", 1), ("BJ", 2)):     # the shop's first choice is SH
        warehouses.save(Warehouse(warehouse_id, warehouse_id, shop_ids=("shopA",), priority=priority), 0)
    ledger = stocked(SH={"MC-1": 10}, BJ={"MC-1": 10})
    orders = fakes.InMemoryOrderRepository()
    receiver = replace(make_order(1).receiver, province="北京市", city="北京市")
    order = planner({"warehouse": [warehouse_rule()]}, warehouses)(make_order(1, receiver=receiver))
    orders.add(order)
    assert order.plan.warehouses == ("BJ", "SH")
    assert settle_order(ledger, orders, fakes.FixedClock(T0), "shopA-1") is Outcome.RESERVED
    assert (ledger.balance("MC-1", "BJ").reserved, ledger.balance("MC-1", "SH").reserved) == (2, 0)
