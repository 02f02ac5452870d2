"""The stock ledger port, against the in-memory fake and DynamoDB (moto): same answers from both."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.inventory import Movement, MovementKind, Stock
from chalicelib.services.stock_ports import Applied
from tests import fakes
from tests.aws import aws

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def move(code: str, kind: MovementKind, qty: int, key: str, at: datetime = T0) -> Movement:
    return Movement(code, kind, qty, key, "test", at)


@pytest.fixture(params=["fake", "dynamodb"])
def ledger(request: pytest.FixtureRequest) -> Iterator[object]:
    if request.param == "fake":
        yield fakes.InMemoryStockLedger()
        return
    with aws(("stock",)):
        from chalicelib.storage.stock import DynamoStockLedger
        yield DynamoStockLedger(sleep=lambda _s: None)


def test_given_no_movements_then_the_balance_is_zero(ledger) -> None:
    assert ledger.balance("A") == Stock("A")


def test_given_an_adjustment_and_a_reservation_then_on_hand_reserved_and_available_follow(ledger) -> None:
    assert ledger.apply([move("A", MovementKind.ADJUST, 10, "adj-1")], guard_available=False) is Applied.APPLIED
    assert ledger.apply([move("A", MovementKind.RESERVE, 3, "r-1")], guard_available=True) is Applied.APPLIED
    stock = ledger.balance("A")
    assert (stock.on_hand, stock.reserved, stock.available, stock.revision) == (10, 3, 7, 2)


def test_given_a_replayed_key_then_nothing_changes(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 10, "adj-1")], guard_available=False)
    assert ledger.apply([move("A", MovementKind.ADJUST, 10, "adj-1")], guard_available=False) is Applied.REPLAYED
    assert ledger.balance("A").on_hand == 10
    assert ledger.existing([("A", "adj-1"), ("A", "nope")]) == {"adj-1"}


def test_given_too_little_available_then_a_guarded_reservation_is_short_and_writes_nothing(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 2, "adj"), move("B", MovementKind.ADJUST, 5, "adj-b")],
                 guard_available=False)
    result = ledger.apply([move("B", MovementKind.RESERVE, 1, "rb"), move("A", MovementKind.RESERVE, 3, "ra")],
                          guard_available=True)
    assert result is Applied.SHORT
    assert (ledger.balance("A").reserved, ledger.balance("B").reserved) == (0, 0)
    assert ledger.existing([("B", "rb"), ("A", "ra")]) == set()


def test_given_an_unknown_sku_then_a_guarded_reservation_is_short(ledger) -> None:
    assert ledger.apply([move("X", MovementKind.RESERVE, 1, "rx")], guard_available=True) is Applied.SHORT


def test_given_two_movements_of_one_sku_in_one_call_then_their_effects_add_up(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 5, "adj")], guard_available=False)
    ledger.apply([move("A", MovementKind.RESERVE, 2, "r1"), move("A", MovementKind.RESERVE, 3, "r2")],
                 guard_available=True)
    assert ledger.balance("A").available == 0
    assert ledger.apply([move("A", MovementKind.RESERVE, 1, "r3")], guard_available=True) is Applied.SHORT


def test_given_requires_and_forbids_then_unmet_conditions_refuse_the_write(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 5, "adj"), move("A", MovementKind.RESERVE, 2, "r1")],
                 guard_available=False)
    release = move("A", MovementKind.RELEASE, 2, "rel1")
    assert ledger.apply([release], guard_available=False, requires=[("A", "nope")]) is Applied.UNMET
    assert ledger.apply([release], guard_available=False, forbids=[("A", "r1")]) is Applied.UNMET
    assert ledger.apply([release], guard_available=False, requires=[("A", "r1")]) is Applied.APPLIED
    assert ledger.balance("A").reserved == 0


def test_given_a_deduction_then_on_hand_and_reserved_drop_and_available_stays(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 5, "adj"), move("A", MovementKind.RESERVE, 2, "r1")],
                 guard_available=False)
    ledger.apply([move("A", MovementKind.DEDUCT, 2, "d1")], guard_available=False)
    stock = ledger.balance("A")
    assert (stock.on_hand, stock.reserved, stock.available) == (3, 0, 3)


def test_given_an_absolute_count_then_on_hand_is_set_and_reservations_stay(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 5, "adj"), move("A", MovementKind.RESERVE, 2, "r1")],
                 guard_available=False)
    assert ledger.set_on_hand(move("A", MovementKind.SET, 40, "set-1")) is Applied.APPLIED
    assert ledger.set_on_hand(move("A", MovementKind.SET, 99, "set-1")) is Applied.REPLAYED
    stock = ledger.balance("A")
    assert (stock.on_hand, stock.reserved, stock.available) == (40, 2, 38)
    assert ledger.set_on_hand(move("NEW", MovementKind.SET, 7, "set-2")) is Applied.APPLIED
    assert ledger.balance("NEW").available == 7
    ledger.mark_due("MARKED", T0)          # a push mark before any count
    assert ledger.set_on_hand(move("MARKED", MovementKind.SET, 3, "set-3")) is Applied.APPLIED
    assert ledger.balance("MARKED").available == 3


def test_given_movements_then_the_ledger_lists_them_newest_first_with_paging(ledger) -> None:
    for n in range(5):
        ledger.apply([move("A", MovementKind.ADJUST, 1, f"adj-{n}", T0 + timedelta(minutes=n))], guard_available=False)
    first = ledger.movements("A", limit=3)
    rest = ledger.movements("A", limit=3, cursor=first.cursor)
    assert [m.idempotency_key for m in first.items + rest.items] == [f"adj-{n}" for n in range(4, -1, -1)]
    assert first.items[0].kind is MovementKind.ADJUST and first.items[0].at == T0 + timedelta(minutes=4)


def test_given_changes_then_the_sku_is_due_once_per_window_and_clearing_keeps_later_marks(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 5, "adj", T0)], guard_available=False)
    ledger.apply([move("A", MovementKind.RESERVE, 1, "r", T0 + timedelta(seconds=30))], guard_available=True)
    assert ledger.due_for_push(T0 + timedelta(seconds=59)) == []
    [(code, marker)] = ledger.due_for_push(T0 + timedelta(seconds=61))
    assert code == "A"
    ledger.clear_due("A", "some-other-marker")
    assert ledger.due_for_push(T0 + timedelta(seconds=61)) == [("A", marker)]
    ledger.clear_due("A", marker)
    assert ledger.due_for_push(T0 + timedelta(hours=1)) == []
    ledger.apply([move("A", MovementKind.DEDUCT, 1, "d")], guard_available=False)   # available unchanged
    assert ledger.due_for_push(T0 + timedelta(hours=1)) == []
    ledger.mark_due("A", T0 + timedelta(hours=1))
    assert [c for c, _ in ledger.due_for_push(T0 + timedelta(hours=1))] == ["A"]


def test_given_an_on_hand_guard_then_a_deduction_past_zero_is_short_and_writes_nothing(ledger) -> None:
    ledger.apply([move("A", MovementKind.ADJUST, 2, "a1"), move("A", MovementKind.RESERVE, 3, "r1")],
                 guard_available=False)
    assert ledger.apply([move("A", MovementKind.DEDUCT, 3, "d1")], guard_available=False,
                        guard_on_hand=True) is Applied.SHORT
    assert ledger.apply([move("A", MovementKind.DEDUCT, 2, "d1")], guard_available=False,
                        guard_on_hand=True) is Applied.APPLIED
    assert ledger.balance("A").on_hand == 0


def test_given_a_discrepancy_then_stored_with_its_movements_once_listed_and_resolved_conditionally(ledger) -> None:
    from dataclasses import replace

    from chalicelib.domain.errors import ConflictError
    from chalicelib.domain.inventory import Discrepancy
    short = Discrepancy("d-1", "A", "S1-1", "S1-1-ZTO-1", 2, T0, "deduct:S1-1-ZTO-1:1:A")
    assert ledger.apply([move("A", MovementKind.DEDUCT, 0, "deduct:S1-1-ZTO-1:1:A")], guard_available=False,
                        discrepancy=short) is Applied.APPLIED
    assert ledger.apply([move("A", MovementKind.DEDUCT, 0, "deduct:S1-1-ZTO-1:1:A")], guard_available=False,
                        discrepancy=short) is Applied.REPLAYED
    later = Discrepancy("d-2", "B", "S1-2", "", 1, T0 + timedelta(minutes=1), "deduct:S1-2:1:B")
    ledger.apply([move("B", MovementKind.DEDUCT, 0, "deduct:S1-2:1:B")], guard_available=False, discrepancy=later)
    assert [d.discrepancy_id for d in ledger.discrepancies(open_only=True).items] == ["d-2", "d-1"]
    stored = ledger.get_discrepancy("d-1")
    assert stored.revision == 1 and stored.quantity_short == 2
    ledger.save_discrepancy(replace(stored, resolved=True), 1)
    with pytest.raises(ConflictError):
        ledger.save_discrepancy(replace(stored, note="stale"), 1)
    assert [d.discrepancy_id for d in ledger.discrepancies(open_only=True).items] == ["d-2"]
    assert ledger.get_discrepancy("d-1").resolved and ledger.get_discrepancy("nope") is None
