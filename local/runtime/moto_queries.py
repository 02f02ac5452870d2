"""moto answers a DynamoDB Query by sorting every item of the table by its primary key (`Table.all_items`,
Python comparisons of DynamoType), then keeping the items whose keys match, then sorting those by the
index's keys. With 100,000 orders that is seconds per Query, whatever the page size: the admin list's
p99 at 100k orders (#21) measured moto's sort, not our reads, and never finished.

For the local runtime and the benches:
- within a Query, the candidates are the items whose hash key(s) match, unsorted: moto sorts them itself
  right after, by a key that names the table's primary key, so the order it started from never shows;
- an index Query's sorted candidates are kept per table, index and key until the next write to any table,
  so a page after a page, or a list and its counts, sort once (every read-only request after a write pays
  one sort of its own partition, never of the table).
Every answer is moto's: the same filters, page limits, start keys and projections run on the same items in
the same order. Only candidates and their sort are shared; the items themselves are moto's own objects.

Safe under the emulator's threads because DynamoDB calls run one at a time there (moto_server's
DynamoSerialiser); in-process `mock_aws` (the benches) runs one call at a time anyway."""
from __future__ import annotations

import inspect
import threading
import weakref
from collections import OrderedDict
from typing import Any, NamedTuple

from local.runtime.moto_windows import window

KEYS_KEPT = 64      # sorted candidate lists kept per table (an LRU: many keys are one-off lookups)

# every backend call that can add, change or remove an item, or replace a table's items wholesale
WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "execute_statement",
          "execute_transaction", "batch_execute_statement", "create_table", "delete_table", "update_table",
          "update_table_global_indexes", "restore_table_from_backup", "restore_table_to_point_in_time",
          "import_table")

_applied = False
_generation = 0
_sorted: weakref.WeakKeyDictionary[Any, tuple[int, OrderedDict[Any, Sorted]]] = weakref.WeakKeyDictionary()
_grouped: weakref.WeakKeyDictionary[Any, tuple[int, dict[tuple[str, ...], dict[tuple[Any, ...], list[Any]]]]] = (
    weakref.WeakKeyDictionary())
_query = threading.local()


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    for name in WRITES:
        _bump_after(DynamoDBBackend, name)
    for name in ("put_item", "delete_item"):      # what other callers (a transaction's branches) reach
        _bump_after(Table, name)
    _candidates_of_the_query(Table)
    _applied = True


def _bump_after(owner: type, name: str) -> None:
    original = getattr(owner, name)

    def written(*args: Any, **kwargs: Any) -> Any:
        global _generation
        try:
            return original(*args, **kwargs)
        finally:            # a write that failed half-way may still have changed something
            _generation += 1

    setattr(owner, name, written)


class _Current:
    """The Query running on one table: what its candidates are keyed by, and whether they came sorted."""

    def __init__(self, table: Any, given: dict[str, Any]) -> None:
        self.table = table
        self.given = given
        self.hash_key = given.get("hash_key")
        self.index_name: str | None = given.get("index_name")
        self.hash_conditions = [(name, value) for name, value in given.get("hash_key_conditions") or ()]
        equalities = (given.get("range_key_conditions") or [])[:-1]    # moto filters by all but the last
        self.key = (self.index_name, _typed(self.hash_conditions),
                    _typed([(name, values[0]) for name, _op, values in equalities]))
        self.cached: Sorted | None = None
        self.taken = False


def _typed(pairs: list[tuple[str, Any]]) -> tuple[tuple[str, str, str], ...]:
    return tuple((name, value.type, repr(value.value)) for name, value in pairs)


def _candidates_of_the_query(table_class: Any) -> None:
    query, all_items, sorted_items = table_class.query, table_class.all_items, table_class.sorted_items
    signature = inspect.signature(query)

    def keyed_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = dict(signature.bind(self, *args, **kwargs).arguments)   # moto's backend passes most by position
        previous = getattr(_query, "current", None)
        _query.current = _Current(self, given)
        try:
            return query(self, *args, **kwargs)
        finally:
            _query.current = previous

    def candidates(self: Any) -> list[Any]:
        current: _Current | None = getattr(_query, "current", None)
        if current is None or current.table is not self or current.taken:
            return all_items(self)       # a Scan, or anything else that walks the table: moto's order
        current.taken = True
        if current.index_name is None:
            return _partition(self, current.hash_key)
        kept = _kept(self)
        current.cached = kept.get(current.key)
        if current.cached is not None:
            kept.move_to_end(current.key)
            return window(self, current.cached, current.given)
        return _partition_of(self, current.hash_conditions)

    def sort_once(self: Any, hash_attrs: Any, range_attrs: Any, items: list[Any]) -> list[Any]:
        current: _Current | None = getattr(_query, "current", None)
        if current is None or current.table is not self or current.index_name is None:
            return sorted_items(self, hash_attrs, range_attrs, items)   # type: ignore[no-any-return]
        if current.cached is not None:
            return items                 # kept sorted; moto's filter only dropped some, in order
        attrs = self._generate_attr_to_sort_by(hash_attrs, range_attrs)
        # moto compares DynamoType objects, each comparison casting both values anew (a Decimal per number):
        # the same order from each item's cast values, computed once
        keyed = sorted(((tuple(item.attrs[a].cast_value for a in attrs), item) for item in items),
                       key=lambda pair: pair[0])
        ordered = [item for _key, item in keyed]
        _keep(self, current.key, Sorted(list(ordered), [key for key, _item in keyed], attrs))
        return ordered

    table_class.query = keyed_query
    table_class.all_items = candidates
    table_class.sorted_items = sort_once


class Sorted(NamedTuple):
    items: list[Any]
    keys: list[tuple[Any, ...]]        # each item's cast values, in `attrs` order: what it is sorted by
    attrs: list[str]


def _items(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for hash_set in table.items.values() for item in hash_set.values()]
    return list(table.items.values())


def _partition(table: Any, hash_key: Any) -> list[Any]:
    hash_set = table.items.get(hash_key) if hash_key is not None else None
    if hash_set is None:
        return _items(table) if hash_key is None else []
    return list(hash_set.values()) if table.range_key_attr else [hash_set]


def _partition_of(table: Any, conditions: list[tuple[str, Any]]) -> list[Any]:
    """The items whose index hash key(s) equal the Query's: one walk of the table groups every partition of
    the index, kept until the next write (the workbench's list reads eight partitions of one index)."""
    names = tuple(name for name, _value in conditions)
    try:
        wanted = tuple(value.cast_value for _name, value in conditions)
        return _groups(table, names).get(wanted, [])
    except TypeError:            # a value Python cannot hash (a set or a map): moto's own comparison
        return [item for item in _items(table) if _matches(item, conditions)]


def _groups(table: Any, names: tuple[str, ...]) -> dict[tuple[Any, ...], list[Any]]:
    held = _grouped.get(table)
    if held is None or held[0] != _generation:
        held = (_generation, {})
        _grouped[table] = held
    if names not in held[1]:
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for item in _items(table):
            values = [item.attrs.get(name) for name in names]
            if all(values):
                groups.setdefault(tuple(v.cast_value for v in values), []).append(item)
        held[1][names] = groups
    return held[1][names]


def _matches(item: Any, conditions: list[tuple[str, Any]]) -> bool:
    return all(item.attrs.get(name) == value for name, value in conditions)


def _kept(table: Any) -> OrderedDict[Any, Sorted]:
    held = _sorted.get(table)
    if held is None or held[0] != _generation:
        held = (_generation, OrderedDict())
        _sorted[table] = held
    return held[1]


def _keep(table: Any, key: Any, ordered: Sorted) -> None:
    kept = _kept(table)
    kept[key] = ordered
    kept.move_to_end(key)
    while len(kept) > KEYS_KEPT:
        kept.popitem(last=False)

