"""Shipments in DynamoDB, conditional on the revision read; listed per order, per tracking no. and, for
the 发货记录 list, per day (index by_day) with the list's filters on top-level attributes."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.shipping import Shipment
from chalicelib.services.ports import ShipmentListQuery
from chalicelib.services.shipment_lists import ship_day
from chalicelib.storage import conditional, paging
from chalicelib.storage.erp_models import ShipmentItem

MAX_DAY_QUERIES = 31       # days walked by one page at most; the cursor goes on from there


def to_item(shipment: Shipment, revision: int) -> ShipmentItem:
    created = sortable(shipment.created_at)
    return ShipmentItem(shipment.shipment_id, order_id=shipment.order_id, created_at=created,
                        tracking_no=shipment.tracking_no, shop_status=f"{shipment.shop_id}#{shipment.status.value}",
                        ship_day=ship_day(shipment.created_at), created_key=f"{created}#{shipment.shipment_id}",
                        carrier_code=shipment.carrier_code, source=shipment.source,
                        revision=revision, doc=to_doc(shipment) | {"revision": revision})


def _shipment(item: ShipmentItem) -> Shipment:
    return from_doc(Shipment, item.doc)


class DynamoShipmentRepository:
    def get(self, shipment_id: str) -> Shipment | None:
        try:
            return _shipment(ShipmentItem.get(shipment_id, consistent_read=True))
        except ShipmentItem.DoesNotExist:
            return None

    def add(self, shipment: Shipment) -> None:
        conditional.put(to_item(shipment, 1), ShipmentItem.shipment_id.does_not_exist(),
                        f"shipment {shipment.shipment_id}")

    def save(self, shipment: Shipment, expected_revision: int) -> None:
        conditional.put(to_item(shipment, expected_revision + 1), ShipmentItem.revision == expected_revision,
                        f"shipment {shipment.shipment_id}")

    def for_order(self, order_id: str) -> list[Shipment]:
        """Read from the item itself (the index may trail a write just made)."""
        ids = [i.shipment_id for i in ShipmentItem.by_order.query(order_id)]
        return [s for s in (self.get(i) for i in ids) if s is not None]

    def by_tracking(self, tracking_no: str) -> list[Shipment]:
        return [_shipment(i) for i in ShipmentItem.by_tracking.query(tracking_no)]

    def list_page(self, query: ShipmentListQuery) -> tuple[list[Shipment], str | None]:
        """Newest first from `day_to` back to `day_from`; the cursor holds the day and the position in it."""
        position = paging.decode(query.cursor) or {}
        day = _cursor_day(position, query)
        start = _cursor_key(position)
        found: list[Shipment] = []
        for _ in range(MAX_DAY_QUERIES):
            if day < query.day_from:
                return found, None
            wanted = query.limit - len(found)
            result = ShipmentItem.by_day.query(day.isoformat(), scan_index_forward=False, limit=wanted,
                                               page_size=wanted, last_evaluated_key=start,
                                               filter_condition=_filters(query))
            found += [_shipment(item) for item in result]
            start = result.last_evaluated_key
            if not start:
                day, start = day - timedelta(days=1), None
            if len(found) >= query.limit:
                break
        if day < query.day_from:
            return found, None
        return found, paging.encode({"day": day.isoformat(), "key": start})


def backfill_list_attributes() -> int:
    """Once, after the by_day index arrived: shipments written before it have no ship_day and so are not in
    the 发货记录 list. Writes the list's attributes onto them, each conditional on the revision read (a
    shipment changed meanwhile was written with them anyway). A maintenance Scan, never on a request path."""
    written = 0
    for item in ShipmentItem.scan(ShipmentItem.ship_day.does_not_exist()):
        try:
            conditional.put(to_item(_shipment(item), int(item.revision)), ShipmentItem.revision == item.revision,
                            f"shipment {item.shipment_id}")
            written += 1
        except ConflictError:
            continue
    return written


def _cursor_day(position: dict[str, Any], query: ShipmentListQuery) -> date:
    if "day" not in position:
        return query.day_to
    try:
        return min(date.fromisoformat(str(position["day"])), query.day_to)
    except ValueError as exc:
        raise ValidationError("cursor is not one this API issued", field="cursor") from exc


def _cursor_key(position: dict[str, Any]) -> dict[str, Any] | None:
    """The index position, shaped as DynamoDB wrote it (a forged one is a 400, never a 500)."""
    key = position.get("key")
    if key is None:
        return None
    names = {"shipment_id", "ship_day", "created_key"}
    if not isinstance(key, dict) or set(key) != names or not all(
            isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values()):
        raise ValidationError("cursor is not one this API issued", field="cursor")
    return key


def _filters(query: ShipmentListQuery) -> Condition | None:
    conditions: list[Condition] = []
    if query.shop_id and query.status:
        conditions.append(ShipmentItem.shop_status == f"{query.shop_id}#{query.status}")
    elif query.shop_id:
        conditions.append(ShipmentItem.shop_status.startswith(f"{query.shop_id}#"))
    elif query.status:
        conditions.append(ShipmentItem.shop_status.contains(f"#{query.status}"))
    if query.carrier_code:
        conditions.append(ShipmentItem.carrier_code == query.carrier_code)
    if query.source_prefix:
        conditions.append(ShipmentItem.source.startswith(query.source_prefix))
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined
