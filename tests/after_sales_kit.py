"""The after-sales admin world's pieces shared by several test modules: a platform that moves cases
like a real one (or refuses), the app with the after-sales blueprint, and a case opened on a ready order."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from chalice import Chalice

from chalicelib import bootstrap
from chalicelib.domain.after_sales import case_id_for
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import OrderStatus
from chalicelib.services.after_sales_ingest import apply_case
from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.platform_types import Address, RejectReason
from tests import fakes
from tests.erp_kit import ready_order
from tests.factories import canonical_case

_admin_app: Chalice | None = None
MOVES = {"approve_refund": ({S.PENDING_REVIEW, S.SELLER_PROCESSING}, S.REFUNDED),
         "reject_refund": ({S.PENDING_REVIEW, S.AWAITING_SELLER_RECEIPT}, S.REJECTED),
         "approve_return": ({S.PENDING_REVIEW}, S.AWAITING_BUYER_RETURN),
         "confirm_return_received": ({S.AWAITING_SELLER_RECEIPT}, S.REFUNDED)}


def admin_app() -> Chalice:
    """The real app once the lead registered the blueprint; until then a private app with only it."""
    global _admin_app
    from app import app
    if "/admin/after-sales" in app.routes:
        return app
    if _admin_app is None:
        from chalicelib.api import after_sales
        _admin_app = Chalice(app_name="qihang-oms-after-sales-test")
        _admin_app.register_blueprint(after_sales.bp)
    return _admin_app


class ScriptedPlatform(fakes.FakePlatformClient):
    """A platform's after-sale state machine: each write moves the case on, or refuses like a platform."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, str]] = []

    def _move(self, name: str, case_id: str) -> None:
        self._maybe_fail()
        allowed, target = MOVES[name]
        case = self.cases[case_id]
        if case.status not in allowed:
            raise NotAllowedError(f"退款状态为{case.status.value}，不支持此操作", code="isv.refund-status-not-support")
        self.writes.append((name, case_id))
        self.cases[case_id] = replace(case, status=target, platform_status=target.value.upper(),
                                      modified_at=case.modified_at + timedelta(seconds=5), version=0)

    def approve_refund(self, case_id: str) -> None:
        self._move("approve_refund", case_id)

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        self._move("reject_refund", case_id)

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        self._move("approve_return", case_id)

    def confirm_return_received(self, case_id: str) -> None:
        self._move("confirm_return_received", case_id)


def open_case(w: dict[str, Any], case_no: str, *, order_status: OrderStatus = OrderStatus.AWAITING_SHIPMENT,
              **kw: Any) -> str:
    order_id = ready_order("S1", f"9{case_no}", status=order_status)
    order = bootstrap.orders().get(order_id)
    line = order.lines[0]
    case = canonical_case(case_no, order.order_no, lines=(_line(line),), **kw)
    w["platform"].cases[case_no] = case
    apply_case(bootstrap.after_sales(), bootstrap.orders(), bootstrap.clock(), "S1", case, lambda _no: None)
    return case_id_for("S1", case_no)


def _line(line: Any) -> Any:
    from chalicelib.services.platform_types import AfterSaleLine
    return AfterSaleLine(line.line_id, line.platform_sku_id, line.quantity, line.paid_fen)
