"""The report pages' figures, read from the aggregates (domain/report_aggregates.py) by key: what a page reads
grows with the days and the shops or SKUs shown, never with the number of orders. The dashboard's summary
is one BatchGetItem (today, yesterday, each shop's workbench counters) and one Query (the open orders'
ship-by hours). Its orders to ship are the workbench's three tabs of them (to ship, exception, pending
review) summed from the very counters the tabs show: the card and its sub-counts agree by construction."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.order_counters import BUCKET_CODES, aggregate_key, shop_scope
from chalicelib.domain.order_query import SHANGHAI, Bucket
from chalicelib.domain.report_aggregates import (
    DUE,
    PLATFORM,
    SHOP,
    SKU,
    TOTAL,
    at_risk,
    at_risk_until,
    day_key,
    days_between,
    figures,
    summed,
)
from chalicelib.services.report_ports import Aggregate, ReportStore

MAX_DAYS = 92
TO_SHIP_TABS = (Bucket.TO_SHIP, Bucket.EXCEPTION, Bucket.PENDING_REVIEW)   # every paid order not yet shipped
DIMENSIONS = {"total": TOTAL, "shop": SHOP, "platform": PLATFORM, "sku": SKU}


def today(now: datetime) -> str:
    return now.astimezone(SHANGHAI).date().isoformat()


def summary(store: ReportStore, now: datetime, shop_ids: Collection[str]) -> dict[str, Any]:
    day = today(now)
    yesterday = (now.astimezone(SHANGHAI).date() - timedelta(days=1)).isoformat()
    counters = [aggregate_key(shop_scope(s)) for s in shop_ids]
    got = store.get([day_key(day, TOTAL), day_key(yesterday, TOTAL), *counters])
    due = store.members(DUE, upto=at_risk_until(now))

    def values(key: tuple[str, str]) -> Mapping[str, int]:
        return got[key].values if key in got else {}
    tabs = {tab.value: sum(int(values(key).get(BUCKET_CODES[tab], 0)) for key in counters) for tab in TO_SHIP_TABS}
    return {"today": figures(values(day_key(day, TOTAL))), "yesterday": figures(values(day_key(yesterday, TOTAL))),
            "to_ship": sum(tabs.values()), "to_ship_tabs": tabs,
            "at_risk": at_risk(({d: a.values for d, a in due.items()}), now), "date": day}


def daily(store: ReportStore, first: str, last: str, by: str, name_of: Callable[[str], str]) -> dict[str, Any]:
    """One series per shop or platform (or the total), a point per day; series with the most GMV first."""
    days = days_between(first, last)
    if by == "total":
        got = store.get([day_key(d, TOTAL) for d in days])
        points = [figures(got[day_key(d, TOTAL)].values if day_key(d, TOTAL) in got else {}) for d in days]
        return {"days": days, "series": [{"key": "total", "name": name_of("total"), "points": points}]}
    per_day = {d: store.members(f"{d}#{DIMENSIONS[by]}") for d in days}
    members = sorted({m for found in per_day.values() for m in found},
                     key=lambda m: (-sum(_gmv(per_day[d].get(m)) for d in days), m))
    series = [{"key": member, "name": name_of(member),
               "points": [figures(per_day[d][member].values if member in per_day[d] else {}) for d in days]}
              for member in members]
    return {"days": days, "series": series}


def top_skus(store: ReportStore, first: str, last: str, limit: int) -> dict[str, Any]:
    totals, names = _over_days(store, first, last, SKU)
    ranked = sorted(totals, key=lambda sku: (-totals[sku]["g"], -totals[sku]["u"], sku))[:limit]
    return {"items": [{"sku": sku, "name": names.get(sku, ""), "units": totals[sku]["u"],
                       "gmv_fen": totals[sku]["g"], "orders": totals[sku]["o"], "refunds": totals[sku]["r"]}
                      for sku in ranked]}


def after_sales(store: ReportStore, first: str, last: str, by: str, name_of: Callable[[str], str]
                ) -> dict[str, Any]:
    """Refunded cases per order placed, by shop or SKU; the highest rate first."""
    totals, names = _over_days(store, first, last, DIMENSIONS[by])
    items = [{"key": key, "name": names.get(key) or name_of(key), "orders": t["o"], "refunds": t["r"],
              "rate": round(t["r"] / t["o"], 4) if t["o"] else 0.0} for key, t in totals.items()]
    return {"items": sorted(items, key=lambda i: (-i["rate"], -i["refunds"], i["key"]))}


def _over_days(store: ReportStore, first: str, last: str, dimension: str
               ) -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    found: dict[str, list[Mapping[str, int]]] = {}
    names: dict[str, str] = {}
    for day in days_between(first, last):
        for member, aggregate in store.members(f"{day}#{dimension}").items():
            found.setdefault(member, []).append(aggregate.values)
            names[member] = aggregate.name or names.get(member, "")
    return {member: summed(values) for member, values in found.items()}, names


def _gmv(aggregate: Aggregate | None) -> int:
    return int(aggregate.values.get("g", 0)) if aggregate else 0


def span(first: str, last: str) -> int:
    return len(days_between(first, last))


def names_of(pairs: Iterable[tuple[str, str]]) -> Callable[[str], str]:
    table = dict(pairs)
    return lambda key: table.get(key, key)
