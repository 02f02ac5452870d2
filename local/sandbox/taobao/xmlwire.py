"""TOP's XML envelope, for clients that send format=xml (TOP's own default; our client sends json).
The same tree as the JSON one (reference §1.3): the root is `<method>_response` or `error_response`, a
double-wrapped list `{"trades": {"trade": [...]}}` becomes `<trades list="true"><trade>..</trade></trades>`
(the attribute the official SDKs' XML parsers look for), booleans are `true`/`false`, absent values are
left out. simplify is a JSON-only parameter: XML is never flattened."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

CONTENT_TYPE = "text/xml;charset=UTF-8"
DECLARATION = b'<?xml version="1.0" encoding="utf-8" ?>'


def render(root: str, payload: dict[str, Any]) -> bytes:
    element = ET.Element(root)
    _fill(element, payload)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        if _is_list_wrapper(value):
            element.set("list", "true")
        for key, child in value.items():
            _append(element, key, child)
    else:
        element.text = _text(value)


def _append(parent: ET.Element, key: str, value: Any) -> None:
    if value is None:
        return
    for item in value if isinstance(value, list) else [value]:
        if item is not None:
            _fill(ET.SubElement(parent, key), item)


def _is_list_wrapper(value: dict[str, Any]) -> bool:
    return len(value) == 1 and isinstance(next(iter(value.values())), list)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
