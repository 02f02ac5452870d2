"""After-sale use cases: list, detail, counts, and the seller's actions. An action is guarded by the case's
unified status, recorded on the case (pending_action, history) with a revision-conditional write, then
written to the platform through the platform-actions queue. Asking again for the action already queued
returns the case unchanged; a reissue's shipment id is deterministic, so posting it twice ships once.
A reissue / exchange parcel is a shipment linked to the case, sent to the platform with `resend`
(action_handlers/after_sales.py), then confirmed like any shipment."""
from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.after_sales import AfterSale, CaseEvent
from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.reject_reasons import check_reject_reason
from chalicelib.domain.shipping import Shipment, ShipmentLine, shipment_id_for
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import ShipmentStatus
from chalicelib.services.actions import Action, enqueue
from chalicelib.services.after_sales_ingest import _mark_order
from chalicelib.services.erp_ports import CARRIER_CODES
from chalicelib.services.ports import AfterSaleRepository, CaseQueries, CaseQuery, Clock, Page, Publisher
from chalicelib.services.queue_messages import order_group

APPROVE_REFUND, REJECT_REFUND, APPROVE_RETURN = "approve_refund", "reject_refund", "approve_return"
CONFIRM_RECEIVED, REISSUE, NOTE = "confirm_received", "reissue", "note"
RESEND = "resend"                  # the platform action that sends a reissue / exchange parcel
PLATFORM_ACTIONS = (APPROVE_REFUND, REJECT_REFUND, APPROVE_RETURN, CONFIRM_RECEIVED)
ALL_ACTIONS = (*PLATFORM_ACTIONS, REISSUE, NOTE)

ALLOWED_STATUS: dict[str, frozenset[S]] = {
    APPROVE_REFUND: frozenset({S.PENDING_REVIEW, S.SELLER_PROCESSING}),
    REJECT_REFUND: frozenset({S.PENDING_REVIEW, S.AWAITING_SELLER_RECEIPT}),
    APPROVE_RETURN: frozenset({S.PENDING_REVIEW}),
    CONFIRM_RECEIVED: frozenset({S.AWAITING_SELLER_RECEIPT}),
    REISSUE: frozenset({S.PENDING_REVIEW, S.AWAITING_RESHIP, S.SELLER_PROCESSING, S.AWAITING_SELLER_RECEIPT}),
}
ALLOWED_TYPES: dict[str, frozenset[T]] = {
    APPROVE_REFUND: frozenset({T.REFUND_ONLY, T.RETURN_AND_REFUND, T.PRICE_PROTECTION, T.INTERCEPT, T.OTHER}),
    REJECT_REFUND: frozenset(T),
    APPROVE_RETURN: frozenset({T.RETURN_AND_REFUND, T.EXCHANGE, T.REPAIR}),
    CONFIRM_RECEIVED: frozenset(T),
    REISSUE: frozenset({T.EXCHANGE, T.REISSUE, T.REPAIR}),
}
# the platform state that shows an action already applied: a redelivered action is not sent again
APPLIED_STATUS: dict[str, frozenset[S]] = {
    APPROVE_REFUND: frozenset({S.PLATFORM_PROCESSING, S.REFUNDED}),
    REJECT_REFUND: frozenset({S.REJECTED, S.CLOSED}),
    APPROVE_RETURN: frozenset({S.AWAITING_BUYER_RETURN, S.AWAITING_SELLER_RECEIPT, S.PLATFORM_PROCESSING,
                               S.REFUNDED, S.AWAITING_RESHIP, S.RESHIPPED}),
    CONFIRM_RECEIVED: frozenset({S.PLATFORM_PROCESSING, S.REFUNDED, S.AWAITING_RESHIP, S.RESHIPPED}),
}
TRACKING = re.compile(r"^[A-Za-z0-9-]{4,40}$")
MAX_HISTORY = 100
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class CaseDeps:
    cases: AfterSaleRepository
    publisher: Publisher
    clock: Clock
    shipments: Any = None          # erp_ports.ShipmentRepository: reissue / exchange shipments
    orders: Any = None             # ports.OrderRepository: the order's hold and refund state follow its cases
    restock: Any = None            # (case) -> None: returned goods back on hand (services/stock.py)


def list_cases(queries: CaseQueries, q: CaseQuery) -> Page[AfterSale]:
    if not 1 <= q.limit <= 200:
        raise ValidationError("limit must be 1-200", field="limit")
    return queries.list(q)


def count_cases(queries: CaseQueries, shop_id: str = "") -> dict[str, int]:
    """Cases per unified status, every status present (zero included), for the dashboard."""
    counts = queries.counts(shop_id)
    return {status.value: counts.get(status.value, 0) for status in S}


def get_case(cases: AfterSaleRepository, case_id: str) -> AfterSale:
    case = cases.get(case_id)
    if case is None:
        raise NotFoundError(f"no after-sale case {case_id}")
    return case


def request_action(deps: CaseDeps, case_id: str, action: str, actor: str, params: dict[str, Any]) -> AfterSale:
    """Records the action on the case and queues its platform write. Returns the case as stored."""
    if action not in PLATFORM_ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(PLATFORM_ACTIONS)}", field="action")
    _check_params(action, params)
    for _ in range(MAX_ATTEMPTS):
        case = get_case(deps.cases, case_id)
        if case.pending_action == action:
            _resend(deps, case)                      # asked twice: the first request stands (a lost message
            return case                              # is sent again; FIFO deduplication drops a double click)
        if case.pending_action:
            raise ConflictError(f"case {case_id}: {case.pending_action} is still waiting for the platform")
        if action == REJECT_REFUND:
            check_reject_reason(case.platform.value, str(params.get("reason_code", "")))
        try:
            guard(case, action)
        except InvalidTransitionError:
            if _applied_before(case, action, params):
                return case                          # a repeat of what the platform applied: nothing new
            raise
        payload = {"case_id": case_id, **params}
        action_id = f"as:{case_id}:{action}:r{case.revision + 1}"
        asked = logged(replace(case, pending_action=action, action_error="", pending_action_id=action_id,
                               pending_payload=json.dumps(payload, ensure_ascii=False)),
                       deps.clock, actor, "requested", action, _summary(action, params))
        try:
            deps.cases.save(asked, case.revision)
        except ConflictError:
            continue
        enqueue(deps.publisher, Action(action, case.shop_id, action_id, payload))
        return replace(asked, revision=case.revision + 1)
    raise ConflictError(f"case {case_id} kept changing")


def _applied_before(case: AfterSale, action: str, params: dict[str, Any]) -> bool:
    """The platform applied this very request (same action, same parameters) and the case shows it."""
    if case.status not in APPLIED_STATUS.get(action, frozenset()):
        return False
    asked = next((n for n in range(len(case.history) - 1, -1, -1)
                  if case.history[n].kind == "requested" and case.history[n].action == action), None)
    if asked is None or case.history[asked].text != _summary(action, params)[:500]:
        return False
    return any(e.kind == "applied" and e.action == action for e in case.history[asked + 1:])


def _resend(deps: CaseDeps, case: AfterSale) -> None:
    if case.pending_action_id and case.pending_payload:
        enqueue(deps.publisher, Action(case.pending_action, case.shop_id, case.pending_action_id,
                                       json.loads(case.pending_payload)))


def guard(case: AfterSale, action: str) -> None:
    if case.type not in ALLOWED_TYPES[action]:
        raise InvalidTransitionError(f"case {case.case_id} is a {case.type.value} case: {action} does not apply")
    if case.status not in ALLOWED_STATUS[action]:
        raise InvalidTransitionError(f"case {case.case_id} is {case.status.value} "
                                     f"(platform: {case.platform_status}): {action} is not allowed now")


def _check_params(action: str, params: dict[str, Any]) -> None:
    if action == REJECT_REFUND and not (params.get("reason_code") and 2 <= len(params.get("reason_text", "")) <= 200):
        raise ValidationError("reject needs reason_code and a reason_text of 2-200 characters", field="reason_text")
    if action == APPROVE_RETURN:
        address = params.get("address") or {}
        for name in ("province", "city", "district", "detail"):
            if not address.get(name):
                raise ValidationError(f"address.{name} is required", field=f"address.{name}")
        if not params.get("contact") or not params.get("phone"):
            raise ValidationError("contact and phone are required", field="contact")


def _summary(action: str, params: dict[str, Any]) -> str:
    if action == REJECT_REFUND:
        return f"{params['reason_code']}: {params['reason_text']}"
    if action == APPROVE_RETURN:
        a = params["address"]
        return f"return to {a['province']}{a['city']}{a['district']}{a['detail']} ({params['contact']})"
    return ""


def perform(deps: CaseDeps, case_id: str, actor: str, action: str, params: dict[str, Any]
            ) -> tuple[AfterSale, bool]:
    """One action from the admin or the ERP API. Returns (case, created): created is false when the same
    request was already made and nothing new was done."""
    if action == NOTE:
        return add_note(deps, case_id, actor, str(params.get("text", "")))
    if action == REISSUE:
        return reissue(deps, case_id, actor, str(params.get("carrier_code") or ""), str(params.get("tracking_no", "")))
    before = get_case(deps.cases, case_id)
    wanted = {k: params[k] for k in PARAMS.get(action, ()) if params.get(k) not in (None, "")}
    case = request_action(deps, case_id, action, actor, wanted)
    return case, case.revision != before.revision


PARAMS = {REJECT_REFUND: ("reason_code", "reason_text"), APPROVE_RETURN: ("address", "contact", "phone")}


def add_note(deps: CaseDeps, case_id: str, actor: str, text: str) -> tuple[AfterSale, bool]:
    """A note said twice in a row by the same actor is kept once (a retried request)."""
    text = text.strip()
    if not 1 <= len(text) <= 500:
        raise ValidationError("note must be 1-500 characters", field="text")
    before = get_case(deps.cases, case_id)

    def noted(case: AfterSale) -> AfterSale:
        last = case.history[-1] if case.history else None
        if last is not None and (last.kind, last.actor, last.text) == (NOTE, actor, text):
            return case
        return logged(case, deps.clock, actor, NOTE, NOTE, text)
    case = update(deps.cases, case_id, noted)
    return case, case.revision != before.revision


def reissue(deps: CaseDeps, case_id: str, actor: str, carrier_code: str, tracking_no: str) -> tuple[AfterSale, bool]:
    """A new shipment of the case's lines linked to the case; it then follows the normal ship-back.
    Returns (case, created)."""
    if carrier_code not in CARRIER_CODES:
        raise ValidationError(f"carrier_code must be one of {', '.join(CARRIER_CODES)}", field="carrier_code")
    if not TRACKING.match(tracking_no):
        raise ValidationError("tracking_no must be 4-40 letters, digits or '-'", field="tracking_no")
    case = get_case(deps.cases, case_id)
    shipment_id = shipment_id_for(case.order_id, carrier_code, tracking_no)
    if shipment_id in case.reissue_shipment_ids:
        return case, False
    guard(case, REISSUE)
    _add_shipment(deps, case, shipment_id, carrier_code, tracking_no, actor)
    stored = update(deps.cases, case_id, lambda c: logged(
        replace(c, reissue_shipment_ids=tuple(dict.fromkeys((*c.reissue_shipment_ids, shipment_id)))),
        deps.clock, actor, "requested", REISSUE, f"{carrier_code} {tracking_no}"))
    return stored, True


def _add_shipment(deps: CaseDeps, case: AfterSale, shipment_id: str, carrier_code: str, tracking_no: str,
                  actor: str) -> None:
    existing = deps.shipments.get(shipment_id)
    if existing is not None and existing.after_sale_id != case.case_id:
        raise ConflictError(f"tracking no. {tracking_no} is already used by another shipment of {case.order_id}")
    if existing is None:
        lines = tuple(ShipmentLine(x.line_id, x.quantity) for x in case.lines)
        shipment = Shipment(shipment_id=shipment_id, order_id=case.order_id, shop_id=case.shop_id,
                            carrier_code=carrier_code, tracking_no=tracking_no, lines=lines,
                            status=ShipmentStatus.PENDING, created_at=deps.clock.now(), source=actor,
                            after_sale_id=case.case_id)
        with contextlib.suppress(ConflictError):     # posted twice at once: the first one stands
            deps.shipments.add(shipment)
    # not "ship": the order has shipped and its ship-back is refused; the parcel goes on the case (resend)
    enqueue(deps.publisher, Action(RESEND, case.shop_id, f"resend:{shipment_id}:1",
                                   {"shipment_id": shipment_id, "case_id": case.case_id}))


def update(cases: AfterSaleRepository, case_id: str, change: Any) -> AfterSale:
    """Applies change(case) with a revision-conditional write, re-reading on a conflict."""
    for _ in range(MAX_ATTEMPTS):
        case = get_case(cases, case_id)
        changed = change(case)
        if changed == case:
            return case
        try:
            cases.save(changed, case.revision)
            return replace(changed, revision=case.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"case {case_id} kept changing")


def logged(case: AfterSale, clock: Clock, actor: str, kind: str, action: str, text: str) -> AfterSale:
    event = CaseEvent(clock.now(), actor, kind, action, text[:500])
    return replace(case, history=(*case.history, event)[-MAX_HISTORY:])


def settle(deps: CaseDeps, case: AfterSale | None, action: str) -> None:
    """After the platform answered: the order's hold and refund state follow the case, returned goods go
    back on hand once confirmed, and the ERP hears of the change."""

    if case is None:
        return
    if deps.orders is not None:
        _mark_order(deps.cases, deps.orders, deps.clock, case.order_id)
    if action == CONFIRM_RECEIVED and deps.restock is not None:
        deps.restock(case)
    body = json.dumps({"kind": "after_sale", "id": case.case_id, "shop_id": case.shop_id, "version": case.version})
    deps.publisher.publish("erp_events", [(body, order_group(case.shop_id, case.order_no),
                                           f"after_sale:{case.case_id}:r{case.revision}")])


def restock_items(case: AfterSale, order: Any) -> list[tuple[str, str, int]]:
    """(line id, ERP SKU code, quantity) of the case's returned lines, through the order lines' SKU links."""
    by_line = {line.line_id: line for line in order.lines} if order is not None else {}
    by_sku = {line.platform_sku_id: line for line in order.lines} if order is not None else {}
    items: list[tuple[str, str, int]] = []
    for x in case.lines:
        line = by_line.get(x.line_id) or by_sku.get(x.platform_sku_id)
        for link in line.links if line is not None else ():
            items.append((x.line_id, link.sku_code, x.quantity * link.quantity))
    return items
