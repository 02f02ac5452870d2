"""Builders of canonical platform orders for tests, with unique numbers."""
from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.orders import LineItem, Order, Receiver, SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.platform_types import (
    SHANGHAI,
    CanonicalAfterSale,
    CanonicalLine,
    CanonicalOrder,
    CanonicalReceiver,
)

_numbers = itertools.count(880000001)
T0 = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


def canonical_order(order_no: str | None = None, *, minutes: int = 0,
                    status: OrderStatus = OrderStatus.AWAITING_SHIPMENT, platform: Platform = Platform.TAOBAO,
                    **kw: object) -> CanonicalOrder:
    at = T0 + timedelta(minutes=minutes)
    order = CanonicalOrder(
        platform=platform, order_no=order_no or str(next(_numbers)), platform_status=status.value.upper(),
        status=status, refund_state=RefundState.NONE, created_at=T0, modified_at=at,
        lines=(CanonicalLine("1", "sku-1", "prod-1", "MC-1", "纯棉短袖T恤", "白色 M", 2, 1990, 3580, 400),),
        receiver=CanonicalReceiver("张*", "138****5678", "浙江省", "杭州市", "西湖区", "文三路***",
                                   ciphertext={"oaid": "fake-oaid"}),
        total_fen=3980, paid_fen=3580, raw={"tid": order_no},
    )
    return replace(order, **kw)  # type: ignore[arg-type]


def canonical_case(case_id: str, order_no: str, *, minutes: int = 0,
                   status: AfterSaleStatus = AfterSaleStatus.PENDING_REVIEW,
                   type: AfterSaleType = AfterSaleType.REFUND_ONLY, **kw: object) -> CanonicalAfterSale:
    at = T0 + timedelta(minutes=minutes)
    case = CanonicalAfterSale(platform=Platform.TAOBAO, case_id=case_id, order_no=order_no, type=type, status=status,
                              platform_status=status.value.upper(), platform_type=type.value, refund_fen=3580,
                              reason="不想要了", created_at=T0, modified_at=at, raw={"refund_id": case_id})
    return replace(case, **kw)  # type: ignore[arg-type]


# a stored Order (not a platform's canonical one), as the repository suites and their users write it
STORED_T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def make_order(n: int, shop: str = "shopA", **kw: object) -> Order:
    at = STORED_T0 + timedelta(minutes=n)
    base = Order(order_id=f"{shop}-{n}", shop_id=shop, platform=Platform.TAOBAO, order_no=str(n),
                 status=OrderStatus.AWAITING_SHIPMENT, platform_status="WAIT_SELLER_SEND_GOODS",
                 lines=(LineItem("l1", "sku1", "p1", "MC-1", "T恤", "白色 M", 2, 1990, 3580, 400,
                                 links=(SkuLink("MC-1", 1),)),),
                 created_at=at, modified_at=at, updated_at=at, total_fen=3980, paid_fen=3580,
                 receiver=Receiver("张*", "138****0000", "浙江省", "杭州市", "西湖区", "文三路****"),
                 version=n)
    return replace(base, **kw)  # type: ignore[arg-type]
