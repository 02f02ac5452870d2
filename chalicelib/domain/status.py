"""Status vocabularies. Order status, after-sale state, ERP hand-off and holds are separate axes:
an order can be awaiting_shipment *and* held for refund_requested *and* taken by the ERP."""
from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class AfterSaleType(StrEnum):
    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"
    EXCHANGE = "exchange"
    REISSUE = "reissue"
    REPAIR = "repair"
    PRICE_PROTECTION = "price_protection"
    INTERCEPT = "intercept"
    OTHER = "other"


class AfterSaleStatus(StrEnum):
    """Unified after-sale case status (the seed's 10001..14000 codes fold into these)."""
    PENDING_REVIEW = "pending_review"              # seller must agree or refuse
    AWAITING_BUYER_RETURN = "awaiting_buyer_return"
    AWAITING_BUYER_ACTION = "awaiting_buyer_action"  # buyer to confirm / give feedback
    AWAITING_SELLER_RECEIPT = "awaiting_seller_receipt"
    AWAITING_RESHIP = "awaiting_reship"             # exchange / reissue: seller must send goods
    SELLER_PROCESSING = "seller_processing"
    PLATFORM_PROCESSING = "platform_processing"     # refund being paid or arbitration
    REFUNDED = "refunded"
    RESHIPPED = "reshipped"                         # exchange / reissue / repair done
    REJECTED = "rejected"                           # seller refused
    CLOSED = "closed"                               # buyer withdrew or the case lapsed
    FAILED = "failed"                               # platform refund failed / repair failed


TERMINAL_AFTER_SALE = frozenset({
    AfterSaleStatus.REFUNDED, AfterSaleStatus.RESHIPPED, AfterSaleStatus.CLOSED, AfterSaleStatus.FAILED,
})


class RefundState(StrEnum):
    """An order's after-sale summary (the seed's refund_status 1..4)."""
    NONE = "none"
    IN_PROGRESS = "in_progress"
    REFUNDING = "refunding"
    REFUNDED = "refunded"


class ErpHandoff(StrEnum):
    NOT_READY = "not_ready"      # unpaid, held or cancelled: the ERP must not take it
    READY = "ready"              # waiting for the ERP to take it
    TAKEN = "taken"              # the ERP fetched it, not yet acknowledged
    ACKNOWLEDGED = "acknowledged"  # the ERP holds its own id for it
    WITHDRAWN = "withdrawn"      # cancelled or intercepted after the ERP took it


class HoldReason(StrEnum):
    UNLINKED_SKU = "unlinked_sku"
    REFUND_REQUESTED = "refund_requested"
    OUT_OF_STOCK = "out_of_stock"
    ADDRESS_ISSUE = "address_issue"
    BUYER_MESSAGE = "buyer_message"
    MANUAL_HOLD = "manual_hold"
    RULE_HOLD = "rule_hold"              # a review rule held it (the rule's note names why)
    BLACKLISTED = "blacklisted"          # the buyer or the receiver is on the seller's blacklist
    MERGE_CANDIDATE = "merge_candidate"  # another open order of the same buyer and address
    PRICE_ANOMALY = "price_anomaly"      # a line sold far below its SKU's list price
    PRESALE_WAITING = "presale_waiting"  # a presale before its date: lifts itself (domain/presale.py)


class ReviewState(StrEnum):
    """The review gate (审单): an order goes to the ERP, waybills or printing only once it passed review.
    Orders stored before the gate existed read as passed (the field's default)."""
    PENDING = "pending"          # waiting for a person: a rule asked for one, held it, or auto-review is off
    PASSED = "passed"            # the rules let it through
    CONFIRMED = "confirmed"      # a person confirmed it (final: rules no longer re-evaluate it)


REVIEWED = frozenset({ReviewState.PASSED, ReviewState.CONFIRMED})


class ShopStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"                    # sync paused by an admin
    REAUTH_NEEDED = "reauth_needed"      # token refresh failed: the seller must authorise again
    RATE_LIMITED = "rate_limited"        # parked until retry_after
    DISABLED = "disabled"
    ARCHIVED = "archived"                # deleted by an admin: never pulled or pushed to, orders kept


class ShipmentStatus(StrEnum):
    PENDING = "pending"          # recorded, ship-back queued
    WAYBILL_ISSUED = "waybill_issued"
    PRINTED = "printed"
    CONFIRMED = "confirmed"      # the platform accepted the tracking no.
    FAILED = "failed"            # the platform refused; error kept on the shipment
    CANCELLED = "cancelled"
