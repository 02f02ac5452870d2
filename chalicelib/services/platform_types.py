"""The canonical shapes a platform client returns (services/platform_ports.py has the client itself).

Clients return these frozen shapes (never raw dicts) plus the raw payload, which the pipeline stores
losslessly in S3. Money is integer fen; times are aware datetimes (platforms speak Asia/Shanghai).
Every client method raises the PlatformError subclasses of services/platform_errors.py, never httpx's.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


# ---------------------------------------------------------------- credentials
@dataclass(frozen=True)
class ShopCredentials:
    platform: Platform
    app_key: str
    app_secret: str
    access_token: str = ""
    refresh_token: str = ""
    seller_id: str = ""                 # the platform's shop / seller id
    base_url: str = ""                  # empty: the real gateway; set to point a shop at the sandbox
    extra: Mapping[str, str] = field(default_factory=dict)  # e.g. kuaishou sign_secret, wechat encoding key


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_at: datetime
    refresh_token: str = ""
    refresh_expires_at: datetime | None = None
    seller_id: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- orders
@dataclass(frozen=True)
class CanonicalReceiver:
    name_masked: str
    phone_masked: str
    province: str
    city: str
    district: str
    address_masked: str
    town: str = ""
    # The platform's own ciphertext / privacy handles (OAID, encrypt_post_*, JD TDE...), kept for
    # waybill printing and platform-side decryption; never decrypted by us where the platform forbids it.
    ciphertext: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CanonicalLine:
    line_id: str                 # the platform's sub-order / item id (unique within the order)
    platform_sku_id: str
    platform_product_id: str
    merchant_code: str           # outer_id / code / sku_code: the key auto-linking matches on
    title: str
    sku_name: str
    quantity: int
    unit_price_fen: int
    paid_fen: int                # what the buyer paid for this line after discounts
    discount_fen: int = 0
    image_url: str = ""
    refund_state: RefundState = RefundState.NONE


@dataclass(frozen=True)
class CanonicalOrder:
    platform: Platform
    order_no: str
    platform_status: str         # the raw value, kept for display and debugging
    status: OrderStatus
    refund_state: RefundState
    created_at: datetime
    modified_at: datetime
    lines: tuple[CanonicalLine, ...]
    receiver: CanonicalReceiver | None
    total_fen: int               # goods total before discounts
    paid_fen: int                # what the buyer paid, freight included
    freight_fen: int = 0
    seller_discount_fen: int = 0
    platform_discount_fen: int = 0
    paid_at: datetime | None = None
    buyer_memo: str = ""
    seller_memo: str = ""
    seller_flag: int = 0
    shipped_at: datetime | None = None
    carrier_code: str = ""
    tracking_no: str = ""
    buyer_id: str = ""                 # the platform's buyer id where it sends one (blacklist by buyer)
    order_type: str = "normal"         # normal | presale | cod | gift | step_payment (README: Order processing)
    ship_by_at: datetime | None = None  # the platform's promised ship-by time
    # Monotonic per order: the pipeline applies a delivery only if its version is newer.
    # Defaults to modified_at in milliseconds; a platform with its own revision number may use it.
    version: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", int(self.modified_at.timestamp() * 1000))


# ---------------------------------------------------------------- after-sales
@dataclass(frozen=True)
class AfterSaleLine:
    line_id: str
    platform_sku_id: str
    quantity: int
    refund_fen: int


@dataclass(frozen=True)
class CanonicalAfterSale:
    platform: Platform
    case_id: str
    order_no: str
    type: AfterSaleType
    status: AfterSaleStatus
    platform_status: str
    platform_type: str
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
    deadline_at: datetime | None = None   # time left for the seller to respond, where the platform says
    version: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", int(self.modified_at.timestamp() * 1000))


# ---------------------------------------------------------------- catalog, carriers, waybills
@dataclass(frozen=True)
class CanonicalSku:
    platform_sku_id: str
    platform_product_id: str
    merchant_code: str
    title: str
    sku_name: str
    price_fen: int
    stock: int
    image_url: str = ""


@dataclass(frozen=True)
class CanonicalProduct:
    platform_product_id: str
    title: str
    skus: tuple[CanonicalSku, ...]
    on_sale: bool = True
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Carrier:
    code: str        # the platform's own carrier code (mapped to ours by a per-platform table)
    name: str


@dataclass(frozen=True)
class Address:
    province: str
    city: str
    district: str
    detail: str
    town: str = ""


@dataclass(frozen=True)
class WaybillAccount:
    account_id: str          # stable id for upserts (cp_code + branch, subscription id...)
    carrier_code: str
    carrier_name: str
    branch_code: str
    branch_name: str
    remaining: int           # -1: unlimited
    sender_address: Address
    sender_name: str = ""
    sender_phone: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class WaybillRequest:
    account: WaybillAccount
    order_nos: tuple[str, ...]               # several: a merged parcel, where the platform allows it
    items: tuple[tuple[str, int], ...]       # (name, count) for the package description
    receiver: CanonicalReceiver              # the platform's ciphertext travels, never plaintext
    template_url: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    # what keys the parcel for the platform's "same request, same number" rule: "" for a parcel of whole
    # orders (their numbers key it), a split part's fulfilment id (two parts of one order are two parcels)
    parcel_id: str = ""
    # an order of another channel (a manual order, domain/waybill_channels.py): the platform's code for that
    # channel and the receiver in plaintext (name, phone, address), which such APIs take; "" its own order
    channel: str = ""
    plaintext: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WaybillResult:
    order_nos: tuple[str, ...]
    carrier_code: str
    waybill_no: str
    print_data: Mapping[str, Any] | str     # what the platform's print component takes, as returned
    platform_waybill_id: str = ""           # e.g. WeChat ewaybill_order_id


# ---------------------------------------------------------------- write-backs
@dataclass(frozen=True)
class ShipLine:
    line_id: str
    quantity: int
    completes: bool = True                   # the line has every unit out once this parcel is


@dataclass(frozen=True)
class ShipRequest:
    order_no: str
    carrier_code: str                        # the platform's carrier code
    tracking_no: str
    line_ids: tuple[str, ...] = ()           # empty: the whole order
    lines: tuple[ShipLine, ...] = ()         # the same lines with this parcel's quantities (partial calls)
    parcels: tuple[tuple[str, str], ...] = ()   # (platform carrier code, tracking no.) of every parcel a
                                                # whole-order call names (JD); empty: just this one


@dataclass(frozen=True)
class ResendRequest:
    """The parcel of a reissue (补发) or an exchange (换货): sent on an after-sale case, not on the order,
    whose own ship is refused once it has shipped."""
    case_id: str
    order_no: str
    carrier_code: str                        # the platform's carrier code
    tracking_no: str


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime
    description: str


@dataclass(frozen=True)
class Tracking:
    carrier_code: str
    waybill_no: str
    state: str                               # "in_transit" | "delivered" | "exception" | "unknown"
    events: tuple[TrackingEvent, ...] = ()   # newest first


@dataclass(frozen=True)
class RejectReason:
    code: str
    text: str


# ---------------------------------------------------------------- pushes (webhooks, TMC)
@dataclass(frozen=True)
class PushRequest:
    """A platform push as our HTTP endpoint received it, before anything is trusted."""
    platform: str
    key: str                    # what the URL names: the app key (Douyin, Kuaishou) or our shop id (WeChat, XHS)
    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    url_secret: str = ""        # Xiaohongshu signs nothing: the secret in the URL we gave it


@dataclass(frozen=True)
class PushReply:
    """What the platform wants back, in its own shape (a refusal too, with our 4xx status)."""
    status: int
    content_type: str
    body: str


@dataclass(frozen=True)
class PushEvent:
    """One verified platform push, reduced to what we trust: ids and times. The pipeline fetches
    the record through the signed API whenever the pushed content is partial."""
    platform: Platform
    kind: str                   # "order" | "after_sale"
    event_type: str             # the platform's own tag / event name, kept for logs
    seller_id: str
    order_no: str
    message_id: str             # for replay / duplicate detection
    occurred_at: datetime
    case_id: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


def shanghai(dt: datetime) -> datetime:
    """The platforms' wall clock; naive datetimes are refused rather than guessed."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime: platforms need an aware time")
    return dt.astimezone(SHANGHAI)
