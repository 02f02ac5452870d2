"""Stock per ERP SKU: on hand, reserved, available, changed only through movements in a ledger."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MovementKind(StrEnum):
    RESERVE = "reserve"          # an order became awaiting_shipment
    RELEASE = "release"          # cancelled / refunded before shipment
    DEDUCT = "deduct"            # shipped: reserved and on hand both drop
    RETURN = "return"            # returned goods confirmed received
    ADJUST = "adjust"            # manual, with a reason
    SET = "set"                  # the ERP set an absolute quantity


@dataclass(frozen=True)
class Stock:
    sku_code: str
    on_hand: int = 0
    reserved: int = 0
    revision: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Movement:
    sku_code: str
    kind: MovementKind
    quantity: int                # signed effect on the field the kind moves
    idempotency_key: str         # e.g. "reserve:<order_id>:<line_id>": replays change nothing
    source: str                  # "order:<id>", "user:<name>", "erp:<key id>"
    at: datetime
    reason: str = ""


def apply(stock: Stock, movement: Movement) -> Stock:
    """The effect of one movement; the repository applies it as one conditional update."""
    on_hand, reserved = stock.on_hand, stock.reserved
    q = movement.quantity
    match movement.kind:
        case MovementKind.RESERVE:
            reserved += q
        case MovementKind.RELEASE:
            reserved -= q
        case MovementKind.DEDUCT:
            on_hand -= q
            reserved -= q
        case MovementKind.RETURN | MovementKind.ADJUST:
            on_hand += q
        case MovementKind.SET:
            on_hand = q
    return Stock(stock.sku_code, on_hand, reserved, stock.revision + 1)


@dataclass(frozen=True)
class Discrepancy:
    """A deduction that would have taken on hand below zero: on hand stopped at zero and the units short
    are kept here for someone to count and settle (never a silent negative)."""
    discrepancy_id: str
    sku_code: str
    order_id: str
    shipment_id: str             # "" when the platform reported the order shipped (no OMS shipment)
    quantity_short: int
    at: datetime
    movement_key: str            # the deduction it belongs to
    resolved: bool = False
    resolved_by: str = ""
    resolved_at: datetime | None = None
    note: str = ""
    revision: int = 0
