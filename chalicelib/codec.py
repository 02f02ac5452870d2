"""Domain dataclasses <-> JSON-able dicts. Enums by value, datetimes as ISO 8601 with offset,
tuples and frozensets as lists. Reconstruction is typed per class via its annotations."""
from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_doc(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_doc(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, frozenset | set):
        return sorted(to_doc(v) for v in obj)
    if isinstance(obj, tuple | list):
        return [to_doc(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_doc(v) for k, v in obj.items()}
    return obj


def from_doc(cls: type[T], doc: dict[str, Any]) -> T:
    hints = _hints(cls)  # type: ignore[arg-type]
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: _decode(hints[k], v) for k, v in doc.items() if k in names}
    return cls(**kwargs)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _decode(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=False))
    if origin is frozenset:
        return frozenset(_decode(args[0], v) for v in value)
    if origin in (dict, typing.Mapping, collections.abc.Mapping) or tp is dict:
        return dict(value)
    if isinstance(tp, type):
        return _decode_class(tp, value)
    return value


def _decode_class(tp: type, value: Any) -> Any:
    if issubclass(tp, Enum):
        return tp(value)
    if issubclass(tp, datetime):
        return parse_time(value)
    if dataclasses.is_dataclass(tp):
        return from_doc(tp, value)
    return value


def parse_time(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def sortable(dt: datetime) -> str:
    """UTC, fixed width: index range keys must sort as text in time order whatever the offset."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
