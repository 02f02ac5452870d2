"""Reports in the admin API (#26): the dashboard's summary, daily figures by shop or platform, top SKUs and
after-sales rates, all from the aggregates (services/reports.py). Amounts in fen; days are YYYY-MM-DD in
Asia/Shanghai, both ends included, at most 92 of them; without dates, the last 30 days to today."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route
from chalicelib.domain.errors import ValidationError

bp = Blueprint(__name__)

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_DAYS = 92
DEFAULT_DAYS = 30


@admin_route(bp, "/admin/reports/summary")
def report_summary(ctx: Ctx) -> dict[str, Any]:
    """Today and yesterday (orders, units, GMV paid, refunds, shipped, shipped late, average time to ship), the
    orders waiting to ship (with the workbench tabs they sit in, from the same counters) and those of them
    due to ship within 24 hours or late: three reads (the shops, the aggregates by key, the ship-by hours)
    whatever the number of orders."""
    from chalicelib.services.reports import summary
    return summary(bootstrap.report_store(), bootstrap.clock().now(), bootstrap.order_counters().shop_ids())


@admin_route(bp, "/admin/reports/daily")
def report_daily(ctx: Ctx) -> dict[str, Any]:
    """A point per day for the total, each shop or each platform (`by`), by the day the orders were placed."""
    from chalicelib.services.reports import daily
    params = _params(ctx)
    by = _choice(params, "by", ("total", "shop", "platform"), "total")
    first, last = report_range(params)
    return daily(bootstrap.report_store(), first, last, by, _names(by))


@admin_route(bp, "/admin/reports/top-skus")
def report_top_skus(ctx: Ctx) -> dict[str, Any]:
    """The SKUs with the most GMV over the days (`limit`, 1-100, default 10)."""
    from chalicelib.services.reports import top_skus
    params = _params(ctx)
    first, last = report_range(params)
    return top_skus(bootstrap.report_store(), first, last, _limit(params))


@admin_route(bp, "/admin/reports/after-sales")
def report_after_sales(ctx: Ctx) -> dict[str, Any]:
    """Refunded after-sale cases per order placed, by shop or by SKU (`by`), the highest rate first."""
    from chalicelib.services.reports import after_sales
    params = _params(ctx)
    by = _choice(params, "by", ("shop", "sku"), "shop")
    first, last = report_range(params)
    return after_sales(bootstrap.report_store(), first, last, by, _names(by))


def _params(ctx: Ctx) -> dict[str, str]:
    return dict(ctx.request.query_params or {})


def _names(by: str) -> Any:
    from chalicelib.services.reports import names_of
    if by == "shop":
        return names_of((shop.shop_id, shop.name) for shop in bootstrap.shops().all())
    return names_of(())


def _choice(params: dict[str, str], field: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(field) or default
    if value not in choices:
        raise ValidationError(f"{field} must be one of {', '.join(choices)}", field=field, reason="reports.by")
    return value


def _day(params: dict[str, str], field: str) -> date | None:
    text = params.get(field)
    if not text:
        return None
    try:
        if not DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"{field} must be a day, YYYY-MM-DD", field=field, reason="reports.date") from exc


def report_range(params: dict[str, str]) -> tuple[str, str]:
    """The days a report covers (the last DEFAULT_DAYS by default): the report routes and their exports."""
    from chalicelib.services.reports import today
    last = _day(params, "date_to") or date.fromisoformat(today(bootstrap.clock().now()))
    first = _day(params, "date_from") or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise ValidationError("date_to is before date_from", field="date_to", reason="reports.date_range")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError(f"at most {MAX_DAYS} days from date_from to date_to", field="date_to",
                              reason="reports.range_too_long")
    return first.isoformat(), last.isoformat()


def _limit(params: dict[str, str]) -> int:
    text = params.get("limit") or "10"
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ValidationError("limit must be a whole number from 1 to 100", field="limit", reason="reports.limit")
    return int(text)
