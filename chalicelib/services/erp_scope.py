"""The shop scope of an ERP client: a client limited to some shops sees only their orders, cases and
shipments. Outside its shops a record does not exist for it: the answer is the same 404 as for an id that
was never there, so ids of other shops cannot be probed. An empty scope is every shop (clients made before
scopes existed). Stock is per ERP SKU, shared by every shop, and stays unscoped."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.services.ports import Page, ShopBound, ShopDirectory

EVERY_SHOP: frozenset[str] = frozenset()
MAX_SHOPS = 500
# A scoped take reads the shared ready index past other shops' records; this bounds one call's reads. The
# answer then carries a cursor (maybe with no records): the ERP calls again and carries on from there.
MAX_PAGES_PER_TAKE = 20


R = TypeVar("R", bound=ShopBound)


def covers(shop_ids: frozenset[str], shop_id: str) -> bool:
    return not shop_ids or shop_id in shop_ids


def visible(record: R | None, shop_ids: frozenset[str], missing: str) -> R:
    """The record if the scope covers its shop; otherwise, like no record at all, NotFoundError(missing)."""
    if record is None or not covers(shop_ids, record.shop_id):
        raise NotFoundError(missing)
    return record


def gather(fetch: Callable[[int, str | None], Page[R]], limit: int, cursor: str | None,
           max_pages: int = MAX_PAGES_PER_TAKE) -> Page[R]:
    """Pages on through a filtered index until `limit` records, its end, or `max_pages` reads. Each read
    asks only for what is still missing, so the cursor never passes a record that was not handed out."""
    items: list[R] = []
    for _ in range(max_pages):
        page = fetch(limit - len(items), cursor)
        items.extend(page.items)
        cursor = page.cursor
        if cursor is None or len(items) >= limit:
            break
    return Page(items, cursor)


def check_shop_ids(shops: ShopDirectory | None, shop_ids: Iterable[str]) -> frozenset[str]:
    """Every id must be a shop we have: a typo would otherwise hide every record from the client."""
    wanted = frozenset(shop_ids)
    if len(wanted) > MAX_SHOPS:
        raise ValidationError(f"shop_ids may name at most {MAX_SHOPS} shops", field="shop_ids")
    if not wanted:
        return EVERY_SHOP
    if shops is None:
        raise ValidationError("shop_ids cannot be checked here", field="shop_ids")
    unknown = sorted(s for s in wanted if not s or shops.get(s) is None)
    if unknown:
        raise ValidationError(f"no such shops: {', '.join(unknown)}", field="shop_ids")
    return wanted
