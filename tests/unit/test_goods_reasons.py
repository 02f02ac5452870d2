"""Every refusal reason the goods library raises has a zh and an en sentence in the UI's goods locales."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["chalicelib/domain/goods.py", "chalicelib/domain/taxonomy.py", "chalicelib/domain/suppliers.py",
           "chalicelib/services/goods.py", "chalicelib/services/taxonomy.py", "chalicelib/services/suppliers.py",
           "chalicelib/storage/goods.py", "chalicelib/api/goods.py", "chalicelib/api/suppliers.py"]
OPTIONAL = ["chalicelib/services/goods_images.py", "chalicelib/services/goods_push.py", "chalicelib/services/goods_xlsx.py",
            "chalicelib/services/goods_push_jobs.py"]


def _reasons() -> set[str]:
    found: set[str] = set()
    for name in MODULES + [m for m in OPTIONAL if (ROOT / m).exists()]:
        text = (ROOT / name).read_text()
        found |= set(re.findall(r'reason="([a-z_]+\.[a-z_]+)"', text))
        found |= set(re.findall(r'"((?:goods|category|record|brand|supplier)\.[a-z_]+)"', text))
    return found


def test_given_every_goods_reason_then_both_locales_translate_it() -> None:
    reasons = _reasons()
    assert "goods.matrix_too_large" in reasons and "category.cycle" in reasons
    for locale in ("goods.zh-CN.js", "goods.en.js"):
        text = (ROOT / "ui/src/i18n/locales" / locale).read_text()
        block = text[text.index("reasons:"):]
        for reason in sorted(reasons):
            area, what = reason.split(".")
            area_block = re.search(rf"\b{area}: {{(.*?)}}", block, re.S)
            assert area_block and re.search(rf"\b{what}:", area_block.group(1)), (locale, reason)
