"""Order edits (改单) before the ERP took the order: a manual order's receiver, one line's ERP SKU for
this order only, and gift lines added or removed by hand. Each edit is one write conditional on the
revision the operator saw (409 otherwise), is in the order's history, and runs review again (a person's
earlier approval does not cover the change). After the hand-off an edit is refused: it would be an
interception the ERP must accept."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.orders import LineItem, Order, OrderChange, SkuLink, handoff_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.review_eval import HANDED_OVER
from chalicelib.domain.status import HoldReason, OrderStatus, ReviewState
from chalicelib.services.manual_orders import mask_address, mask_name, mask_phone
from chalicelib.services.ports import Clock, OrderRepository
from chalicelib.services.regions import check_region

HISTORY_LIMIT = 50
OPEN = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT)


def _editable(orders: OrderRepository, order_id: str, expected_revision: int) -> Order:
    order = orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    if order.revision != expected_revision:
        raise ConflictError(f"order {order_id} changed since it was shown: look again", reason="review.changed")
    if order.erp_handoff in HANDED_OVER or order.status not in OPEN:
        raise InvalidTransitionError(f"order {order_id} is with the ERP or closed: ask the ERP to intercept it",
                                     reason="edit.handed_over")
    return order


def _save(orders: OrderRepository, clock: Clock, gate: Callable[[Order], Order], before: Order, edited: Order,
          actor: str, summary: str) -> Order:
    now = clock.now()
    again = replace(edited, review=ReviewState.PASSED if before.review is ReviewState.CONFIRMED else before.review)
    reviewed = gate(replace(again, erp_handoff=handoff_for(again)))
    written = replace(reviewed, updated_at=now,
                      history=(*before.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])
    try:
        orders.save(written, before.revision)
    except ConflictError:
        raise ConflictError(f"order {before.order_id} changed meanwhile: look again", reason="review.changed") from None
    return replace(written, revision=before.revision + 1)


def edit_receiver(orders: OrderRepository, clock: Clock, gate: Callable[[Order], Order], order_id: str,
                  receiver: dict[str, str], expected_revision: int, actor: str,
                  encrypt: Callable[[Any, str], str] | None = None) -> Order:
    """Manual orders only: a platform owns its orders' receivers (its address-change notices arrive as updates)."""
    order = _editable(orders, order_id, expected_revision)
    if order.platform is not Platform.OFFLINE or order.receiver is None:
        raise ValidationError("only a manual order's receiver is edited here", field="order_id",
                              reason="edit.platform_receiver")
    check_region(receiver["province"], receiver["city"], receiver["district"])
    plaintext = {"name": receiver["name"], "phone": receiver["phone"], "address": receiver["address"]}
    new = replace(order.receiver, name_masked=mask_name(receiver["name"]), phone_masked=mask_phone(receiver["phone"]),
                  province=receiver["province"], city=receiver["city"], district=receiver["district"],
                  address_masked=mask_address(receiver["address"]),
                  encrypted=encrypt(plaintext, f"receiver:{order_id}") if encrypt else order.receiver.encrypted)
    return _save(orders, clock, gate, order, replace(order, receiver=new), actor, "receiver edited")


def change_line_sku(orders: OrderRepository, clock: Clock, gate: Callable[[Order], Order], order_id: str,
                    line_id: str, sku_code: str, expected_revision: int, actor: str,
                    sku_exists: Callable[[str], bool]) -> Order:
    """This order's line ships as another ERP SKU (the shop SKU's own link is untouched)."""
    order = _editable(orders, order_id, expected_revision)
    if not any(line.line_id == line_id for line in order.lines):
        raise ValidationError(f"order {order_id} has no line {line_id}", field="line_id", reason="edit.line")
    if not sku_exists(sku_code):
        raise ValidationError(f"no ERP SKU {sku_code}", field="sku_code", reason="manual.sku")
    lines = tuple(replace(line, links=(SkuLink(sku_code, 1),)) if line.line_id == line_id else line
                  for line in order.lines)
    holds = order.holds - {HoldReason.UNLINKED_SKU} if all(line.links for line in lines) else order.holds
    return _save(orders, clock, gate, order, replace(order, lines=lines, holds=holds), actor,
                 f"line {line_id} ships as {sku_code}")


# ------------------------------------------------------------------ gift lines by hand (赠品)
MANUAL_GIFT = "gift-hand-"
MAX_GIFT_LINES = 20


def add_gift_line(orders: OrderRepository, clock: Clock, gate: Callable[[Order], Order], order_id: str,
                  sku_code: str, quantity: int, expected_revision: int, actor: str,
                  sku_exists: Callable[[str], bool]) -> Order:
    """A free line of an ERP SKU (price 0) that the platform never hears of, as a gift rule's line."""
    order = _editable(orders, order_id, expected_revision)
    if not sku_exists(sku_code):
        raise ValidationError(f"no ERP SKU {sku_code}", field="sku_code", reason="manual.sku")
    if sum(line.gift for line in order.lines) >= MAX_GIFT_LINES:
        raise ValidationError(f"at most {MAX_GIFT_LINES} gift lines", field="sku_code", reason="edit.gift_limit")
    # the revision the edit writes: never used twice, so a removed line's stock movements never meet a new line
    line = LineItem(line_id=f"{MANUAL_GIFT}{order.revision + 1}", platform_sku_id="", platform_product_id="",
                    merchant_code=sku_code, title=f"赠品 {sku_code}", sku_name="", quantity=quantity,
                    unit_price_fen=0, paid_fen=0, links=(SkuLink(sku_code, 1),), gift=True)
    return _save(orders, clock, gate, order, replace(order, lines=(*order.lines, line)), actor,
                 f"gift {sku_code} x{quantity} added by hand")


def remove_gift_line(orders: OrderRepository, clock: Clock, gate: Callable[[Order], Order], order_id: str,
                     line_id: str, expected_revision: int, actor: str,
                     release: Callable[[Order, LineItem], object]) -> Order:
    """Only a gift line, not yet shipped. A rule's gift stays out (the plan would add it again otherwise).
    `release` frees what the line reserved, once the write is in: stock settles by the lines an order has,
    so it would never see this one again."""
    order = _editable(orders, order_id, expected_revision)
    line = next((line for line in order.lines if line.line_id == line_id), None)
    if line is None:
        raise ValidationError(f"order {order_id} has no line {line_id}", field="line_id", reason="edit.line")
    if not line.gift:
        raise ValidationError(f"line {line_id} is the buyer's, not a gift", field="line_id", reason="edit.not_gift")
    if line.shipped_quantity:
        raise InvalidTransitionError(f"gift line {line_id} has shipped", reason="edit.gift_shipped")
    plan = order.plan
    if plan is not None and not line_id.startswith(MANUAL_GIFT) and line_id not in plan.skipped_gifts:
        plan = replace(plan, skipped_gifts=(*plan.skipped_gifts, line_id))
    edited = replace(order, lines=tuple(kept for kept in order.lines if kept.line_id != line_id), plan=plan)
    sku = line.links[0].sku_code if line.links else line.merchant_code
    after = _save(orders, clock, gate, order, edited, actor, f"gift {sku} x{line.quantity} removed by hand")
    release(order, line)
    return after
