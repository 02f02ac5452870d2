"""A presale order waits until its date (domain/presale.py) and the scheduled look releases it then
(services/presale.py)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib.domain.orders import handoff_for
from chalicelib.domain.presale import RELEASE_LEAD, release_at, with_presale_hold
from chalicelib.domain.snapshots import merge_order
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus
from chalicelib.services.presale import release_due_presales
from tests.factories import STORED_T0, make_order
from tests.fakes import FixedClock, InMemoryOrderRepository

NOW = STORED_T0 + timedelta(hours=1)


def presale(n: int, ship_in: timedelta, **kw: object):
    return make_order(n, order_type="presale", ship_by_at=NOW + ship_in, **kw)


def test_given_a_presale_due_in_ten_days_then_it_waits_until_three_days_before() -> None:
    order = with_presale_hold(presale(1, timedelta(days=10)), NOW)
    assert HoldReason.PRESALE_WAITING in order.holds
    assert release_at(order) == NOW + timedelta(days=10) - RELEASE_LEAD
    assert order.history[-1].summary.startswith("held: presale_waiting 2026-11-27")
    assert handoff_for(order) is ErpHandoff.NOT_READY


def test_given_a_presale_whose_date_has_come_then_it_does_not_wait() -> None:
    order = with_presale_hold(presale(1, RELEASE_LEAD - timedelta(minutes=1)), NOW)
    assert HoldReason.PRESALE_WAITING not in order.holds and order.history == ()


def test_given_a_presale_without_a_date_or_a_normal_order_then_no_hold() -> None:
    undated = with_presale_hold(make_order(1, order_type="presale"), NOW)
    normal = with_presale_hold(make_order(2, ship_by_at=NOW + timedelta(days=10)), NOW)
    assert not undated.holds and not normal.holds


def test_given_a_waiting_presale_when_cancelled_then_the_hold_goes() -> None:
    held = with_presale_hold(presale(1, timedelta(days=10)), NOW)
    cancelled = with_presale_hold(replace(held, status=OrderStatus.CANCELLED), NOW)
    assert HoldReason.PRESALE_WAITING not in cancelled.holds
    assert cancelled.history[-1].summary == "released: presale_waiting"


def test_given_a_waiting_presale_when_the_platform_moves_its_date_closer_then_the_update_releases_it() -> None:
    held = with_presale_hold(presale(1, timedelta(days=10)), NOW)
    incoming = presale(1, timedelta(days=2), version=held.version + 1)
    merged = merge_order(held, incoming, NOW)
    assert HoldReason.PRESALE_WAITING not in merged.holds
    assert merged.erp_handoff is ErpHandoff.READY


def test_given_an_update_before_the_date_then_the_presale_keeps_waiting() -> None:
    held = with_presale_hold(presale(1, timedelta(days=10)), NOW)
    merged = merge_order(held, presale(1, timedelta(days=10), version=held.version + 1, buyer_memo="快点"), NOW)
    assert HoldReason.PRESALE_WAITING in merged.holds and merged.erp_handoff is ErpHandoff.NOT_READY


def _stored(repo: InMemoryOrderRepository, *orders) -> None:
    for order in orders:
        held = with_presale_hold(order, NOW)
        repo.add(replace(held, erp_handoff=handoff_for(held)))


def test_given_waiting_presales_when_the_scheduled_look_runs_then_only_those_due_are_released() -> None:
    repo, clock = InMemoryOrderRepository(), FixedClock(NOW)
    _stored(repo, presale(1, timedelta(days=5)), presale(2, timedelta(days=20)), make_order(3))
    clock.advance(days=2, minutes=1)
    assert release_due_presales(repo, clock) == 1
    first, second = repo.get("shopA-1"), repo.get("shopA-2")
    assert not first.holds and first.erp_handoff is ErpHandoff.READY and first.revision == 2
    assert first.history[-1].summary == "released: presale_waiting"
    assert HoldReason.PRESALE_WAITING in second.holds and second.revision == 1
    assert release_due_presales(repo, clock) == 0          # a second run changes nothing


def test_given_a_released_presale_then_the_hold_counter_drops_with_it() -> None:
    repo, clock = InMemoryOrderRepository(), FixedClock(NOW)
    _stored(repo, presale(1, timedelta(days=5)))
    held_before = sum(n for name, n in repo.counter_rows["shop#shopA"].items() if name.endswith("h11"))
    clock.advance(days=3)
    release_due_presales(repo, clock)
    held_after = sum(n for name, n in repo.counter_rows["shop#shopA"].items() if name.endswith("h11"))   # folded
    assert held_before > 0 and held_after == 0


def test_given_a_presale_placed_half_a_year_ago_then_the_open_ended_oldest_window_still_reaches_it() -> None:
    repo, clock = InMemoryOrderRepository(), FixedClock(NOW)
    old = presale(1, timedelta(days=200), created_at=NOW - timedelta(days=180))
    _stored(repo, old)
    clock.advance(days=198)
    assert release_due_presales(repo, clock) == 1 and not repo.get("shopA-1").holds
