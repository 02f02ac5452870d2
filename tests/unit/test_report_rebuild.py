"""The rebuild command (services/report_rebuild.py): recomputing a date range from the orders gives the numbers
the consumer keeps, repairs aggregates that went wrong, and runs twice to the same result."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.report_aggregates import day_key
from chalicelib.domain.status import OrderStatus
from chalicelib.services.report_fold import fold_notes
from chalicelib.services.report_rebuild import rebuild
from tests.factories import make_order
from tests.report_kit import fold_deps, note, recomputed, stored

PAID = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)


def _world() -> object:
    deps = fold_deps()
    for n in range(1, 6):
        deps.orders.add(make_order(n * 600, paid_at=PAID, shop_id="shopA" if n % 2 else "shopB",
                                   order_id=f"o{n}"))      # 10 hours apart: several Shanghai days
    fold_notes(deps, [note("order", f"o{n}") for n in range(1, 6)])
    order = deps.orders.get("o2")
    deps.orders.save(replace(order, status=OrderStatus.SHIPPED, shipped_at=PAID + timedelta(hours=5)), order.revision)
    fold_notes(deps, [note("order", "o2")])
    return deps


def test_given_folded_aggregates_when_rebuilt_then_the_numbers_are_the_same() -> None:
    deps = _world()
    before = stored(deps.store)
    done = rebuild(replace(deps, owner="rebuild"), ["shopA", "shopB"], date(2026, 11, 20), date(2026, 11, 23))
    assert done.orders == 5
    assert stored(deps.store) == before == recomputed(deps.orders, deps.cases)


def test_given_damaged_aggregates_when_rebuilt_twice_then_they_are_repaired_and_later_folds_stay_exact() -> None:
    deps = _world()
    deps.store.items[day_key("2026-11-21", "t")]["o"] = 99
    deps.store.items[day_key("2026-11-21", "k", "GHOST")] = {"o": 4}
    assert stored(deps.store) != recomputed(deps.orders, deps.cases)
    for _ in range(2):
        rebuild(replace(deps, owner="rebuild"), ["shopA", "shopB"], date(2026, 11, 19), date(2026, 11, 23))
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)
    order = deps.orders.get("o1")
    deps.orders.save(replace(order, status=OrderStatus.CANCELLED), order.revision)
    fold_notes(deps, [note("order", "o1"), note("order", "o3")])
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)


def test_given_orders_stored_before_the_reports_when_rebuilt_then_their_ship_by_figures_count_them_too() -> None:
    deps = fold_deps()
    for n in range(1, 4):
        deps.orders.add(make_order(n, paid_at=PAID, order_id=f"o{n}"))
    rebuild(replace(deps, owner="rebuild"), ["shopA"], date(2026, 11, 20), date(2026, 11, 21))
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)
    assert sum(sum(v.values()) for k, v in deps.store.items.items() if k[0] == "due") == 3   # their ship-by hours
