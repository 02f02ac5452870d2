"""Which waybill account takes a parcel (快递策略 at waybill time): a batch's explicit account, else the
operator's override on the order's plan, else the plan's account (its fallback when the planned account has
no waybill balance left), else the shop's default. The choice and its reason go on the waybill; a fallback
or an override is also written into the order's history. An override is refused once a waybill is taken."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from chalicelib.domain.fulfil_plan import Plan, fallback_needed
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.waybills import ShopWaybillAccount
from chalicelib.services.fulfilment import plannable
from chalicelib.services.ports import Clock, OrderRepository
from chalicelib.services.waybill_accounts import account_for
from chalicelib.services.waybill_ports import WaybillDeps

MAX_ATTEMPTS = 5


def choose_account(deps: WaybillDeps, order: Order, batch_account_id: str) -> tuple[ShopWaybillAccount, str]:
    """(account, why)."""
    if batch_account_id:
        return account_for(deps, order.shop_id, batch_account_id), "chosen for the batch"
    plan = order.plan or Plan()
    if plan.override_account_id:
        return account_for(deps, order.shop_id, plan.override_account_id), "the operator's choice"
    if plan.account_id:
        planned = deps.accounts.get(order.shop_id, plan.account_id)
        if planned is not None and not fallback_needed(planned.remaining):
            return planned, f"carrier rule {plan.carrier_rule}"
        fallback = deps.accounts.get(order.shop_id, plan.fallback_account_id) if plan.fallback_account_id else None
        if fallback is not None and not fallback_needed(fallback.remaining):
            why = f"fallback of carrier rule {plan.carrier_rule}: account {plan.account_id} has no waybill balance"
            return fallback, why
        if planned is not None:
            return planned, f"carrier rule {plan.carrier_rule} (no balance, no usable fallback)"
    return account_for(deps, order.shop_id, ""), "the shop's default account"


def fallback_after_refusal(deps: WaybillDeps, order: Order, batch_account_id: str, tried: ShopWaybillAccount,
                           refusal: str) -> tuple[ShopWaybillAccount, str] | None:
    """The plan's fallback when the platform refused the planned account (its balance ran out since the
    accounts were last pulled, say); None when the account was not the plan's choice or there is none."""
    plan = order.plan or Plan()
    if batch_account_id or plan.override_account_id or tried.account_id != plan.account_id:
        return None
    fallback = deps.accounts.get(order.shop_id, plan.fallback_account_id) if plan.fallback_account_id else None
    if fallback is None or fallback_needed(fallback.remaining):
        return None
    return fallback, (f"fallback of carrier rule {plan.carrier_rule}: the platform refused account "
                      f"{tried.account_id} ({refusal[:120]})")


def note(orders: OrderRepository, clock: Clock, order_id: str, actor: str, text: str) -> None:
    """A decision into the order's history (its revision guards the write; a lost race reads again)."""
    for _ in range(MAX_ATTEMPTS):
        order = orders.get(order_id)
        if order is None:
            return
        changed = replace(order, history=(*order.history, OrderChange(clock.now(), actor, text[:500]))[-50:],
                          updated_at=clock.now())
        try:
            orders.save(changed, order.revision)
            return
        except ConflictError:
            continue


def override_account(deps: WaybillDeps, order_id: str, account_id: str, actor: str,
                     expected_revision: int | None = None) -> Order:
    """An operator's account for one order, kept over re-planning until the waybill is taken ("" clears it)."""
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    if expected_revision is not None and order.revision != expected_revision:
        raise ConflictError(f"order {order_id} changed since it was shown: look again", reason="fulfil.changed")
    if any(w.active for w in deps.waybills.for_order(order_id)) or not plannable(order):
        raise InvalidTransitionError(f"order {order_id} has its waybill or is handed over: too late to choose",
                                     reason="fulfil.too_late")
    if account_id and deps.accounts.get(order.shop_id, account_id) is None:
        raise ValidationError(f"shop {order.shop_id} has no waybill account {account_id}", field="account_id",
                              reason="waybill.account_unknown")
    now = deps.clock.now()
    plan = replace(order.plan or Plan(), override_account_id=account_id)
    text = f"waybill account overridden: {account_id}" if account_id else "waybill account override cleared"
    changed = replace(order, plan=plan, updated_at=now,
                      history=(*order.history, OrderChange(now, actor, text))[-50:])
    try:
        deps.orders.save(changed, order.revision)
    except ConflictError:
        raise ConflictError(f"order {order_id} changed meanwhile: look again", reason="fulfil.changed") from None
    return replace(changed, revision=order.revision + 1)
