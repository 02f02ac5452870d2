"""Every refusal reason the alerts raise has a zh and an en sentence in ui/src/i18n/locales/alerts.js, and
every alert event a name in both."""
from __future__ import annotations

import re
from pathlib import Path

from chalicelib.domain.alerts import EVENTS

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/services/alert_channels.py", "chalicelib/services/alerts.py", "chalicelib/api/alerts.py"]


def _locale(name: str) -> str:
    text = (ROOT / "ui/src/i18n/locales/alerts.js").read_text()
    zh, en = text.index("'zh-CN':"), text.index("\n  en:")
    return text[zh:en] if name == "zh-CN" else text[en:]


def test_GIVEN_every_alerts_reason_THEN_both_locales_translate_it() -> None:
    reasons = {r for m in MODULES for r in re.findall(r'reason="alerts\.([a-z_]+)"', (ROOT / m).read_text())}
    assert "bad_webhook_url" in reasons and "secret_missing" in reasons
    for locale in ("zh-CN", "en"):
        errors = _locale(locale)[_locale(locale).index("errors:"):]
        for what in sorted(reasons):
            assert re.search(rf"\b{what}:", errors), (locale, what)


def test_GIVEN_every_alert_event_THEN_both_locales_name_it() -> None:
    for locale in ("zh-CN", "en"):
        names = _locale(locale)[_locale(locale).index("eventNames:"):]
        for event in EVENTS:        # nested along the dots: {shop: {reauth_needed: ...}}
            area, _, what = event.rpartition(".")
            assert re.search(rf"\b{area}: {{[^}}]*\b{what}:", names) if area else f"{what}:" in names, (locale, event)
