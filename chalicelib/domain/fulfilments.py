"""Fulfilments (发货单): which orders and lines travel together in one parcel. An order without one ships as
itself; a merged fulfilment (合单) carries several whole orders of one buyer and address, a split (拆单) carries
part of one order (some lines, or some units of a line) while the rest travels in its sibling parts.

Pure: the rules say which orders may merge, what a merge, an unmerge or a split-out leaves, and what each
platform's waybill API allows; services/fulfilments.py stores the outcome with conditional writes."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import InvalidTransitionError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import REVIEWED, ErpHandoff, OrderStatus, RefundState
from chalicelib.domain.waybills import MERGING_PLATFORMS, STOPS_SHIPPING, buyer_key

MAX_MEMBERS = 10            # Cainiao / PDD / XHS take at most 10 trade orders per waybill (trade_order_info_dtos)
HANDED_OVER = frozenset({ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED, ErpHandoff.WITHDRAWN})


class MergeMode(StrEnum):
    OFF = "off"                 # an operator merges by hand only
    PROPOSE = "propose"         # candidates are listed; an operator accepts them
    AUTO = "auto"               # the orders consumer merges as soon as the orders are reviewed


@dataclass(frozen=True)
class PlatformMerge:
    one_waybill: bool           # the waybill API takes several orders for one parcel
    cross_shop: bool            # ... and orders of several shops of that platform
    why: str                    # the waybill rule behind it (README table)


# From reference/platforms-*.md. No platform's waybill call lets one parcel carry orders of two shops: the
# receiver travels as one shop's ciphertext (Taobao's OAID with its tid, PDD / Douyin / XHS encrypted fields,
# WeChat's order/create names one shop_id), which only that shop's authority decrypts.
PLATFORM_MERGE: dict[str, PlatformMerge] = {
    "taobao": PlatformMerge(True, False, "cainiao.waybill.ii.get trade_order_list[] (<= 10); recipient oaid+tid "
                                         "of the calling shop"),
    "pdd": PlatformMerge(True, False, "pdd.waybill.get trade_order_list[] (<= 10); receiver ciphertext per shop"),
    "douyin": PlatformMerge(True, False, "logistics.newCreateOrder order_infos[]: the parcel's orders of the "
                                         "calling shop; encrypted receiver per shop"),
    "wechat": PlatformMerge(True, False, "ewaybill order/create ec_order_list[] with one shop_id"),
    "xhs": PlatformMerge(True, False, "express.createEbillOrders tradeOrderInfoList[]; receiver per shop"),
    "jd": PlatformMerge(False, False, "ldop.alpha.waybill.receive takes one platformOrderNo"),
    "kuaishou": PlatformMerge(False, False, "open.express.ebill.get takes one tradeOrderCode"),
}
assert {p for p, m in PLATFORM_MERGE.items() if m.one_waybill} == MERGING_PLATFORMS


class FulfilmentKind(StrEnum):
    MERGED = "merged"
    SPLIT = "split"


class FulfilmentState(StrEnum):
    OPEN = "open"               # may still change (members, parts)
    WAYBILL = "waybill"         # has a waybill: changes wait until the waybill is cancelled
    SHIPPED = "shipped"
    DISSOLVED = "dissolved"     # unmerged, or its parts folded back


@dataclass(frozen=True)
class Part:
    """One order's share of a fulfilment: (line id, units) pairs, or every open unit when `lines` is empty."""
    order_id: str
    shop_id: str
    order_no: str
    lines: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Fulfilment:
    fulfilment_id: str
    platform: str
    kind: FulfilmentKind
    parts: tuple[Part, ...]
    state: FulfilmentState
    reason: str                 # why it exists: "manual", "auto: same buyer and address", "stock", "weight"
    created_at: datetime
    updated_at: datetime
    warehouse_id: str = ""
    weight_g: int = 0
    waybill_id: str = ""
    actor: str = ""
    revision: int = 0

    @property
    def order_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.order_id for p in self.parts))

    @property
    def shop_id(self) -> str:
        return self.parts[0].shop_id

    @property
    def changeable(self) -> bool:
        return self.state is FulfilmentState.OPEN


def merged_id(order_ids: Iterable[str]) -> str:
    """Deterministic from its members: a retried merge finds the fulfilment its first attempt made."""
    digest = hashlib.sha1("|".join(sorted(order_ids)).encode()).hexdigest()[:16]
    return f"M{digest}"


def split_id(order_id: str, index: int, generation: int) -> str:
    digest = hashlib.sha1(f"{order_id}|{generation}".encode()).hexdigest()[:12]
    return f"S{digest}-{index}"


# ---------------------------------------------------------------- merge
def merge_problem(order: Order) -> tuple[str, str]:
    """Why an order cannot join a merge, as (reason code, message), or ("", "") when it can."""
    if order.status is not OrderStatus.AWAITING_SHIPMENT or any(line.shipped_quantity for line in order.lines):
        return "fulfilment.not_awaiting", f"order {order.order_id} is {order.status.value}: only unshipped orders merge"
    if order.review not in REVIEWED:
        return "fulfilment.not_reviewed", f"order {order.order_id} is not reviewed yet"
    if order.erp_handoff in HANDED_OVER:
        return "fulfilment.handed_over", f"order {order.order_id} is with the ERP already ({order.erp_handoff.value})"
    if order.refund_state is not RefundState.NONE or any(h in STOPS_SHIPPING for h in order.holds):
        return "fulfilment.order_held", f"order {order.order_id} is held or has a refund: it ships alone"
    if order.supplier_id:      # its supplier's lines leave from the supplier: never in the seller's parcel
        return "dropship.ships_alone", f"order {order.order_id} is drop-shipped by a supplier: it ships alone"
    if order.receiver is None:
        return "fulfilment.no_receiver", f"order {order.order_id} has no receiver"
    if not PLATFORM_MERGE.get(order.platform.value, PlatformMerge(False, False, "")).one_waybill:
        return "fulfilment.platform_no_merge", f"{order.platform.value} takes one order per waybill: no merge"
    return "", ""


def merge_key(order: Order) -> tuple[str, ...]:
    """Same buyer and same receiver: the buyer id where the platform sends one, and the address key the
    waybill grouping uses. Across shops the shop is left out of it (where the platform allows that)."""
    key = buyer_key(order)
    cross = PLATFORM_MERGE.get(order.platform.value, PlatformMerge(False, False, "")).cross_shop
    address = key[1:] if cross and key and key[0] == order.shop_id else key
    return (order.platform.value, order.buyer_id, *address)


def check_merge(orders: Sequence[Order]) -> None:
    """Raises naming the first order that cannot join, or why the orders cannot travel together."""
    if not 2 <= len(orders) <= MAX_MEMBERS:
        raise ValidationError(f"a merge takes 2..{MAX_MEMBERS} orders", field="order_ids",
                              reason="fulfilment.member_count")
    for order in orders:
        reason, problem = merge_problem(order)
        if problem:
            raise InvalidTransitionError(problem, reason=reason)
        if order.fulfilment_ids:
            raise InvalidTransitionError(f"order {order.order_id} is in fulfilment {order.fulfilment_ids[0]}: "
                                         "unmerge it first", reason="fulfilment.already_member")
    if len({merge_key(o) for o in orders}) != 1:
        raise InvalidTransitionError("the orders differ in buyer, receiver, platform or shop: they cannot share "
                                     "a parcel", reason="fulfilment.different_buyer")


def proposals(orders: Iterable[Order]) -> list[tuple[Order, ...]]:
    """Groups of two or more mergeable orders of one buyer and address, oldest first (at most MAX_MEMBERS)."""
    groups: dict[tuple[str, ...], list[Order]] = {}
    for order in sorted(orders, key=lambda o: (o.created_at, o.order_id)):
        if not merge_problem(order)[1] and not order.fulfilment_ids:
            groups.setdefault(merge_key(order), []).append(order)
    return [tuple(group[:MAX_MEMBERS]) for group in groups.values() if len(group) >= 2]


def merged(orders: Sequence[Order], reason: str, actor: str, now: datetime) -> Fulfilment:
    check_merge(orders)
    ordered = sorted(orders, key=lambda o: (o.created_at, o.order_id))     # one member order, however asked
    parts = tuple(Part(o.order_id, o.shop_id, o.order_no) for o in ordered)
    return Fulfilment(merged_id(o.order_id for o in orders), orders[0].platform.value, FulfilmentKind.MERGED,
                      parts, FulfilmentState.OPEN, reason, now, now, actor=actor)


def joined(fulfilment: Fulfilment, members: Sequence[Order], order: Order, now: datetime) -> Fulfilment:
    """A later order of the same buyer and address joins an open merge (members: its orders as they are now)."""
    _check_changeable(fulfilment)
    if fulfilment.kind is not FulfilmentKind.MERGED:
        raise InvalidTransitionError(f"{fulfilment.fulfilment_id} is not a merge", reason="fulfilment.not_merged")
    check_merge([*(replace(m, fulfilment_ids=()) for m in members), order])
    return replace(fulfilment, parts=(*fulfilment.parts, Part(order.order_id, order.shop_id, order.order_no)),
                   updated_at=now)


def without(fulfilment: Fulfilment, order_id: str, now: datetime) -> Fulfilment:
    """A member leaves (a refund, an operator): one member left is no merge any more, so it dissolves."""
    _check_changeable(fulfilment)
    parts = tuple(p for p in fulfilment.parts if p.order_id != order_id)
    state = FulfilmentState.OPEN if len({p.order_id for p in parts}) >= 2 else FulfilmentState.DISSOLVED
    return replace(fulfilment, parts=parts, state=state, updated_at=now)


def dissolved(fulfilment: Fulfilment, now: datetime) -> Fulfilment:
    _check_changeable(fulfilment)
    return replace(fulfilment, state=FulfilmentState.DISSOLVED, updated_at=now)


def _check_changeable(fulfilment: Fulfilment) -> None:
    if fulfilment.state in (FulfilmentState.WAYBILL, FulfilmentState.SHIPPED):
        raise InvalidTransitionError(f"fulfilment {fulfilment.fulfilment_id} has a waybill or has shipped: "
                                     "cancel the waybill first", reason="fulfilment.has_waybill")
    if fulfilment.state is FulfilmentState.DISSOLVED:
        raise InvalidTransitionError(f"fulfilment {fulfilment.fulfilment_id} is dissolved",
                                     reason="fulfilment.dissolved")


def splits_out(order: Order) -> bool:
    """A member that must leave its merge: a refund asked for or granted, a stop on shipping, or closed."""
    return (order.refund_state is not RefundState.NONE or any(h in STOPS_SHIPPING for h in order.holds)
            or order.status is OrderStatus.CANCELLED)


def with_waybill(fulfilment: Fulfilment, waybill_id: str, now: datetime) -> Fulfilment:
    if fulfilment.state is not FulfilmentState.OPEN:
        raise InvalidTransitionError(f"fulfilment {fulfilment.fulfilment_id} is {fulfilment.state.value}: "
                                     "no new waybill for it", reason="fulfilment.not_open")
    return replace(fulfilment, state=FulfilmentState.WAYBILL, waybill_id=waybill_id, updated_at=now)


def waybill_cancelled(fulfilment: Fulfilment, now: datetime) -> Fulfilment:
    if fulfilment.state is not FulfilmentState.WAYBILL:
        return fulfilment
    return replace(fulfilment, state=FulfilmentState.OPEN, waybill_id="", updated_at=now)


def shipped(fulfilment: Fulfilment, now: datetime) -> Fulfilment:
    """Its waybill id stays: asked again for a waybill, the parcel answers with the one it shipped under."""
    return replace(fulfilment, state=FulfilmentState.SHIPPED, updated_at=now)


@dataclass(frozen=True)
class FulfilSettings:
    """Per shop: how merges happen, and the automatic splits the operator's 'plan' applies."""
    merge_mode: MergeMode = MergeMode.PROPOSE
    weight_limit_g: int = 0        # 0: no limit
    auto_split: str = ""           # "" | "stock" | "weight": how the orders consumer splits reviewed orders
    revision: int = 0

    def validated(self) -> FulfilSettings:
        if self.weight_limit_g < 0:
            raise ValidationError("weight_limit_g must be 0 (no limit) or above", field="weight_limit_g",
                                  reason="fulfilment.weight_limit")
        if self.auto_split not in AUTO_SPLITS:
            raise ValidationError(f"auto_split must be one of {', '.join(repr(a) for a in AUTO_SPLITS)}",
                                  field="auto_split", reason="fulfilment.split_by")
        if self.auto_split == "weight" and self.weight_limit_g <= 0:
            raise ValidationError("splitting by weight needs weight_limit_g above 0", field="weight_limit_g",
                                  reason="fulfilment.weight_limit")
        return self


AUTO_SPLITS = ("", "stock", "weight")
