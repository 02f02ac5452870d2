"""Every refusal reason the report reads raise (the report API, the reports export's and the MCP tool's
rows) has a zh and an en sentence in ui/src/i18n/words."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/api/reports.py", "chalicelib/services/report_rows.py"]


def test_given_every_reports_reason_then_both_languages_translate_it() -> None:
    reasons = {r for m in MODULES for r in re.findall(r'reason="(reports\.[a-z_]+)"', (ROOT / m).read_text())}
    assert {"reports.date", "reports.by", "reports.shop_grouping"} <= reasons
    for words in ("zh-CN.js", "en.js"):
        text = (ROOT / "ui/src/i18n/words" / words).read_text()
        assert all(f"'{reason}':" in text for reason in reasons), words
