"""Least privilege: no wildcard, and each function's declared access (infra/iam.py) covers what its code
reaches statically (tables through the pynamodb models of the storage modules it imports, queues it publishes
to). The analysis follows imports anywhere in a file and the bootstrap factories a module calls."""
from __future__ import annotations

import ast
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from infra import iam
from infra.template import cfn_name

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _path(mod: str) -> Path | None:
    for p in (ROOT / (mod.replace(".", "/") + ".py"), ROOT / mod.replace(".", "/") / "__init__.py"):
        if p.exists():
            return p
    return None


@cache
def _refs(mod: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(chalicelib modules imported, bootstrap factories referenced, names referenced)"""
    path = _path(mod)
    assert path
    pkg = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    mods: set[str] = set()
    facts: set[str] = set()
    used: set[str] = set()
    tree = ast.parse(path.read_text())
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            mods |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            base = n.module or ""
            if n.level:
                parts = pkg.split(".")
                base = ".".join(parts[:len(parts) - n.level + 1] + ([base] if base else []))
            mods |= {base} | {f"{base}.{a.name}" for a in n.names}
        elif isinstance(n, ast.Attribute):
            if isinstance(n.value, ast.Name) and n.value.id == "bootstrap":
                facts.add(n.attr)
            used.add(n.attr)
        elif isinstance(n, ast.Name):
            used.add(n.id)
    if path.name == "__init__.py" and "pkgutil" in mods:   # a package loading all its modules (action handlers)
        mods |= {f"{mod}.{p.stem}" for p in path.parent.glob("*.py") if p.stem != "__init__"}
    mods = {m for m in mods if m.startswith("chalicelib.") and _path(m) and not _in_bootstrap(m)}
    return frozenset(mods), frozenset(facts), frozenset(used)


def _in_bootstrap(mod: str) -> bool:
    """The composition root is followed through the factories a module calls, not as an import."""
    return mod == "chalicelib.bootstrap" or mod.startswith("chalicelib.bootstrap.")


@cache
def _factories() -> dict[str, ast.FunctionDef]:
    """Every builder of the bootstrap package, by the name it is reached by (`bootstrap.<name>`)."""
    trees = [ast.parse(f.read_text()) for f in sorted((ROOT / "chalicelib/bootstrap").glob("*.py"))]
    return {n.name: n for tree in trees for n in tree.body if isinstance(n, ast.FunctionDef)}


def _factory_refs(name: str) -> tuple[set[str], set[str]]:
    mods: set[str] = set()
    facts: set[str] = set()
    for n in ast.walk(_factories()[name]):
        if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("chalicelib."):
            mods |= {n.module} | {f"{n.module}.{a.name}" for a in n.names if _path(f"{n.module}.{a.name}")}
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _factories():
            facts.add(n.func.id)   # a builder of the same module
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "bootstrap":
            facts.add(n.attr)      # a builder of another module, called or passed on
    return mods, facts


def reach(modules: list[str]) -> set[str]:
    seen: set[str] = set()
    facts_seen: set[str] = set()
    todo = list(modules)
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        mods, facts, _ = _refs(m)
        todo += list(mods)
        pending = list(facts)
        while pending:
            f = pending.pop()
            if f in facts_seen or f not in _factories():
                continue
            facts_seen.add(f)
            fm, ff = _factory_refs(f)
            todo += list(fm)
            pending += list(ff)
    return seen


@cache
def _item_tables() -> dict[str, str]:
    out = {}
    for f in (ROOT / "chalicelib/storage").glob("*.py"):
        for n in ast.walk(ast.parse(f.read_text())):
            if isinstance(n, ast.ClassDef):
                for b in n.body:
                    if (isinstance(b, ast.Assign) and isinstance(b.value, ast.Call)
                            and getattr(b.value.func, "id", "") == "table_meta"):
                        out[n.name] = b.value.args[0].value
    return out


def tables_of(mods: set[str]) -> set[str]:
    out: set[str] = set()
    for m in mods:
        if m.startswith("chalicelib.storage."):
            out |= {t for item, t in _item_tables().items() if item in _refs(m)[2]}
    return out


def queues_published(mods: set[str]) -> set[str]:
    found: set[str] = set()
    for m in mods:
        found |= set(re.findall(r"""publish\(\s*["'](\w+)["']""", _path(m).read_text()))  # type: ignore[union-attr]
    return found


def handler_modules() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from app import app
    out = {iam.API_HANDLER: ["app"] + [f"chalicelib.api.{p.stem}" for p in (ROOT / "chalicelib/api").glob("*.py")]}
    for source in app.event_sources:
        out[source.name] = [source.handler_string.rsplit(".", 1)[0]]
    return out


def test_given_every_function_of_the_app_then_its_access_is_declared() -> None:
    assert set(handler_modules()) <= set(iam.FUNCTIONS)


@pytest.mark.parametrize("name", sorted(iam.FUNCTIONS))
def test_given_a_function_then_its_declared_access_covers_what_its_code_reaches(name: str) -> None:
    modules = handler_modules().get(name)
    if modules is None:
        pytest.skip(f"{name} is not in the app yet")
    reached = reach([m for m in modules if m != "app"])
    access = iam.FUNCTIONS[name]
    assert tables_of(reached) <= access.tables, name
    assert queues_published(reached) <= access.sends, name
    if "chalicelib.storage.raw" in reached:
        assert access.raw_bucket, name
    if "chalicelib.messaging.dlq" in reached:
        assert access.dead_letters, name


def test_given_every_role_then_no_wildcard_action_or_resource() -> None:
    for name, access in iam.FUNCTIONS.items():
        policy = iam.role(name, access, cfn_name)["Properties"]["Policies"][0]["PolicyDocument"]
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in a for a in actions), (name, actions)
            for resource in statement["Resource"]:
                text = json.dumps(resource)
                assert resource != "*" and ":*:" not in text, (name, resource)
                # only a log group's streams and the raw and images buckets' objects end in a wildcard
                assert not text.rstrip('"}').endswith("*") or "log-group:" in text or "RawBucket" in text or (
                    "ImagesBucket" in text)


def test_given_a_consumer_then_only_its_own_queue_is_received_from() -> None:
    role: dict[str, Any] = iam.role("on_order_message", iam.FUNCTIONS["on_order_message"], cfn_name)
    receive = [s for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
               if "sqs:ReceiveMessage" in s["Action"]]
    assert [s["Resource"] for s in receive] == [[{"Fn::GetAtt": ["OrdersQueue", "Arn"]}]]
