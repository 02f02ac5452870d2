"""Which platform snapshot of a record wins, and how a winning order snapshot merges into what the OMS
keeps. Pure rules: services/ingest.py and services/after_sales_ingest.py read, convert and write around
them."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.orders import LineItem, Order, OrderChange, can_transition, handoff_for, next_status
from chalicelib.domain.presale import with_presale_hold
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import ErpHandoff, HoldReason, RefundState, ReviewState

HISTORY_LIMIT = 20   # the latest changes; older ones stay in the raw payloads and the logs
RECEIVER_CHANGED = "receiver changed by the platform"   # the history's words (the UI translates them)

# What the platform owns on an order. Platform versions are modified times, most in whole seconds: two
# changes in one second carry one version. At an equal version a snapshot is taken when it moves the order
# forward, or, at the same status, when its content sorts after what is stored: both arrival orders end the
# same, equal content changes nothing, and a stale same-second redelivery cannot roll the order back.
ORDER_PLATFORM_OWNED = ("platform_status", "refund_state", "paid_fen", "total_fen", "tracking_no", "carrier_code",
                        "seller_memo", "seller_flag", "buyer_memo", "paid_at", "shipped_at")
_REFUND_STAGES = (RefundState.NONE, RefundState.IN_PROGRESS, RefundState.REFUNDING, RefundState.REFUNDED)
# Carried from the platform's snapshot onto the order kept (the rest is the OMS's: holds, hand-off, history).
_SNAPSHOT_FIELDS = ("total_fen", "paid_fen", "freight_fen", "seller_discount_fen", "platform_discount_fen",
                    "receiver", "refund_state", "buyer_memo", "seller_memo", "seller_flag", "paid_at", "shipped_at",
                    "carrier_code", "tracking_no", "version", "buyer_id", "order_type", "ship_by_at")


def order_is_newer(incoming: Order, existing: Order) -> bool:
    """`incoming`: the platform's snapshot as an order (services/ingest.py converts it)."""
    if incoming.version != existing.version:
        return incoming.version > existing.version
    if incoming.status != existing.status:
        return can_transition(existing.status, incoming.status)
    if incoming.refund_state != existing.refund_state:
        # platforms with second-precision times (JD) report a refund request and the shipment of the same
        # second at one version: the later stage is the likelier latest (a withdrawal that fast is rare)
        return _REFUND_STAGES.index(incoming.refund_state) > _REFUND_STAGES.index(existing.refund_state)
    return order_content_key(incoming) > order_content_key(existing)


def order_content_key(order: Order) -> str:
    lines = tuple((line.line_id, line.quantity, line.refund_state.value) for line in order.lines)
    text = repr((tuple(str(getattr(order, name)) for name in ORDER_PLATFORM_OWNED), lines))
    return hashlib.sha256(text.encode()).hexdigest()


def merge_order(existing: Order, incoming: Order, now: datetime) -> Order:
    """The newer snapshot onto the order kept: status only moves forward, an operator's per-line links and
    our shipped quantities survive, holds and the ERP hand-off are recomputed."""
    status = next_status(existing.status, incoming.status)
    by = f"platform:{incoming.platform.value}"
    changes = [OrderChange(now, by, f"{incoming.platform_status}: status {existing.status.value} -> {status.value}")]
    review = existing.review
    if receiver_moved(existing, incoming):
        changes.append(OrderChange(now, by, f"{RECEIVER_CHANGED}: {_where(incoming)}"))
        if review is ReviewState.CONFIRMED and existing.erp_handoff is ErpHandoff.NOT_READY:
            review = ReviewState.PENDING      # a person confirmed the old address: they look again
    merged = replace(
        existing, status=status, platform_status=incoming.platform_status, modified_at=incoming.modified_at,
        updated_at=now, lines=_carry_over(incoming.lines, existing.lines), review=review,
        history=(*existing.history, *changes)[-HISTORY_LIMIT:],
        raw_ref=incoming.raw_ref or existing.raw_ref,
        **{name: getattr(incoming, name) for name in _SNAPSHOT_FIELDS},
    )
    return recompute(with_presale_hold(merged, now))


def receiver_moved(existing: Order, incoming: Order) -> bool:
    """The platform changed where the order goes (the buyer edited it, or the seller agreed to a request).
    Compared on what the platform shows: our envelope ciphertext differs on every encryption."""
    if existing.receiver is None or incoming.receiver is None:
        return False
    return _shown(existing) != _shown(incoming)


def _shown(order: Order) -> tuple[str, ...]:
    r = order.receiver
    assert r is not None
    return (r.name_masked, r.phone_masked, r.province, r.city, r.district, r.town, r.address_masked)


def _where(order: Order) -> str:
    r = order.receiver
    assert r is not None
    return " ".join(part for part in (r.province, r.city, r.district, r.address_masked) if part)


def refund_went_down(merged: Order, existing: Order) -> bool:
    return _REFUND_STAGES.index(merged.refund_state) < _REFUND_STAGES.index(existing.refund_state)


def with_case_refund(merged: Order, from_cases: RefundState) -> Order:
    """Some platforms' order APIs do not show after-sales (JD's order carries no refund state): a newer
    snapshot's lower refund state yields to what the order's after-sale cases say, or a case applied before
    the order's next change would be wiped by it and never come back."""
    refund_state = max(merged.refund_state, from_cases, key=_REFUND_STAGES.index)
    return recompute(replace(merged, refund_state=refund_state))


def _carry_over(lines: tuple[LineItem, ...], previous: tuple[LineItem, ...]) -> tuple[LineItem, ...]:
    kept = {line.line_id: line.links for line in previous if line.links}
    shipped = {line.line_id: line.shipped_quantity for line in previous}
    gifts = tuple(line for line in previous if line.gift)      # ours, not the platform's: they stay
    return (*(replace(line, links=line.links or kept.get(line.line_id, ()),
                      shipped_quantity=shipped.get(line.line_id, 0)) for line in lines), *gifts)


def recompute(order: Order) -> Order:
    """The unlinked-SKU hold follows the lines; the ERP hand-off follows the holds and status."""
    holds = set(order.holds)
    if order.unlinked_lines:
        holds.add(HoldReason.UNLINKED_SKU)
    else:
        holds.discard(HoldReason.UNLINKED_SKU)
    held = replace(order, holds=frozenset(holds))
    return replace(held, erp_handoff=handoff_for(held))


# How far a case has gone: at an equal version (platform times have second resolution) a snapshot that
# differs is taken unless it shows an earlier stage, so a same-second change is kept and a stale
# same-second redelivery cannot roll the case back.
CASE_STAGE = {S.PENDING_REVIEW: 0, S.AWAITING_BUYER_RETURN: 1, S.AWAITING_BUYER_ACTION: 1,
              S.AWAITING_SELLER_RECEIPT: 2, S.AWAITING_RESHIP: 3, S.SELLER_PROCESSING: 3, S.PLATFORM_PROCESSING: 4,
              S.REFUNDED: 5, S.RESHIPPED: 5, S.REJECTED: 5, S.CLOSED: 5, S.FAILED: 5}
CASE_PLATFORM_OWNED = ("type", "status", "platform_status", "refund_fen", "reason", "modified_at", "lines",
                       "buyer_note", "evidence_urls", "has_goods_return", "return_carrier_code", "return_tracking_no",
                       "deadline_at")


def case_is_newer(incoming: AfterSale, existing: AfterSale) -> bool:
    if incoming.version != existing.version:
        return incoming.version > existing.version
    if CASE_STAGE[incoming.status] != CASE_STAGE[existing.status]:
        return CASE_STAGE[incoming.status] > CASE_STAGE[existing.status]
    return case_content_key(incoming) > case_content_key(existing)


def case_content_key(case: AfterSale) -> str:
    """A stable digest of what the platform owns on a case: two snapshots at the same version and stage
    converge on the same one whatever order they arrive in (equal content: unchanged)."""
    text = repr(tuple(getattr(case, name) for name in CASE_PLATFORM_OWNED))
    return hashlib.sha256(text.encode()).hexdigest()
