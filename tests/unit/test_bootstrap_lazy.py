"""The composition root imports a builder's module only when the builder is first asked for (cold start:
chalicelib/bootstrap/__init__.py), and its table of builders is each module's own list."""
from __future__ import annotations

import importlib
import subprocess
import sys

from chalicelib import bootstrap


def test_GIVEN_the_table_of_builders_THEN_it_is_each_modules_all() -> None:
    for module, names in bootstrap.MODULES.items():
        held = importlib.import_module(f"chalicelib.bootstrap.{module}")
        assert sorted(names) == sorted(held.__all__), module
        assert all(getattr(bootstrap, name) is getattr(held, name) for name in names)


def test_GIVEN_a_fresh_process_WHEN_the_package_is_imported_THEN_no_module_of_it_is_until_a_builder_is_asked() -> None:
    code = ("import sys; from chalicelib import bootstrap; "
            "before = sorted(m for m in sys.modules if m.startswith('chalicelib.bootstrap.')); "
            "bootstrap.clock; after = sorted(m for m in sys.modules if m.startswith('chalicelib.bootstrap.')); "
            "print(before, after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['chalicelib.bootstrap.registry'] ['chalicelib.bootstrap.core', 'chalicelib.bootstrap.registry']"


def test_GIVEN_an_unknown_name_THEN_an_attribute_error() -> None:
    try:
        bootstrap.no_such_builder  # noqa: B018
    except AttributeError as exc:
        assert "no_such_builder" in str(exc)
    else:
        raise AssertionError("an unknown builder was found")
