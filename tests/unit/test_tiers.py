"""The test tiers stay visible: each folder is a declared marker, and test modules import helpers, never
each other (a helper inside a test module runs its tests again wherever it is imported)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from tests.tiers import TIERS, tier_of_nodeid, tier_of_path

TESTS = Path(__file__).resolve().parents[1]


def test_given_each_test_folder_then_it_is_a_tier_declared_as_a_marker() -> None:
    folders = {p.parent.relative_to(TESTS).parts[0] for p in TESTS.rglob("test_*.py") if p.parent != TESTS}
    declared = {line.split(":")[0] for line in
                tomllib.loads((TESTS.parent / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]}
    assert folders == set(TIERS)
    assert set(TIERS) <= declared


def test_given_node_ids_and_paths_then_the_tier_is_the_top_folder() -> None:
    assert tier_of_nodeid("tests/unit/platforms/test_jd_mapping.py::test_x[a/b]") == "unit"
    assert tier_of_nodeid("tests/e2e/test_erp_loop.py::TestLoop::test_y") == "e2e"
    assert tier_of_nodeid("tests/erp_kit.py::test_z") is None
    assert tier_of_path(TESTS / "printing" / "test_labels.py") == "printing"
    assert tier_of_path(TESTS / "fakes.py") is None


def test_given_the_test_modules_then_none_imports_another_test_module() -> None:
    test_import = re.compile(r"^\s*(from tests(\.\w+)*\.test_\w+ import|from tests(\.\w+)* import test_\w+|"
                             r"import tests(\.\w+)*\.test_)", re.MULTILINE)
    offenders = [str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py") if test_import.search(p.read_text())]
    assert offenders == []
