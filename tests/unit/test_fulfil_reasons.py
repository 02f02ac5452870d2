"""Every refusal reason the fulfilment strategies raise has a zh and an en sentence in locales/fulfilment.js."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/domain/fulfil_rules.py", "chalicelib/services/fulfil_admin.py",
           "chalicelib/services/carrier_choice.py", "chalicelib/storage/fulfil.py", "chalicelib/api/fulfilment.py"]


def test_given_every_fulfilment_reason_then_both_languages_translate_it() -> None:
    found = set()
    for name in MODULES:
        text = (ROOT / name).read_text()
        found |= set(re.findall(r'"fulfil\.([a-z_]+)"', text))
    assert {"rule_invalid", "changed", "unknown_sku", "too_late"} <= found
    text = (ROOT / "ui/src/i18n/locales/fulfilment.js").read_text()
    zh, en = text.split("\n  en: {")
    for locale in (zh, en):
        block = locale[locale.index("fulfil: {", locale.index("errors: {")):]
        for what in sorted(found):
            assert re.search(rf"\b{what}:", block), (what, locale[:20])
