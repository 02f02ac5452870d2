"""A shipment: the parcel(s) that carry an order's lines, and its way back to the platform."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.status import ShipmentStatus


class ShipBack(StrEnum):
    """What the platform was told of one shipment (its `status` says what the OMS made of it)."""
    PENDING = "pending"          # not decided yet: the ship-back action has not run
    SENT = "sent"                # the platform took this parcel's tracking no.
    DEFERRED = "deferred"        # the platform cannot take it now: it goes with a later parcel
    COVERED = "covered"          # a later call told the platform (with this number or in place of it)
    NOT_SENT = "not_sent"        # shipped by hand: the platform is not told by the OMS


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
    lines: tuple[ShipmentLine, ...]   # empty (shipments recorded before lines were always kept): the whole order
    status: ShipmentStatus
    created_at: datetime
    source: str                  # "erp:<key id>", "user:<name>", "waybill"
    platform_error: str = ""
    after_sale_id: str = ""      # reissue / exchange shipments point to their case
    revision: int = 0
    ship_back: ShipBack = ShipBack.PENDING
    ship_back_note: str = ""     # for the ERP and the operator: why deferred, which call, which numbers
    sent_tracking_nos: tuple[str, ...] = ()   # the numbers the platform call that carried this parcel named


def shipment_id_for(order_id: str, carrier_code: str, tracking_no: str) -> str:
    """Deterministic: re-posting the same shipment finds the same record and ships nothing twice."""
    return f"{order_id}-{carrier_code}-{tracking_no}"
