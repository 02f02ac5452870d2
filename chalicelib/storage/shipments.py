"""Shipments in DynamoDB, conditional on the revision read; listed per order and per tracking no."""
from __future__ import annotations

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.shipping import Shipment
from chalicelib.storage import conditional
from chalicelib.storage.erp_models import ShipmentItem


def to_item(shipment: Shipment, revision: int) -> ShipmentItem:
    return ShipmentItem(shipment.shipment_id, order_id=shipment.order_id, created_at=sortable(shipment.created_at),
                        tracking_no=shipment.tracking_no, shop_status=f"{shipment.shop_id}#{shipment.status.value}",
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
