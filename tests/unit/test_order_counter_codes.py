"""Every hold reason has a counter facet: an order held for a reason without one would fail the
orders consumer's write (the contribution is computed before every order write)."""
from __future__ import annotations

from chalicelib.domain.order_counters import HOLD_CODES
from chalicelib.domain.status import HoldReason


def test_GIVEN_every_hold_reason_THEN_it_has_its_own_counter_code() -> None:
    assert set(HOLD_CODES) == set(HoldReason)
    assert len(set(HOLD_CODES.values())) == len(HoldReason)
