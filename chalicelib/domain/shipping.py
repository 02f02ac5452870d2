"""A shipment: the parcel(s) that carry an order's lines, and its way back to the platform."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.status import ShipmentStatus


@dataclass(frozen=True)
class ShipmentLine:
    line_id: str
    quantity: int


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    order_id: str
    shop_id: str
    carrier_code: str            # our carrier code; mapped per platform on ship-back
    tracking_no: str
    lines: tuple[ShipmentLine, ...]   # empty: the whole order
    status: ShipmentStatus
    created_at: datetime
    source: str                  # "erp:<key id>", "user:<name>", "waybill"
    platform_error: str = ""
    after_sale_id: str = ""      # reissue / exchange shipments point to their case
    revision: int = 0


def shipment_id_for(order_id: str, carrier_code: str, tracking_no: str) -> str:
    """Deterministic: re-posting the same shipment finds the same record and ships nothing twice."""
    return f"{order_id}-{carrier_code}-{tracking_no}"
