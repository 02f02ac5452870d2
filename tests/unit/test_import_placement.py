"""Imports sit at module top. The exceptions: the entry points and the composition root (api/, workers/,
the bootstrap package: measured in api/__init__.py), and a line that says its cold-start reason beside it."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "chalicelib"
LATE_IMPORTS_ALLOWED = ("api", "workers", "bootstrap")   # the entry points and the composition root


def _late_imports(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    found = []
    for function in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom) and "cold start" not in lines[node.lineno - 1]:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_GIVEN_the_core_and_the_adapters_THEN_every_import_inside_a_function_names_its_cold_start_reason() -> None:
    modules = [p for p in ROOT.rglob("*.py")
               if p.relative_to(ROOT).parts[0] not in LATE_IMPORTS_ALLOWED]
    assert [late for path in modules for late in _late_imports(path)] == []
