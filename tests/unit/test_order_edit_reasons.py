"""Every refusal reason an order edit raises has a zh and an en sentence (ui/src/i18n/locales: the area's
errors.<area>.<what>, in the base files or orderEdits.js)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "ui/src/i18n/locales"


def _said(reason: str, texts: list[str]) -> bool:
    area, what = reason.split(".")
    block = rf"\b{area}: \{{(?:[^{{}}]|\{{\w+\}})*\b{what}:"        # a sentence may hold a {placeholder}
    return any(re.search(block, text) for text in texts)


def test_given_every_order_edit_reason_then_both_languages_say_it() -> None:
    reasons = set(re.findall(r'reason="([a-z_]+\.[a-z_]+)"', (ROOT / "chalicelib/services/order_edits.py").read_text()))
    assert {"edit.not_gift", "edit.gift_shipped", "edit.gift_limit", "edit.handed_over"} <= reasons
    own = (LOCALES / "orderEdits.js").read_text()
    zh = [(LOCALES / "zh-CN.js").read_text(), own[own.index("'zh-CN'"):own.index("  en:")]]
    en = [(LOCALES / "en.js").read_text(), own[own.index("  en:"):]]
    for reason in sorted(reasons):
        assert _said(reason, zh) and _said(reason, en), reason
