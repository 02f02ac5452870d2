"""The 发货记录 list: every shipment, newest first, a day (China time) at a time, filtered by shop,
carrier, source and ship-back status, paged by an opaque cursor. Read through an index, never a Scan."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.shipping import Shipment
from chalicelib.domain.status import ShipmentStatus
from chalicelib.services.ports import ShipmentListQuery, ShipmentLists

CHINA = timezone(timedelta(hours=8))
DEFAULT_DAYS = 30
MAX_DAYS = 366
# what the list calls a source -> how Shipment.source starts
SOURCES = {"erp": "erp:", "admin": "user:", "csv": "csv:", "waybill": "waybill:"}


def ship_day(created_at: datetime) -> str:
    return created_at.astimezone(CHINA).date().isoformat()


def source_kind(source: str) -> str:
    return next((kind for kind, prefix in SOURCES.items() if source.startswith(prefix)), "other")


def list_query(params: dict[str, str], today: date) -> ShipmentListQuery:
    """The query parameters, checked: a wrong one is a 400 naming it."""
    day_to = _day(params, "to") or today
    day_from = _day(params, "from") or day_to - timedelta(days=DEFAULT_DAYS - 1)
    if day_from > day_to or (day_to - day_from).days >= MAX_DAYS:
        raise ValidationError(f"from must be on or before to, at most {MAX_DAYS} days apart", field="from")
    source = params.get("source", "")
    if source and source not in SOURCES:
        raise ValidationError(f"source must be one of {', '.join(SOURCES)}", field="source")
    status = params.get("status", "")
    if status and status not in {s.value for s in ShipmentStatus}:
        raise ValidationError(f"unknown status {status}", field="status")
    limit = params.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        raise ValidationError("limit must be 1..200", field="limit")
    return ShipmentListQuery(day_from=day_from, day_to=day_to, shop_id=params.get("shop_id", ""),
                             carrier_code=params.get("carrier_code", "").upper(),
                             source_prefix=SOURCES.get(source, ""), status=status, limit=int(limit),
                             cursor=params.get("cursor") or None)


def _day(params: dict[str, str], name: str) -> date | None:
    value = params.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"{name} must be a date, YYYY-MM-DD", field=name) from exc


def list_shipments(lists: ShipmentLists, query: ShipmentListQuery) -> tuple[list[Shipment], str | None]:
    return lists.list_page(query)
