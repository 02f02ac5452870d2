"""Stock per ERP SKU per warehouse: on hand, reserved, available, in transit, changed only through
movements in an append-only ledger."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

DEFAULT_WAREHOUSE = "default"    # the one pool of stock before warehouses existed


class MovementKind(StrEnum):
    RESERVE = "reserve"          # an order became awaiting_shipment
    RELEASE = "release"          # cancelled / refunded before shipment
    DEDUCT = "deduct"            # shipped: reserved and on hand both drop
    RETURN = "return"            # returned goods confirmed received
    ADJUST = "adjust"            # manual, with a reason
    SET = "set"                  # the ERP set an absolute quantity
    STOCK_IN = "stock_in"        # an audited stock-in document (purchase, return, surplus)
    STOCK_OUT = "stock_out"      # an audited stock-out document (damage, sample, loss)
    TRANSFER_OUT = "transfer_out"   # left the source warehouse of a transfer
    IN_TRANSIT = "in_transit"    # on its way to the target warehouse of a transfer
    ARRIVE = "arrive"            # a transfer received: in transit becomes on hand
    COUNT = "count"              # a stock count's difference (signed)


@dataclass(frozen=True)
class Stock:
    sku_code: str
    on_hand: int = 0
    reserved: int = 0
    revision: int = 0
    in_transit: int = 0
    warehouse_id: str = DEFAULT_WAREHOUSE

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Movement:
    sku_code: str
    kind: MovementKind
    quantity: int                # signed effect on the field the kind moves
    idempotency_key: str         # e.g. "reserve:<order_id>:<line_id>": replays change nothing
    source: str                  # "order:<id>", "user:<name>", "erp:<key id>", "doc:<id>"
    at: datetime
    reason: str = ""
    warehouse_id: str = DEFAULT_WAREHOUSE   # movements stored before warehouses are the default's


def effect(m: Movement) -> tuple[int, int, int, int]:
    """(on hand, reserved, available, in transit) deltas of one movement (SET is not a delta)."""
    q = m.quantity
    return {MovementKind.RESERVE: (0, q, -q, 0), MovementKind.RELEASE: (0, -q, q, 0),
            MovementKind.DEDUCT: (-q, -q, 0, 0), MovementKind.RETURN: (q, 0, q, 0),
            MovementKind.ADJUST: (q, 0, q, 0), MovementKind.STOCK_IN: (q, 0, q, 0),
            MovementKind.COUNT: (q, 0, q, 0), MovementKind.STOCK_OUT: (-q, 0, -q, 0),
            MovementKind.TRANSFER_OUT: (-q, 0, -q, 0), MovementKind.IN_TRANSIT: (0, 0, 0, q),
            MovementKind.ARRIVE: (q, 0, q, -q)}[m.kind]


def apply(stock: Stock, movement: Movement) -> Stock:
    """The effect of one movement; the repository applies it as one conditional update."""
    if movement.kind is MovementKind.SET:
        return Stock(stock.sku_code, movement.quantity, stock.reserved, stock.revision + 1, stock.in_transit,
                     stock.warehouse_id)
    on_hand, reserved, _, in_transit = effect(movement)
    return Stock(stock.sku_code, stock.on_hand + on_hand, stock.reserved + reserved, stock.revision + 1,
                 stock.in_transit + in_transit, stock.warehouse_id)


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
    warehouse_id: str = DEFAULT_WAREHOUSE
