"""The workbench's query string read into the domain's OrderQuery (the edge: every wrong value is a 400
naming its parameter, with reason "orders.filter_value", or "orders.date_range" for dates)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.order_query import (
    Bucket,
    DateField,
    OrderQuery,
    PrintState,
    QuickRange,
    day_start,
    quick_range,
)
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus

MAX_LIMIT = 200
E = TypeVar("E", bound=Enum)
TEXT_FIELDS = ("shop_id", "order_no", "tracking_no", "q", "sku")


def _enum(kind: type[E], params: dict[str, str], name: str) -> E | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        raise ValidationError(f"{name} must be one of {[v.value for v in kind]}", field=name,
                              reason="orders.filter_value") from exc


def _status(params: dict[str, str]) -> tuple[OrderStatus | None, Bucket | None]:
    """`status`: a tab (to_ship, exception, pending_review, ...), an order status, or all / absent."""
    value = params.get("status") or "all"
    statuses = {s.value for s in OrderStatus}
    if value == "all":
        return None, None
    if value in statuses:
        return OrderStatus(value), None
    if value == Bucket.UNPAID.value:
        return OrderStatus.PENDING_PAYMENT, None
    if value in {b.value for b in Bucket}:
        return None, Bucket(value)
    choices = sorted({"all", *statuses, *(b.value for b in Bucket)})
    raise ValidationError(f"status must be one of {choices}", field="status", reason="orders.filter_value")


def _day(params: dict[str, str], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if len(value) <= 10 else datetime.fromisoformat(value).date()
        if not date(2000, 1, 1) <= day <= date(2999, 12, 31):
            raise ValueError(day)
        return day
    except ValueError as exc:
        raise ValidationError(f"{name} must be an ISO date (YYYY-MM-DD)", field=name,
                              reason="orders.date_range") from exc


def _time(params: dict[str, str], name: str) -> datetime | None:
    value = params.get(name)
    try:
        moment = datetime.fromisoformat(value) if value else None
        if moment is not None and (moment.tzinfo is None or not 2000 <= moment.year <= 2999):
            raise ValueError(value)
        return moment
    except ValueError as exc:
        raise ValidationError(f"{name} must be an ISO 8601 time with its offset", field=name,
                              reason="orders.date_range") from exc


def _dates(params: dict[str, str], now: datetime) -> tuple[DateField, datetime | None, datetime | None]:
    """`range` (today / yesterday / 7d) or `date_from` / `date_to` (Asia/Shanghai days, both included) on
    `date_field`; the older `updated_from` / `updated_to` (times) filter on update time."""
    field = _enum(DateField, params, "date_field") or DateField.CREATED
    quick = _enum(QuickRange, params, "range")
    if quick is not None:
        start, end = quick_range(quick, now)
        return field, start, end
    first, last = _day(params, "date_from"), _day(params, "date_to")
    if first or last:
        if first and last and last < first:
            raise ValidationError("date_to is before date_from", field="date_to", reason="orders.date_range")
        return (field, day_start(first) if first else None,
                day_start(last + timedelta(days=1)) if last else None)
    after, before = _time(params, "updated_from"), _time(params, "updated_to")
    if after or before:
        return DateField.UPDATED, after, before + timedelta(microseconds=1) if before else None
    return field, None, None


def _limit(params: dict[str, str]) -> int:
    try:
        return min(MAX_LIMIT, max(1, int(params.get("limit", "50"))))
    except ValueError as exc:
        raise ValidationError("limit must be a whole number", field="limit", reason="orders.filter_value") from exc


def order_query(params: dict[str, str], now: datetime) -> OrderQuery:
    status, bucket = _status(params)
    platform = _enum(Platform, params, "platform")
    handoff = _enum(ErpHandoff, params, "erp_handoff")
    field, start, end = _dates(params, now)
    text: dict[str, Any] = {name: (params.get(name) or "").strip() or None for name in TEXT_FIELDS}
    return OrderQuery(shop_id=text["shop_id"], platform=platform.value if platform else None, status=status,
                      bucket=bucket, hold=_enum(HoldReason, params, "hold"), held_only=params.get("held") == "true",
                      erp_handoff=handoff.value if handoff else None, order_no=text["order_no"],
                      tracking_no=text["tracking_no"], text=text["q"], sku=text["sku"], date_field=field,
                      date_from=start, date_to=end, limit=_limit(params), cursor=params.get("cursor"),
                      print_state=_enum(PrintState, params, "print"))
