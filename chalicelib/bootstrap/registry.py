"""The one place the composition root keeps what it built: an instance per name, built on first use, replaced in
tests through `override`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_instances: dict[str, Any] = {}


def _get(name: str, factory: Callable[[], T]) -> T:
    if name not in _instances:
        _instances[name] = factory()
    instance: T = _instances[name]
    return instance


@contextmanager
def override(**replacements: Any) -> Iterator[None]:
    saved = dict(_instances)
    _instances.update(replacements)
    try:
        yield
    finally:
        _instances.clear()
        _instances.update(saved)


def reset() -> None:
    _instances.clear()
