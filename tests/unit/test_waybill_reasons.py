"""Every refusal reason of waybills (waybill.*) has a zh and an en sentence in the UI's words tables."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _reasons() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        found |= set(re.findall(r'"(waybill\.[a-z_]+)"', path.read_text()))
    return found


def test_given_every_waybill_reason_then_both_languages_say_it() -> None:
    reasons = _reasons()
    assert {"waybill.order_held", "waybill.not_reviewed"} <= reasons
    for table in ("zh-CN", "en"):
        text = (ROOT / f"ui/src/i18n/words/{table}.js").read_text()
        for reason in sorted(reasons):
            assert f"'{reason}':" in text, (table, reason)
