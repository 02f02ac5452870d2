"""The MCP tools' inputs (pydantic at the edge, `extra="forbid"`): each model's JSON schema is the tool's
inputSchema, and arguments are validated against the same model before anything runs."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, ErpHandoff, HoldReason, OrderStatus

MAX_ITEMS = 50          # an assistant reads every item: a page larger than this only fills its context
Id = Field(min_length=1, max_length=128, pattern=r"^[^\s/]+$")
ManualHold = Literal["manual_hold", "address_issue", "buyer_message"]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Page(Input):
    limit: int = Field(default=20, ge=1, le=MAX_ITEMS, description=f"at most {MAX_ITEMS}; narrow the filters for more")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous answer")


class SearchOrders(Page):
    shop_id: str | None = Field(default=None, max_length=64)
    status: OrderStatus | None = None
    hold: HoldReason | None = Field(default=None, description="only orders held for this reason")
    held_only: bool = Field(default=False, description="only orders with any hold")
    order_no: str | None = Field(default=None, max_length=64, description="the platform's order number")
    platform: str | None = Field(default=None, max_length=16)
    erp_handoff: ErpHandoff | None = None
    tracking_no: str | None = Field(default=None, max_length=64)
    text: str | None = Field(default=None, max_length=64, description="matches the masked receiver and order no.")
    updated_from: datetime | None = Field(default=None, description="ISO 8601 with offset: 2026-12-06T00:00:00+08:00")
    updated_to: datetime | None = None


class OrderRef(Input):
    order_id: str = Id


class HoldOrder(OrderRef):
    reason: ManualHold = "manual_hold"
    note: str = Field(default="", max_length=200)


class ReleaseOrder(OrderRef):
    reason: ManualHold = Field(description="the hold to lift; the system's own holds lift when their cause goes")


class ConfirmReview(OrderRef):
    revision: int | None = Field(default=None, ge=0, description="the order's revision as shown (get_order); "
                                 "given: refused if the order changed since")


class ListAfterSales(Page):
    shop_id: str = Field(default="", max_length=64)
    platform: str = Field(default="", max_length=16)
    type: AfterSaleType | None = None
    status: AfterSaleStatus | None = None
    deadline_before: datetime | None = Field(default=None, description="cases whose platform deadline is earlier")
    order_no: str = Field(default="", max_length=64)


class CaseRef(Input):
    case_id: str = Id


class RejectRefund(CaseRef):
    reason_code: str = Field(min_length=1, max_length=16,
                             description="one of the platform's codes (resource oms://after-sales/reject-reasons)")
    reason_text: str = Field(default="", max_length=200)


class StockOf(Input):
    sku_code: str = Field(min_length=1, max_length=64, description="the seller's (ERP) SKU code")


class SyncHealth(Input):
    shop_id: str | None = Field(default=None, max_length=64, description="one shop; none: every shop")


class Resync(Input):
    shop_id: str = Field(min_length=1, max_length=64)
    stream: Literal["orders", "after_sales"] = "orders"
    start: datetime = Field(description="ISO 8601 with offset")
    end: datetime = Field(description="ISO 8601 with offset; at most 31 days after start")


class DailySales(Input):
    date_from: date | None = Field(default=None, description="the first day (Asia/Shanghai), YYYY-MM-DD; "
                                   "default: 6 days before date_to")
    date_to: date | None = Field(default=None, description="the last day, included; default: today (Asia/Shanghai)")
    by: Literal["total", "shop", "platform", "sku"] = Field(default="total", description="a row per day for the "
                                                            "total, or per shop, platform or SKU that sold that day")
    shop_id: str | None = Field(default=None, max_length=64, description="only this shop's figures (with by "
                                "total or shop: the figures are not kept per shop and platform or SKU)")
    top: int = Field(default=10, ge=1, le=MAX_ITEMS, description="rows per day at most, the most sales first")
