"""Every hold reason has a name and an explanation in both UI locales and is listed in the UI's filters."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.status import HoldReason

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("locale", ["zh-CN.js", "en.js"])
def test_given_every_hold_reason_then_the_locale_names_and_explains_it(locale: str) -> None:
    text = (ROOT / "ui/src/i18n/locales" / locale).read_text()
    for reason in HoldReason:
        assert len(re.findall(rf"\b{reason.value}: '", text)) >= 2, reason


def test_given_every_hold_reason_then_the_ui_lists_it() -> None:
    listed = re.search(r"HOLD_REASONS = \[(.*)\]", (ROOT / "ui/src/components/format.js").read_text())
    assert listed is not None
    assert set(re.findall(r"'(\w+)'", listed.group(1))) == {reason.value for reason in HoldReason}
