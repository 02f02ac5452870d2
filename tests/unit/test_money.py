"""The one yuan -> fen rule (chalicelib/domain/money.py) against Decimal arithmetic done by hand."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.money import fen_value, yuan_to_fen

decimals = st.integers(min_value=0, max_value=4)
units = st.integers(min_value=-10**9, max_value=10**9)


def yuan_text(units_: int, places: int) -> str:
    """A platform's yuan string with `places` decimals: units_=-12345, places=3 -> '-12.345'."""
    return str(Decimal(units_).scaleb(-places))


@given(units, decimals)
def test_given_a_yuan_string_with_0_to_4_decimals_then_fen_is_decimal_rounded_half_up(u: int, places: int) -> None:
    text = yuan_text(u, places)
    expected = int((Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert yuan_to_fen(text) == expected


@given(units, st.integers(min_value=0, max_value=2))
def test_given_whole_fen_amounts_then_the_conversion_is_exact_and_reverses(u: int, places: int) -> None:
    text = yuan_text(u, places)
    assert Decimal(yuan_to_fen(text)) / 100 == Decimal(text)


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_given_a_negative_amount_then_it_mirrors_the_positive_one(fen_times_100: int) -> None:
    text = yuan_text(fen_times_100, 4)
    assert yuan_to_fen(text) == -yuan_to_fen(yuan_text(-fen_times_100, 4))


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda f: round(f, 2)))
def test_given_a_json_float_then_its_shortest_text_is_what_converts(value: float) -> None:
    assert yuan_to_fen(value) == yuan_to_fen(repr(value))


@pytest.mark.parametrize(("yuan", "fen"), [
    ("0.005", 1), ("0.0049", 0), ("-0.005", -1), ("12.345", 1235), ("12.3449", 1234), ("1.2", 120),
    (19.990000000000002, 1999), (Decimal("0.015"), 2), (7, 700), ("", 0), ("  ", 0), (None, 0),
])
def test_given_edge_amounts_then_sub_fen_rounds_half_up_and_empty_is_zero(yuan: object, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["12,30", "abc", "NaN", "Infinity", "1e", True])
def test_given_text_that_is_not_a_number_then_it_is_refused_naming_it(bad: object) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        yuan_to_fen(bad)  # type: ignore[arg-type]


def test_given_integer_fen_fields_then_they_parse_without_conversion() -> None:
    assert (fen_value(1230), fen_value("1230"), fen_value(None), fen_value("")) == (1230, 1230, 0, 0)
    with pytest.raises(ValueError, match="whole number of fen"):
        fen_value("12.5")
