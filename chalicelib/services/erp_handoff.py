"""Handing orders and after-sale cases to the ERP: take (READY -> TAKEN), acknowledge with the ERP's own
id (-> ACKNOWLEDGED, idempotent), and the ERP's answers on cases. Every change is a revision-conditional
save; a lost race re-reads and decides again."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.shipping import Shipment
from chalicelib.domain.status import REVIEWED, ErpHandoff, OrderStatus
from chalicelib.services.erp_ports import CaseResult, HandoffQueue, ShipmentRepository, StreamRepository
from chalicelib.services.erp_scope import EVERY_SHOP, covers, gather, visible
from chalicelib.services.ports import AfterSaleRepository, Clock, OrderRepository, Page

MAX_ATTEMPTS = 5
HISTORY_LIMIT = 50
T = TypeVar("T")
KEEP = "keep"      # a change() answer: nothing to write, the current record is the answer
SKIP = "skip"      # a change() answer: nothing to write, no answer


def take_orders(queue: HandoffQueue, orders: OrderRepository, clock: Clock, actor: str, limit: int,
                cursor: str | None, shop_ids: frozenset[str] = EVERY_SHOP) -> Page[Order]:
    """Orders ready for the warehouse (awaiting shipment, no holds), each marked taken, in their newest
    state. An order that changed meanwhile and is no longer ready is left out. A client scoped to some
    shops reads past the others' orders without touching them: they stay ready for whoever covers them."""
    page = gather(lambda n, c: queue.erp_ready_orders(n, c, shop_ids), limit, cursor)
    taken = [order for order in (_take_order(orders, clock, o.order_id, actor, shop_ids) for o in page.items)
             if order]
    return Page(taken, page.cursor)


def _take_order(orders: OrderRepository, clock: Clock, order_id: str, actor: str,
                shop_ids: frozenset[str]) -> Order | None:
    def change(order: Order) -> Order | str:
        ready = order.erp_handoff is ErpHandoff.READY and order.status is OrderStatus.AWAITING_SHIPMENT
        if not ready or order.holds or order.review not in REVIEWED or not covers(shop_ids, order.shop_id):
            return SKIP
        return _noted(replace(order, erp_handoff=ErpHandoff.TAKEN), clock, actor, "taken by the ERP")
    return _update_order(orders, order_id, change)


def acknowledge(orders: OrderRepository, clock: Clock, actor: str, order_id: str, erp_order_id: str,
                shop_ids: frozenset[str] = EVERY_SHOP) -> Order:
    def change(order: Order) -> Order | str:
        visible(order, shop_ids, f"no order {order_id}")
        if order.erp_handoff is ErpHandoff.ACKNOWLEDGED:
            if order.erp_order_id == erp_order_id:
                return KEEP                  # a repeated acknowledgement: nothing to change
            raise ConflictError(f"order {order_id} is already acknowledged as {order.erp_order_id}")
        if order.erp_handoff not in (ErpHandoff.READY, ErpHandoff.TAKEN):
            raise InvalidTransitionError(f"order {order_id} is {order.erp_handoff.value}: not handed to the ERP")
        acked = replace(order, erp_handoff=ErpHandoff.ACKNOWLEDGED, erp_order_id=erp_order_id)
        return _noted(acked, clock, actor, f"acknowledged by the ERP as {erp_order_id}")

    result = _retrying(lambda: orders.get(order_id), change, orders.save)
    if result is None:
        raise NotFoundError(f"no order {order_id}")
    return result


def get_order(orders: OrderRepository, order_id: str, shop_ids: frozenset[str] = EVERY_SHOP) -> Order:
    return visible(orders.get(order_id), shop_ids, f"no order {order_id}")


def take_cases(queue: HandoffQueue, cases: AfterSaleRepository, limit: int, cursor: str | None,
               shop_ids: frozenset[str] = EVERY_SHOP) -> Page[AfterSale]:
    page = gather(lambda n, c: queue.erp_ready_cases(n, c, shop_ids), limit, cursor)
    taken = [case for case in (_take_case(cases, c.case_id, shop_ids) for c in page.items) if case]
    return Page(taken, page.cursor)


def _take_case(cases: AfterSaleRepository, case_id: str, shop_ids: frozenset[str]) -> AfterSale | None:
    def change(case: AfterSale) -> AfterSale | str:
        if case.erp_handoff is not ErpHandoff.READY or not covers(shop_ids, case.shop_id):
            return SKIP
        return replace(case, erp_handoff=ErpHandoff.TAKEN)
    return _retrying(lambda: cases.get(case_id), change, cases.save)


def get_case(cases: AfterSaleRepository, case_id: str, shop_ids: frozenset[str] = EVERY_SHOP) -> AfterSale:
    return visible(cases.get(case_id), shop_ids, f"no after-sale case {case_id}")


def get_shipment(shipments: ShipmentRepository, shipment_id: str, shop_ids: frozenset[str] = EVERY_SHOP
                 ) -> Shipment:
    return visible(shipments.get(shipment_id), shop_ids, f"no shipment {shipment_id}")


def post_case_result(streams: StreamRepository, cases: AfterSaleRepository, clock: Clock, actor: str,
                     case_id: str, action: str, outcome: str, note: str = "", erp_ref: str = "",
                     shop_ids: frozenset[str] = EVERY_SHOP) -> CaseResult:
    """Records the ERP's answer (for now: interception). The same answer again is a success; another
    answer to an answered case is a conflict. What the OMS then does with it is the after-sales work."""
    get_case(cases, case_id, shop_ids)
    existing = streams.get_result(case_id)
    if existing is None:
        result = CaseResult(case_id=case_id, action=action, outcome=outcome, recorded_at=clock.now(),
                            recorded_by=actor, note=note, erp_ref=erp_ref)
        try:
            streams.add_result(result)
            existing = result
        except ConflictError:
            existing = streams.get_result(case_id)
    assert existing is not None
    if (existing.action, existing.outcome) != (action, outcome):
        raise ConflictError(f"case {case_id} already has the answer {existing.action}: {existing.outcome}")
    _acknowledge_case(cases, case_id)
    return existing


def _acknowledge_case(cases: AfterSaleRepository, case_id: str) -> None:
    def change(case: AfterSale) -> AfterSale | str:
        if case.erp_handoff in (ErpHandoff.READY, ErpHandoff.TAKEN):
            return replace(case, erp_handoff=ErpHandoff.ACKNOWLEDGED)
        return SKIP
    _retrying(lambda: cases.get(case_id), change, cases.save)


def _update_order(orders: OrderRepository, order_id: str, change: Callable[[Order], Order | str]) -> Order | None:
    return _retrying(lambda: orders.get(order_id), change, orders.save)


def _retrying(load: Callable[[], T | None], change: Callable[[T], T | str], save: Callable[[T, int], None]
              ) -> T | None:
    """load -> change -> conditional save; a lost race loads and decides again."""
    for _ in range(MAX_ATTEMPTS):
        current = load()
        if current is None:
            return None
        changed = change(current)
        if changed == KEEP:
            return current
        if changed == SKIP:
            return None
        assert not isinstance(changed, str)
        revision: int = current.revision  # type: ignore[attr-defined]
        try:
            save(changed, revision)
        except ConflictError:
            continue
        return replace(changed, revision=revision + 1)  # type: ignore[type-var]
    raise ConflictError("the record kept changing: try again")


def _noted(order: Order, clock: Clock, actor: str, summary: str) -> Order:
    now = clock.now()
    return replace(order, updated_at=now,
                   history=(*order.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])
