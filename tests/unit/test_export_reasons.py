"""Every refusal reason the exports raise has a zh and an en sentence in ui/src/i18n/locales/exports.js."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/domain/exports.py", "chalicelib/services/export_jobs.py", "chalicelib/api/exports.py"]


def test_given_every_exports_reason_then_both_languages_translate_it() -> None:
    reasons = {r for m in MODULES for r in re.findall(r'reason="exports\.([a-z_]+)"', (ROOT / m).read_text())}
    assert {"kind", "format", "language", "filter", "not_found"} <= reasons
    text = (ROOT / "ui/src/i18n/locales/exports.js").read_text()
    zh, en = text.split("\n  en: {")
    for block in (zh, en):
        errors = block[block.index("errors: {"):]
        exports = re.search(r"exports: {(.*?)\n\s*}", errors, re.S)     # a sentence may hold {field}
        assert exports is not None
        assert all(re.search(rf"\b{what}:", exports.group(1)) for what in reasons), block[:40]
