"""E-waybills (电子面单): a shop's waybill accounts, one waybill per parcel, its print/ship life, and the
grouping of orders into merged parcels. Pure: no platform, storage or HTTP here."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidTransitionError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import REVIEWED, HoldReason, OrderStatus

# The platforms whose waybill API takes several orders for one parcel (the others take one order no.).
MERGING_PLATFORMS = frozenset({"taobao", "pdd", "douyin", "wechat", "xhs"})
SHIPPABLE = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED})
# Holds that split an order out of a merged parcel (domain/fulfilments.py): a refund request (interception), a
# person's hold, an address or a buyer message to read first. A waybill asks more: no hold at all and a passed
# review (shippable_problem), as the review gate promises (#22).
STOPS_SHIPPING = frozenset({HoldReason.REFUND_REQUESTED, HoldReason.MANUAL_HOLD, HoldReason.ADDRESS_ISSUE,
                            HoldReason.BUYER_MESSAGE})
TRACKING_SHARDS = 8


class WaybillStatus(StrEnum):
    ISSUED = "issued"          # the platform gave a number
    PRINTED = "printed"        # the print component said it printed (or a PDF label was taken)
    SHIPPED = "shipped"        # its orders' shipments were recorded (ship-back queued)
    CANCELLED = "cancelled"    # the number was given back to the platform


class TrackingState(StrEnum):
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Sender:
    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    town: str = ""


@dataclass(frozen=True)
class ShopWaybillAccount:
    """A waybill subscription as pulled from the platform; `raw` keeps what its client needs again
    (JD's providerId and settlement code, Kuaishou's merchant name...)."""
    shop_id: str
    account_id: str
    platform: str
    carrier_code: str          # the platform's own code, as its waybill API takes it
    carrier_name: str
    branch_code: str
    branch_name: str
    remaining: int             # -1: unlimited
    sender: Sender
    updated_at: datetime
    raw: Mapping[str, Any] = field(default_factory=dict)
    revision: int = 0


@dataclass(frozen=True)
class TrackEvent:
    at: datetime
    description: str


@dataclass(frozen=True)
class TrackingInfo:
    state: TrackingState
    updated_at: datetime
    events: tuple[TrackEvent, ...] = ()       # newest first


@dataclass(frozen=True)
class Waybill:
    waybill_id: str
    shop_id: str
    platform: str
    order_ids: tuple[str, ...]                # several: a merged parcel
    order_nos: tuple[str, ...]
    account_id: str
    carrier_code: str                         # the platform's code
    carrier_name: str
    waybill_no: str
    status: WaybillStatus
    issued_at: datetime
    print_data: Mapping[str, Any] | str = ""  # as the platform returned it, for its print component
    template_url: str = ""
    platform_waybill_id: str = ""
    print_count: int = 0
    printed_at: datetime | None = None
    shipped_at: datetime | None = None
    cancelled_at: datetime | None = None
    shipment_ids: tuple[str, ...] = ()
    tracking: TrackingInfo | None = None
    next_track_at: datetime | None = None     # set while shipped and not delivered: the schedule's due time
    fulfilment_id: str = ""                   # the parcel it was taken for (domain/fulfilments.py); "": its orders
    revision: int = 0
    account_reason: str = ""                  # why this account (services/carrier_choice.py)

    @property
    def active(self) -> bool:
        return self.status is not WaybillStatus.CANCELLED


def waybill_id_for(shop_id: str, carrier_code: str, waybill_no: str) -> str:
    """Deterministic: a platform that hands the same number back on a retry finds the same record."""
    return f"{shop_id}-{carrier_code}-{waybill_no}"


def tracking_shard(waybill_id: str) -> str:
    digest = hashlib.sha1(waybill_id.encode()).digest()
    return str(digest[0] % TRACKING_SHARDS)


# ---------------------------------------------------------------- transitions
def printed(waybill: Waybill, at: datetime) -> Waybill:
    """Printing again is a reprint: counted, and a shipped waybill stays shipped."""
    if waybill.status is WaybillStatus.CANCELLED:
        raise InvalidTransitionError(f"waybill {waybill.waybill_no} is cancelled: it cannot print")
    status = WaybillStatus.SHIPPED if waybill.status is WaybillStatus.SHIPPED else WaybillStatus.PRINTED
    return replace(waybill, status=status, print_count=waybill.print_count + 1, printed_at=at)


def shipped(waybill: Waybill, shipment_ids: Sequence[str], at: datetime) -> Waybill:
    if waybill.status is not WaybillStatus.PRINTED:
        raise InvalidTransitionError(f"waybill {waybill.waybill_no} is {waybill.status.value}: "
                                     "only a printed waybill ships")
    return replace(waybill, status=WaybillStatus.SHIPPED, shipped_at=at, shipment_ids=tuple(shipment_ids),
                   next_track_at=at)


def cancelled(waybill: Waybill, at: datetime) -> Waybill:
    if waybill.status is WaybillStatus.SHIPPED:
        raise InvalidTransitionError(f"waybill {waybill.waybill_no} has shipped: it cannot be cancelled")
    return replace(waybill, status=WaybillStatus.CANCELLED, cancelled_at=at, next_track_at=None)


def tracked(waybill: Waybill, info: TrackingInfo, next_at: datetime | None) -> Waybill:
    """Delivered ends the schedule's interest; anything else is looked at again at next_at."""
    due = None if info.state is TrackingState.DELIVERED or waybill.status is not WaybillStatus.SHIPPED else next_at
    return replace(waybill, tracking=info, next_track_at=due)


# ---------------------------------------------------------------- orders -> parcels
def shippable_problem(order: Order) -> tuple[str, str]:
    """Why an order cannot get a waybill, as (reason code, message), or ("", "") when it can."""
    if order.status not in SHIPPABLE:
        return "waybill.order_not_shippable", f"order {order.order_id} is {order.status.value}: no waybill for it"
    if order.receiver is None:
        return "waybill.no_receiver", f"order {order.order_id} has no receiver"
    if order.holds:
        return "waybill.order_held", (f"order {order.order_id} is on hold ({', '.join(sorted(order.holds))}): "
                                      "release it first")
    if order.review not in REVIEWED:
        return "waybill.not_reviewed", f"order {order.order_id} has not passed review ({order.review.value})"
    return "", ""


class OrderHeldError(InvalidTransitionError):
    """An order a waybill is refused for; `holds` names its holds for the UI's sentence."""

    def __init__(self, message: str, *, reason: str, holds: Iterable[str] = ()) -> None:
        super().__init__(message, reason=reason)
        self.holds = tuple(sorted(holds))


def check_shippable(order: Order) -> None:
    reason, problem = shippable_problem(order)
    if problem:
        holds = order.holds if reason == "waybill.order_held" else ()
        raise OrderHeldError(problem, reason=reason, holds=(h.value for h in holds))


def buyer_key(order: Order) -> tuple[str, ...]:
    """Same buyer, same address: the platform's privacy handle when it has one (an OAID names both),
    else the masked address text, which platforms keep stable per buyer address."""
    receiver = order.receiver
    if receiver is None:
        return (order.order_id,)
    handles = dict(receiver.platform_ciphertext)
    for key in ("oaid", "open_address_id", "openAddressId"):
        if handles.get(key):
            return (order.shop_id, key, handles[key])
    return (order.shop_id, receiver.name_masked, receiver.phone_masked, receiver.province, receiver.city,
            receiver.district, receiver.town, receiver.address_masked)


def parcels(orders: Iterable[Order], merge: bool) -> list[tuple[Order, ...]]:
    """Orders grouped into parcels, in the order first seen. Merging only where the platform allows it."""
    groups: dict[tuple[str, ...], list[Order]] = {}
    for order in orders:
        if merge and order.platform.value in MERGING_PLATFORMS:
            key = ("merge", *buyer_key(order))
        else:
            key = ("single", order.order_id)
        groups.setdefault(key, []).append(order)
    return [tuple(group) for group in groups.values()]
