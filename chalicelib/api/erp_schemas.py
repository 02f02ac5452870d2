"""The ERP API's bodies and answers (pydantic, at the edge). Inputs forbid unknown fields; answers are
built through these models, so what is sent is what the OpenAPI document (api/openapi.py) says."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CarrierCode = Literal["ZTO", "YTO", "STO", "YUNDA", "SF", "JD", "EMS", "JTSD", "DBL", "YZPY"]
OrderStatusName = Literal["pending_payment", "awaiting_shipment", "partially_shipped", "shipped", "completed",
                          "cancelled"]
HandoffName = Literal["not_ready", "ready", "taken", "acknowledged", "withdrawn"]
RefundStateName = Literal["none", "in_progress", "refunding", "refunded"]
ShipmentStatusName = Literal["pending", "waybill_issued", "printed", "confirmed", "failed", "cancelled"]

ORDER_ID = "S1A2B3C4D5-3901234567890"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------ inputs
class TakeBody(_In):
    limit: int = Field(50, ge=1, le=100, description="at most this many records")
    cursor: str | None = Field(None, max_length=2048, description="next_cursor of the previous answer")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"limit": 50}]})


class AckBody(_In):
    erp_order_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"erp_order_id": "SO-2026-000123"}]})


class ShipmentLineIn(_In):
    line_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100_000)


class ShipmentBody(_In):
    order_id: str = Field(min_length=1, max_length=128)
    carrier_code: CarrierCode
    tracking_no: str = Field(pattern=r"^[A-Za-z0-9-]{4,40}$")
    lines: list[ShipmentLineIn] = Field(default_factory=list, max_length=200,
                                        description="empty: every line not shipped yet")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"order_id": ORDER_ID, "carrier_code": "ZTO", "tracking_no": "ZT7312345678901", "lines": []},
        {"order_id": ORDER_ID, "carrier_code": "SF", "tracking_no": "SF1402345678901",
         "lines": [{"line_id": "1", "quantity": 1}]}]})


class CaseResultBody(_In):
    action: Literal["intercept"] = Field(description="what the ERP was asked to do; more actions come later")
    outcome: Literal["intercepted", "already_shipped"]
    note: str = Field("", max_length=500)
    erp_ref: str = Field("", max_length=64)
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "intercept", "outcome": "intercepted", "note": "pulled from the packing line"}]})


class StockSetBody(_In):
    quantity: int = Field(ge=0, le=10_000_000, description="on hand as the warehouse counts it")
    idempotency_key: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                                 description="the same key again is the same setting, applied once")
    reason: str = Field("", max_length=200)
    warehouse_id: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$",
                              description="whose count this is (a cloud / third-party warehouse reports its own)")
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"quantity": 120, "idempotency_key": "count-2026-11-20-A01", "reason": "daily count"}]})


# ------------------------------------------------------------------ answers
class WarehouseStockOut(_Out):
    warehouse_id: str
    on_hand: int
    reserved: int
    available: int
    in_transit: int = Field(description="transferred to this warehouse, not yet received")


class StockOut(_Out):
    sku_code: str
    on_hand: int
    reserved: int
    available: int = Field(description="on hand less what open orders reserve")
    warehouse_id: str = Field("", description="the warehouse a PUT set; empty: the sum of every warehouse")
    warehouses: list[WarehouseStockOut] = Field(default_factory=list, description="per warehouse (GET)")


class SkuLinkOut(_Out):
    sku_code: str
    quantity: int


class ReceiverOut(_Out):
    name_masked: str
    phone_masked: str
    province: str
    city: str
    district: str
    town: str
    address_masked: str


class OrderLineOut(_Out):
    line_id: str
    platform_sku_id: str
    merchant_code: str
    title: str
    sku_name: str
    quantity: int
    shipped_quantity: int
    unit_price_fen: int
    paid_fen: int
    refund_state: RefundStateName
    gift: bool = Field(default=False, description="a gift line (赠品) a gift rule added: ship it, the platform "
                                                   "never hears of it (not shipped back, not refunded)")
    skus: list[SkuLinkOut] = Field(description="the ERP SKUs this line stands for (a bundle has several)")


class OrderOut(_Out):
    order_id: str
    order_no: str
    shop_id: str
    platform: str
    status: OrderStatusName
    platform_status: str
    refund_state: RefundStateName
    holds: list[str]
    erp_handoff: HandoffName
    erp_order_id: str
    created_at: str
    paid_at: str | None
    modified_at: str
    updated_at: str | None
    total_fen: int
    paid_fen: int
    freight_fen: int
    seller_discount_fen: int
    platform_discount_fen: int
    buyer_memo: str
    seller_memo: str
    receiver: ReceiverOut | None
    lines: list[OrderLineOut]
    carrier_code: str
    tracking_no: str
    shipped_at: str | None
    revision: int
    fulfilment: dict[str, Any] | None = Field(
        default=None, description="the fulfilment plan: warehouses (first choice first), the waybill account "
                                  "and carrier, gifts, and the reasons (null before the first plan)")
    fulfilment_ids: list[str] = Field(default_factory=list, description=(
        "the parcels (发货单) the order travels in: one merged parcel shared with other orders of the same buyer "
        "(合单), or several parts of this order (拆单); empty: the order is one parcel by itself. "
        "GET /fulfilments/{fulfilment_id} lists a parcel's orders and lines"))
    supplier_lines: list[str] = Field(default_factory=list, description=(
        "the ids of lines a supplier drop-ships (分配供应商发货): they are not in `lines`, are not yours to ship "
        "(a shipment naming one is refused, 400 dropship.supplier_line), and reserve no stock"))


class FulfilmentLineOut(_Out):
    line_id: str
    quantity: int


class FulfilmentOrderOut(_Out):
    order_id: str
    order_no: str
    shop_id: str
    lines: list[FulfilmentLineOut] = Field(description="this part's lines and units; empty: every open unit of "
                                                       "the order")


class FulfilmentOut(_Out):
    fulfilment_id: str
    platform: str
    kind: str = Field(description="merged (several whole orders, one parcel) | split (part of one order)")
    state: str = Field(description="open | waybill | shipped | dissolved (unmerged or folded back: ignore it)")
    reason: str
    warehouse_id: str
    weight_g: int
    waybill_id: str
    orders: list[FulfilmentOrderOut]
    updated_at: str
    revision: int


class OrderPage(_Out):
    items: list[OrderOut]
    next_cursor: str | None


class CaseLineOut(_Out):
    line_id: str
    platform_sku_id: str
    quantity: int
    refund_fen: int


class AfterSaleOut(_Out):
    case_id: str
    platform_case_id: str
    order_id: str
    order_no: str
    shop_id: str
    platform: str
    type: str
    status: str
    platform_status: str
    refund_fen: int
    reason: str
    buyer_note: str
    has_goods_return: bool
    return_carrier_code: str
    return_tracking_no: str
    created_at: str
    modified_at: str
    deadline_at: str | None
    erp_handoff: HandoffName
    lines: list[CaseLineOut]
    revision: int


class AfterSalePage(_Out):
    items: list[AfterSaleOut]
    next_cursor: str | None


class CaseResultOut(_Out):
    case_id: str
    action: str
    outcome: str
    note: str
    erp_ref: str
    recorded_at: str


class ShipmentLineOut(_Out):
    line_id: str
    quantity: int


class PlatformShipBackOut(_Out):
    status: Literal["pending", "sent", "deferred", "covered", "not_sent"] = Field(
        description="pending: not sent yet; sent: the platform took this parcel; deferred: the platform cannot "
                    "take it alone (whole-order platforms, a line split over parcels): it is told when the "
                    "remaining lines ship; covered: a later parcel's call told the platform; not_sent: marked "
                    "shipped by hand")
    note: str = Field(description="which call, why deferred and what remains, which numbers were sent")
    sent_tracking_nos: list[str] = Field(description="the tracking nos. the platform call carrying this parcel named")


class ShipmentOut(_Out):
    shipment_id: str
    order_id: str
    shop_id: str
    carrier_code: str
    tracking_no: str
    lines: list[ShipmentLineOut]
    status: ShipmentStatusName
    created_at: str
    source: str
    platform_error: str
    platform_ship_back: PlatformShipBackOut


class ShipmentPosted(_Out):
    created: bool = Field(description="false: the same shipment was posted before; nothing ships twice")
    shipment: ShipmentOut


class FieldError(_Out):
    field: str
    message: str


class ErrorBody(_Out):
    code: str
    message: str
    reason: str | None = Field(None, description="a stable dotted code of the refusal, e.g. warehouse.unknown")
    fields: list[FieldError] | None = None
    retry_after: int | None = None
    platform_code: str | None = None
    platform_sub_code: str | None = None


class ErrorOut(_Out):
    error: ErrorBody


EventTypeName = Literal["order.created", "order.updated", "order.cancelled", "order.held", "order.released",
                        "shipment.confirmed", "shipment.failed", "after_sale.created", "after_sale.updated",
                        "after_sale.action_failed"]


class ActionFailureOut(_Out):
    """In after_sale.action_failed: the action the platform refused and its reason."""
    action: str = Field(description="approve_refund, reject_refund, approve_return, confirm_received or resend")
    reason: str = Field(description="the platform's error code and message")
    at: str


class WebhookEvent(_Out):
    """What a webhook POST carries (verify OMS-Signature first; deduplicate on id). `data` holds the record
    under its kind (order, after_sale, shipment) and, for after_sale.action_failed, `failure`."""
    id: str
    type: EventTypeName
    created_at: str
    order_id: str
    sequence: int = Field(description="per ERP client and order: 1, 2, 3... in the order they happened")
    data: dict[str, OrderOut | AfterSaleOut | ShipmentOut | ActionFailureOut]


# ------------------------------------------------------------------ admin inputs (not in the ERP document)
ScopeName = Literal["orders", "shipments", "after_sales", "stock", "webhooks"]
ShopId = Annotated[str, Field(min_length=1, max_length=64)]
class ClientCreateBody(_In):
    name: str = Field(min_length=1, max_length=80)
    scopes: list[ScopeName] = Field(min_length=1)
    webhook_url: str = Field("", max_length=2048)
    events: list[EventTypeName] = Field(default_factory=list)
    rate_per_minute: int = Field(600, ge=1, le=100_000)
    shop_ids: list[ShopId] = Field(default_factory=list, max_length=500,
                                   description="the shops it may see; empty: every shop")


class ClientPatchBody(_In):
    name: str | None = Field(None, min_length=1, max_length=80)
    scopes: list[ScopeName] | None = None
    webhook_url: str | None = Field(None, max_length=2048)
    events: list[EventTypeName] | None = None
    rate_per_minute: int | None = Field(None, ge=1, le=100_000)
    shop_ids: list[ShopId] | None = Field(None, max_length=500, description="[]: every shop from now on")
    active: bool | None = None


class RotateBody(_In):
    overlap_seconds: int = Field(3600, ge=0, le=7 * 24 * 3600)


class RedriveBody(_In):
    limit: int = Field(100, ge=1, le=1000)


class ManualShipmentBody(ShipmentBody):
    mark_shipped: bool = Field(False, description="true: shipped already on the platform, do not write back")


# ------------------------------------------------------------------ after-sale actions (ERP and admin)
class ReturnAddress(_In):
    province: str = Field(min_length=1, max_length=50)
    city: str = Field(min_length=1, max_length=50)
    district: str = Field(min_length=1, max_length=50)
    detail: str = Field(min_length=1, max_length=200)
    town: str = Field("", max_length=50)


def _reason_codes() -> str:
    from chalicelib.domain.reject_reasons import REJECT_REASONS
    per_platform = "; ".join(f"{p}: {', '.join(codes)}" for p, codes in REJECT_REASONS.items())
    return f"reject_refund: the platform's reason code, one of ({per_platform}); anything else answers 400"


_REASON_CODES = _reason_codes()


class AfterSaleActionDetails(_In):
    """What an action needs beside its name (the admin API's body: there the path names the action)."""
    reason_code: str = Field("", max_length=32, description=_REASON_CODES)
    reason_text: str = Field("", max_length=200, description="reject_refund: 2-200 characters for the buyer")
    address: ReturnAddress | None = Field(None, description="approve_return: where the goods go back")
    contact: str = Field("", max_length=50)
    phone: str = Field("", max_length=30)
    carrier_code: CarrierCode | None = Field(None, description="reissue: the new parcel's carrier")
    tracking_no: str = Field("", max_length=40)
    text: str = Field("", max_length=500, description="note: the text")


class AfterSaleActionBody(AfterSaleActionDetails):
    action: Literal["approve_refund", "reject_refund", "approve_return", "confirm_received", "reissue", "note"]


class AfterSaleActionOut(_Out):
    case_id: str
    status: str
    platform_status: str
    pending_action: str = Field(description="queued to the platform and not yet answered; empty: none")
    action_error: str = Field(description="the platform's reason for the last refusal")
    reissue_shipment_ids: list[str]
    created: bool = Field(description="false: the same request again, nothing new was done")
