"""WeChat's cursor paging (reference §2.2): send back `next_key` until `has_more` is false. The product
list has no `has_more` and ends with an empty page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.platforms.wechat.errors import PLATFORM
from chalicelib.services.platform_errors import TransientError

Call = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


def walk_ids(call: Call, path: str, body: Mapping[str, Any], key: str) -> list[str]:
    """Every id of every page, once each; a record that moved between pages may be listed twice by the
    platform (the cursor is positional), so duplicates are dropped here."""
    ids: dict[str, None] = {}
    next_key = ""
    while True:
        page = call(path, {**body, "next_key": next_key} if next_key else body)
        found = [str(i) for i in page.get(key) or ()]
        ids.update(dict.fromkeys(found))
        following = str(page.get("next_key") or "")
        more = page["has_more"] if "has_more" in page else bool(found)
        if not more or not following:
            return list(ids)
        if following == next_key:
            raise TransientError(f"{path}: next_key did not advance", platform=PLATFORM)
        next_key = following
