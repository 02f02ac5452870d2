"""Every refusal reason drop-shipping raises has a zh and an en sentence in ui/src/i18n/locales/dropship.js."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/domain/dropship.py", "chalicelib/services/dropship.py", "chalicelib/services/dropship_import.py",
           "chalicelib/api/dropship.py", "chalicelib/api/supplier.py", "chalicelib/api/auth.py",
           "chalicelib/api/stock.py", "chalicelib/services/stock_reconcile.py", "chalicelib/services/shipments.py"]


def test_given_every_dropship_reason_then_both_languages_say_it() -> None:
    reasons = {found for name in MODULES for found in re.findall(r'reason="([a-z_]+\.[a-z_]+)"',
                                                                 (ROOT / name).read_text())}
    assert "dropship.not_assigned" in reasons and "dropship.unknown_supplier" in reasons
    text = (ROOT / "ui/src/i18n/locales/dropship.js").read_text()
    words = text[text.index("export const words"):]
    zh, en = words[words.index("'zh-CN'"):words.index("  en:")], words[words.index("  en:"):]
    reasons |= {"dropship.ships_alone", "dropship.no_split"}   # the merge's and split's refusals (codes, not reason=)
    for reason in sorted(r for r in reasons if not r.startswith("warehouse.")):   # warehouses' own: locales/*.js
        assert f"'{reason}'" in zh and f"'{reason}'" in en, reason
