"""The reports page's daily figures as rows: a day x the total, a shop, a platform or a SKU, read from the
aggregates by key (services/reports.py reads them the same way), one day at a time. The reports export
writes these rows to a sheet; the MCP `daily_sales` tool answers with them. A shop narrows the rows to that
shop's own aggregate: the aggregates hold no shop x platform or shop x SKU figures, so a shop goes with the
total or the by-shop grouping only."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.report_aggregates import ALL, SHOP, TOTAL, day_key, days_between, figures
from chalicelib.services.report_ports import Aggregate, ReportStore
from chalicelib.services.reports import DIMENSIONS

GROUPINGS = ("total", "shop", "platform", "sku")
SHOP_GROUPINGS = ("total", "shop")


@dataclass(frozen=True)
class DailyRow:
    day: str
    by: str               # total, shop, platform or sku
    key: str              # the shop id, platform code or SKU code ("all" for the total)
    name: str             # the SKU's name as folded, the shop's name where known; else ""
    figures: dict[str, int]


def check_grouping(by: str, shop_id: str | None, field: str = "shop_id") -> None:
    if by not in GROUPINGS:
        raise ValidationError(f"by must be one of {', '.join(GROUPINGS)}", field="by", reason="reports.by")
    if shop_id and by not in SHOP_GROUPINGS:
        raise ValidationError(f"a shop goes with by=total or by=shop (the figures are not kept per shop and {by})",
                              field=field, reason="reports.shop_grouping")


def daily_rows(store: ReportStore, first: str, last: str, by: str, shop_id: str | None = None,
               name_of: Callable[[str], str] = lambda key: "") -> Iterator[list[DailyRow]]:
    """A list of rows per day, first to last; within a day the most GMV first. The total (and a shop asked
    for) has a row every day, with zeros on a day without orders; shops, platforms and SKUs only where they
    sold."""
    check_grouping(by, shop_id)
    for day in days_between(first, last):
        yield day_rows(store, day, by, shop_id, name_of)


def day_rows(store: ReportStore, day: str, by: str, shop_id: str | None = None,
             name_of: Callable[[str], str] = lambda key: "") -> list[DailyRow]:
    if shop_id:
        got = store.get([day_key(day, SHOP, shop_id)])
        return [_row(day, "shop", shop_id, got.get(day_key(day, SHOP, shop_id)), name_of)]
    if by == "total":
        got = store.get([day_key(day, TOTAL)])
        return [_row(day, "total", ALL, got.get(day_key(day, TOTAL)), name_of)]
    members = store.members(f"{day}#{DIMENSIONS[by]}")
    rows = [_row(day, by, key, aggregate, name_of) for key, aggregate in members.items()]
    return sorted(rows, key=lambda r: (-r.figures["gmv_fen"], r.key))


def _row(day: str, by: str, key: str, aggregate: Aggregate | None, name_of: Callable[[str], str]) -> DailyRow:
    name = (aggregate.name if aggregate else "") or name_of(key)
    return DailyRow(day, by, key, name, figures(aggregate.values if aggregate else {}))


def row_view(row: DailyRow) -> dict[str, object]:
    return {"day": row.day, "key": row.key, "name": row.name or None, **row.figures}
