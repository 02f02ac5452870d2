"""The part of an index Query's sorted candidates (local/runtime/moto_queries.py) that moto's own loop can
look at, so a page costs its page and not its partition: moto checks every candidate's hash key, then
walks them (computing each one's size) until the page is full. Same answers, from fewer candidates:
- the key condition on the index's sort key keeps one contiguous run of the sorted candidates (a bisect);
- the start key of a following page skips what moto skips (items up to it, in the Query's direction);
- of the rest, moto needs the page (`Limit` items) and the next item, whose presence decides
  LastEvaluatedKey; and, where the run was cut, the item just past it, which moto would have met.
Narrowed only where that is exactly moto's walk: a Limit, no legacy QueryFilter, a sort-key comparison
that keeps a contiguous run, and a window small enough that moto's 1 MB page limit could not have
stopped it at an item left out."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.runtime.moto_queries import Sorted

RESULT_SIZE_LIMIT = 1024 * 1024          # moto's page limit (moto.dynamodb.models.table)
LARGEST_ITEM = 400 * 1024                # DynamoDB's item size limit


def window(table: Any, cached: Sorted, given: dict[str, Any]) -> list[Any]:
    limit = given.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        return cached.items
    run = None if given.get("filter_kwargs") else _run(table, cached, given)
    start = _start(cached.attrs, given.get("exclusive_start_key"))
    if run is None or start is False:
        return cached.items
    lo, hi = run
    if given.get("scan_index_forward", True) is not False:
        first = bisect_right(cached.keys, start, lo, hi) if start is not None else lo
        return _forward(cached.items, first, hi, limit)
    top = bisect_left(cached.keys, start, lo, hi) if start is not None else hi
    return _backward(cached.items, lo, top, limit)


def _forward(items: list[Any], first: int, hi: int, limit: int | None) -> list[Any]:
    """moto walks from `first`: every item of the run is a result until the page is full (`limit`, then one
    more item to see) or the next one would pass 1 MB; past the run it meets the next item, and walks on
    (sizing each) only while a page could still reach 1 MB."""
    stop = min(hi, first + limit + 1) if limit else hi
    k, size = first, 0
    while k < stop and size <= RESULT_SIZE_LIMIT:
        size += items[k].size()
        k += 1
    if size > RESULT_SIZE_LIMIT or k < hi:
        return items[first:k]
    if size + LARGEST_ITEM <= RESULT_SIZE_LIMIT:
        return items[first:hi + 1]
    return items[first:]


def _backward(items: list[Any], lo: int, top: int, limit: int | None) -> list[Any]:
    """`_forward` for a Query that reads backwards: moto reverses the list, so it walks down from `top`."""
    stop = max(lo, top - limit - 1) if limit else lo
    k, size = top, 0
    while k > stop and size <= RESULT_SIZE_LIMIT:
        k -= 1
        size += items[k].size()
    if size > RESULT_SIZE_LIMIT or k > lo:
        return items[k:top]
    if size + LARGEST_ITEM <= RESULT_SIZE_LIMIT:
        return items[max(0, lo - 1):top]
    return items[:top]


def _run(table: Any, cached: Sorted, given: dict[str, Any]) -> tuple[int, int] | None:
    """The candidates the sort-key condition keeps, as [lo, hi) of the sorted list; None when unsure."""
    comparison = given.get("range_comparison")
    n = len(cached.items)
    if comparison is None:
        return 0, n
    conditions = given.get("range_key_conditions") or []
    sort_key = _index_sort_key(table, given.get("index_name"))
    if sort_key is None or len(conditions) > 1 or sort_key not in cached.attrs:
        return None
    if conditions and conditions[-1][0] != sort_key:
        return None
    position = cached.attrs.index(sort_key)
    values = [value.cast_value for value in given.get("range_objs") or []]
    return _bounds(cached.keys, position, str(comparison).upper(), values, n)


# comparison -> how many values, and the run [lo, hi) from bisect_left/bisect_right of them (n: the end)
_RUNS: dict[str, tuple[int, Any]] = {
    "EQ": (1, lambda left, right, n: (left(0), right(0))),
    "LT": (1, lambda left, right, n: (0, left(0))),
    "LE": (1, lambda left, right, n: (0, right(0))),
    "GT": (1, lambda left, right, n: (right(0), n)),
    "GE": (1, lambda left, right, n: (left(0), n)),
    "BETWEEN": (2, lambda left, right, n: (left(0), max(left(0), right(1)))),
}
_SYMBOLS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}


def _bounds(keys: list[tuple[Any, ...]], position: int, comparison: str, values: list[Any],
            n: int) -> tuple[int, int] | None:
    def key(entry: tuple[Any, ...]) -> Any:
        return entry[position]

    comparison = _SYMBOLS.get(comparison, comparison)
    try:
        if comparison == "BEGINS_WITH" and len(values) == 1 and isinstance(values[0], str):
            return _prefixed(keys, position, values[0], bisect_left(keys, values[0], key=key), n)
        arity, run = _RUNS.get(comparison, (None, None))
        if run is None or len(values) != arity:
            return None
        return run(lambda i: bisect_left(keys, values[i], key=key),   # type: ignore[no-any-return]
                   lambda i: bisect_right(keys, values[i], key=key), n)
    except TypeError:            # values of another type than the keys: moto's own walk decides
        return None


def _prefixed(keys: list[tuple[Any, ...]], position: int, prefix: str, lo: int, n: int) -> tuple[int, int]:
    hi = lo
    while hi < n and isinstance(keys[hi][position], str) and keys[hi][position].startswith(prefix):
        hi += 1
    return lo, hi


def _index_sort_key(table: Any, index_name: str | None) -> str | None:
    if not index_name:
        return None
    schema = table.get_index(index_name).schema
    hashes = [k for k in schema if k["KeyType"] == "HASH"]
    ranges = [k for k in schema if k["KeyType"] == "RANGE"]
    return str(ranges[0]["AttributeName"]) if len(hashes) == 1 and len(ranges) == 1 else None


def _start(attrs: list[str], start_key: dict[str, Any] | None) -> tuple[Any, ...] | bool | None:
    """The start key as a sort key; None without one; False when it names too little to place it."""
    if not start_key:
        return None
    from moto.dynamodb.models.dynamo_type import DynamoType
    if any(attr not in start_key for attr in attrs):
        return False
    return tuple(DynamoType(start_key[attr]).cast_value for attr in attrs)
