"""Defensive parsing of platform push bodies, shared by every push verifier. A push body is attacker
input until its signature is checked, and a signed body can still be absurd (a platform bug, a leaked
key): every failure here is a PushRejectedError (a 4xx), never RecursionError, OverflowError or a 500.

JSON nesting past the interpreter's limit stops the C parser with a RecursionError (caught, a 400);
the tighter limits are checked on the parsed tree without recursion. XML is parsed by expat, which does
not recurse, with its depth counted as it goes and no DTD allowed."""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, cast

from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI, PushEvent

MAX_DEPTH = 16         # the deepest real push (Douyin's data, WeChat's decrypted XML) nests 4 levels
MAX_DIGITS = 20        # a uint64 id; Python's own cap (4,300 digits) is far too generous for a push
# 2000-01-01 .. 2100-01-01 in seconds: anything outside is not an event time of a live platform
EARLIEST, LATEST = 946_684_800, 4_102_444_800

_ID = re.compile(r"[0-9A-Za-z_.:|=+/@-]{1,96}")


def load_json(raw: bytes | str, what: str = "body", max_depth: int = MAX_DEPTH) -> Any:
    """The C parser refuses nesting past the interpreter's recursion limit with a catchable
    RecursionError; the tree is then walked without recursion for the tighter limits."""
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except RecursionError as exc:
        raise PushRejectedError(f"{what} nested deeper than {max_depth}", status=400) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise PushRejectedError(f"{what} is not JSON", status=400) from exc
    _check_tree(value, what, max_depth)
    return value


def load_xml(raw: bytes, what: str = "body", max_depth: int = MAX_DEPTH) -> ET.Element:
    """No DTD, so no entities to expand (billion laughs, external entities); depth checked as it parses."""
    upper = raw.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise PushRejectedError(f"{what}: XML with a DTD is refused", status=400)
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    depth, root = 0, None
    try:
        parser.feed(raw)
        parser.close()
        for event, element in parser.read_events():
            depth += 1 if event == "start" else -1
            if depth > max_depth:
                raise PushRejectedError(f"{what} nested deeper than {max_depth}", status=400)
            root = cast(ET.Element, element) if root is None else root
    except ET.ParseError as exc:
        raise PushRejectedError(f"{what} is malformed XML", status=400) from exc
    if root is None:
        raise PushRejectedError(f"{what} is empty XML", status=400)
    return root


def epoch_time(value: Any, what: str, *, millis: bool = False) -> datetime:
    """Unix seconds (or milliseconds) as an aware time; a non-integer or absurd value is a 400."""
    number = whole_number(value, what)
    seconds = number // 1000 if millis else number
    if not EARLIEST <= seconds <= LATEST:
        raise PushRejectedError(f"{what} out of range: {str(value)[:24]}", status=400)
    return datetime.fromtimestamp(number / 1000 if millis else number, SHANGHAI)


def in_range(moment: datetime, what: str) -> datetime:
    """A parsed time string: years 1 or 9999 would overflow the freshness arithmetic later."""
    try:
        seconds = moment.timestamp()
    except (OverflowError, ValueError, OSError) as exc:
        raise PushRejectedError(f"{what} out of range", status=400) from exc
    if not EARLIEST <= seconds <= LATEST:
        raise PushRejectedError(f"{what} out of range: {moment.isoformat()}", status=400)
    return moment


def whole_number(value: Any, what: str) -> int:
    """A non-negative integer given as a JSON number or a string of ASCII digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0 or value.bit_length() > 64:
            raise PushRejectedError(f"{what} out of range", status=400)
        return value
    text = value if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        raise PushRejectedError(f"{what} is not a whole number: {str(value)[:24]!r}", status=400)
    return int(text)


def _check_tree(value: Any, what: str, max_depth: int) -> None:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth + 1 > max_depth:
                raise PushRejectedError(f"{what} nested deeper than {max_depth}", status=400)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_DIGITS:
            raise PushRejectedError(f"{what} holds a number longer than {MAX_DIGITS} digits", status=400)
        elif isinstance(node, float) and not math.isfinite(node):
            raise PushRejectedError(f"{what} holds a number out of range", status=400)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def checked(events: list[PushEvent]) -> list[PushEvent]:
    """Ids become keys (DynamoDB, SQS groups and dedup ids), which take short printable ASCII only: an id
    that is not one is the body's fault, refused before anything of the push is enqueued."""
    for event in events:
        for what, value in (("seller id", event.seller_id), ("order id", event.order_no),
                            ("after-sale id", event.case_id), ("message id", event.message_id)):
            if value and not _ID.fullmatch(value):
                raise PushRejectedError(f"{what} is not a platform id: {value[:24]!r}", status=400)
    return events
