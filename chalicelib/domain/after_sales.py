"""An after-sale case across platforms: type, lines, amounts, unified status, deadlines, history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import TERMINAL_AFTER_SALE, AfterSaleStatus, AfterSaleType, ErpHandoff, RefundState


@dataclass(frozen=True)
class AfterSaleLine:
    line_id: str
    platform_sku_id: str
    quantity: int
    refund_fen: int


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's OMS history: an action asked for, its outcome, or a note."""
    at: datetime
    actor: str
    kind: str            # "requested" | "applied" | "refused" | "retrying" | "note"
    action: str = ""
    text: str = ""


@dataclass(frozen=True)
class AfterSale:
    case_id: str
    shop_id: str
    platform: Platform
    platform_case_id: str
    order_id: str
    order_no: str
    type: AfterSaleType
    status: AfterSaleStatus
    platform_status: str
    refund_fen: int
    reason: str
    created_at: datetime
    modified_at: datetime
    lines: tuple[AfterSaleLine, ...] = ()
    buyer_note: str = ""
    evidence_urls: tuple[str, ...] = ()
    has_goods_return: bool = False
    return_carrier_code: str = ""
    return_tracking_no: str = ""
    deadline_at: datetime | None = None
    erp_handoff: ErpHandoff = ErpHandoff.READY
    version: int = 0
    revision: int = 0
    history: tuple[CaseEvent, ...] = ()
    pending_action: str = ""        # the action queued to the platform and not yet answered
    action_error: str = ""          # the platform's reason for the last refusal
    reissue_shipment_ids: tuple[str, ...] = ()
    pending_action_id: str = ""     # the queued message's id: asking again re-sends that same message
    pending_payload: str = ""       # its payload (JSON), for the re-send

    @property
    def open(self) -> bool:
        return self.status not in TERMINAL_AFTER_SALE and self.status is not AfterSaleStatus.REJECTED


def case_id_for(shop_id: str, platform_case_id: str) -> str:
    return f"{shop_id}-{platform_case_id}"


def refund_state_for(cases: list[AfterSale]) -> RefundState:
    """The order's after-sale summary from all its cases."""
    if any(c.status is AfterSaleStatus.PLATFORM_PROCESSING for c in cases):
        return RefundState.REFUNDING
    if any(c.open for c in cases):
        return RefundState.IN_PROGRESS
    if any(c.status is AfterSaleStatus.REFUNDED for c in cases):
        return RefundState.REFUNDED
    return RefundState.NONE
