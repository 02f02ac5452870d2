"""A seller's CSV price cell: yuan through the one money rule, but a sub-fen price is pointed out, not rounded."""
from __future__ import annotations

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.services.catalog import _price_cell


@pytest.mark.parametrize(("fen", "yuan", "expected"), [
    ("", "59.90", 5990), ("", "19.9", 1990), ("", "1.230", 123), ("", " 7 ", 700), ("5990", "1", 5990), ("", "", 0)])
def test_given_a_price_cell_then_it_is_exact_fen(fen: str, yuan: str, expected: int) -> None:
    assert _price_cell(fen, yuan) == expected


@pytest.mark.parametrize(("yuan", "message"), [("1.234", "at most 2 decimals"), ("abc", "not a number"),
                                               ("NaN", "not a number")])
def test_given_a_bad_price_cell_then_it_is_refused_naming_the_price(yuan: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        _price_cell("", yuan)
    assert caught.value.field == "price"
