"""Every refusal reason of merge and split (fulfilment.*) has a zh and an en sentence in ui/.../parcels.js."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/domain/fulfilments.py", "chalicelib/domain/fulfilment_splits.py",
           "chalicelib/services/fulfilments.py", "chalicelib/services/fulfilment_splits.py",
           "chalicelib/services/fulfilment_views.py", "chalicelib/services/waybill_parcels.py",
           "chalicelib/api/fulfilments.py"]


def _reasons() -> set[str]:
    found: set[str] = set()
    for name in MODULES:
        found |= set(re.findall(r'reason="?(?:reason or )?"?fulfilment\.([a-z_]+)"', (ROOT / name).read_text()))
        found |= set(re.findall(r'"fulfilment\.([a-z_]+)"', (ROOT / name).read_text()))
    return found


def test_given_every_fulfilment_reason_then_both_languages_translate_it() -> None:
    reasons = _reasons()
    assert {"has_waybill", "units_mismatch", "different_buyer"} <= reasons
    text = (ROOT / "ui/src/i18n/locales/parcels.js").read_text()
    zh, en = text[text.index("'zh-CN'"):text.index("\n  en:")], text[text.index("\n  en:"):]
    for name, block in (("zh-CN", zh), ("en", en)):
        section = block[block.index("fulfilment: {"):]
        for reason in sorted(reasons):
            assert re.search(rf"\b{reason}:", section), (name, reason)
