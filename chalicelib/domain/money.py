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

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_FEN_PER_YUAN = Decimal(100)
_WHOLE = Decimal(1)

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
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return number
