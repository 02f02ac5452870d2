"""Money: the one rule for turning a platform's amount into integer fen.

Taobao, JD and PDD send order money as yuan strings ("12.30"), XHS sends after-sale money as yuan
JSON numbers (53.8); Douyin, WeChat and Kuaishou send integer fen. Every yuan amount goes through
`yuan_to_fen`:

- parsed as a Decimal from the platform's text, never computed in float (a JSON float is parsed from
  its shortest text, `str(53.8) == "53.8"`, which is what the platform wrote);
- sub-fen input is rounded ROUND_HALF_UP (四舍五入, ties away from zero: "0.005" -> 1, "-0.005" -> -1).
  Rounding rather than refusing: one odd amount must not hold back a whole order, and float noise such
  as 19.990000000000002 is a fen amount in disguise;
- None and "" are 0 (platforms omit or blank fields with no money); anything else that is not a finite
  number raises ValueError naming the value.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_FEN_PER_YUAN = Decimal(100)
_WHOLE = Decimal(1)
# Decimal also reads "1_000", non-ASCII digits ("١٢") and exponents past any context: amounts are plain
# ASCII numbers, and no order is worth 10^12 yuan (so quantize can never overflow)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?", re.ASCII)
_LIMIT = Decimal(10) ** 12

Amount = str | int | float | Decimal | None


def yuan_to_fen(value: Amount) -> int:
    """'12.30' -> 1230; '0.005' -> 1; None / '' -> 0."""
    yuan = _decimal(value)
    return int((yuan * _FEN_PER_YUAN).quantize(_WHOLE, rounding=ROUND_HALF_UP))


def fen_value(value: Amount) -> int:
    """An amount the platform already sends in fen (123 or "123"): a parse, no conversion; a fraction
    of a fen is refused, it would mean the field is yuan after all."""
    fen = _decimal(value)
    if fen != fen.to_integral_value():
        raise ValueError(f"not a whole number of fen: {value!r}")
    return int(fen)


def _decimal(value: Amount) -> Decimal:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal(0)
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip()
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"not an amount: {text[:40]!r}")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {text[:40]!r}") from exc
    if not number.is_finite() or abs(number) >= _LIMIT:
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    return number
