"""E-waybills: numbers for a batch of orders (one parcel each, or
merged per buyer where the platform allows it), cancel, print status, and shipping printed parcels
through services/shipments (the ship-back goes through the platform-actions queue).

A batch never stops at one bad order: every order gets its own result."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from chalicelib.domain import waybills as wb
from chalicelib.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.shops import Shop
from chalicelib.domain.waybills import ShopWaybillAccount, Waybill, WaybillStatus
from chalicelib.services import waybill_manual as manual
from chalicelib.services import waybill_marks as marks
from chalicelib.services import waybill_parcels as parcels
from chalicelib.services.carrier_choice import choose_account, fallback_after_refusal, note
from chalicelib.services.carriers import our_carrier
from chalicelib.services.platform_errors import BadRequestError, PlatformError
from chalicelib.services.platform_errors import NotFoundError as PlatformNotFound
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import Address, CanonicalReceiver, WaybillAccount, WaybillRequest, WaybillResult
from chalicelib.services.ports import Page
from chalicelib.services.shipments import record_shipment
from chalicelib.services.waybill_accounts import get_shop
from chalicelib.services.waybill_parcels import Items
from chalicelib.services.waybill_ports import (
    MAX_BATCH,
    Outcome,
    WaybillDeps,
    WaybillQuery,
)

log = logging.getLogger("oms.waybills")


@dataclass
class _Clients:
    deps: WaybillDeps
    cache: dict[str, PlatformClient] = field(default_factory=dict)

    def __call__(self, shop: Shop) -> PlatformClient:
        if shop.shop_id not in self.cache:
            self.cache[shop.shop_id] = self.deps.clients(shop)
        return self.cache[shop.shop_id]


def issue(deps: WaybillDeps, order_ids: Sequence[str], *, account_id: str = "", merge: bool = False,
          account_shop_id: str = "") -> list[Outcome]:
    """One outcome per requested order, in request order. An order in fulfilments (merged or split) gets
    its parcels' waybills (services/waybill_parcels.py). A manual order takes its waybill from the account of
    `account_shop_id` (services/waybill_manual.py)."""
    if not 1 <= len(order_ids) <= MAX_BATCH:
        raise ValidationError(f"order_ids must hold 1..{MAX_BATCH} ids", field="order_ids")
    unique = list(dict.fromkeys(order_ids))
    results: dict[str, Outcome] = {}
    todo: list[Order] = []
    parcelled: list[Order] = []
    for order_id in unique:
        try:
            order, existing = _check_order(deps, order_id)
        except DomainError as exc:
            results[order_id] = _failure(order_id, exc)
            continue
        if existing is not None:
            results[order_id] = _recorded(deps, order_id, existing)
        elif order.fulfilment_ids:
            parcelled.append(order)
        else:
            todo.append(order)
    clients = _Clients(deps)
    for parcel in wb.parcels(todo, merge):
        results.update(_issue_parcel(deps, clients, parcel, account_id, account_shop_id))
    results.update(_issue_parcelled(deps, clients, parcelled, account_id))
    return [results[order_id] for order_id in order_ids]


def issue_parcels(deps: WaybillDeps, fulfilment_ids: Sequence[str], account_id: str = "") -> list[Outcome]:
    """One waybill per fulfilment (merged parcel or split part); one outcome per id, keyed by it."""
    if not 1 <= len(fulfilment_ids) <= MAX_BATCH:
        raise ValidationError(f"fulfilment_ids must hold 1..{MAX_BATCH} ids", field="fulfilment_ids")
    take = _taker(deps, _Clients(deps))
    return [parcels.issue_for(deps, fid, account_id, take) for fid in dict.fromkeys(fulfilment_ids)]


def _issue_parcelled(deps: WaybillDeps, clients: _Clients, orders: list[Order], account_id: str
                     ) -> dict[str, Outcome]:
    take = _taker(deps, clients)
    done: dict[str, Outcome] = {}
    results: dict[str, Outcome] = {}
    for order in orders:
        for fid in order.fulfilment_ids:
            if fid not in done:
                done[fid] = parcels.issue_for(deps, fid, account_id, take)
        mine = [done[fid] for fid in order.fulfilment_ids]
        first = next((o for o in mine if not o.ok), None) or mine[0]
        results[order.order_id] = replace(first, key=order.order_id)
    return results


def _recorded(deps: WaybillDeps, order_id: str, existing: Waybill) -> Outcome:
    """An order asked again answers its waybill, recording it on the order if a first write lost."""
    try:
        marks.taken(deps.orders, existing)
    except DomainError as exc:
        return _failure(order_id, exc)
    return Outcome(order_id, existing)


def _taker(deps: WaybillDeps, clients: _Clients) -> parcels.Take:
    def take(parcel: tuple[Order, ...], items: Items, account_id: str, fulfilment_id: str, parcel_key: str
             ) -> Waybill:
        return _take(deps, clients, parcel, account_id, items, fulfilment_id, parcel_key)
    return take


def _check_order(deps: WaybillDeps, order_id: str) -> tuple[Order, Waybill | None]:
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    if order.fulfilment_ids and deps.fulfilments is not None:
        return order, None                       # its parcels say which waybills it has
    active = [w for w in deps.waybills.for_order(order_id) if w.active]
    if active:
        return order, active[0]
    wb.check_shippable(order)
    return order, None


def _issue_parcel(deps: WaybillDeps, clients: _Clients, parcel: tuple[Order, ...], account_id: str,
                  account_shop_id: str) -> dict[str, Outcome]:
    try:
        waybill = _take(deps, clients, parcel, account_id, None, account_shop_id=account_shop_id)
    except (DomainError, PlatformError) as exc:
        return {o.order_id: _failure(o.order_id, exc) for o in parcel}
    except Exception as exc:                       # one parcel's surprise must not stop the batch
        log.exception("waybill issue failed", extra={"order_ids": [o.order_id for o in parcel]})
        return {o.order_id: Outcome(o.order_id, error=exc) for o in parcel}
    return {o.order_id: Outcome(o.order_id, waybill) for o in parcel}


def _take(deps: WaybillDeps, clients: _Clients, parcel: tuple[Order, ...], account_id: str, items: Items | None,
          fulfilment_id: str = "", parcel_key: str = "", account_shop_id: str = "") -> Waybill:
    """Asks the platform for a number for the parcel on the planned account (its fallback when the platform
    refuses it) and stores the waybill. items: what it lists (None: every open unit of its orders)."""
    first = parcel[0]
    if manual.is_manual(first):
        account, why = manual.manual_account(deps, account_shop_id, account_id)
    else:
        account, why = choose_account(deps, first, account_id)
    client = clients(get_shop(deps, account.shop_id))
    try:
        result, template = _get_waybill(deps, client, parcel, account, items, parcel_key)
    except BadRequestError as exc:       # e.g. no balance left since the accounts were last pulled
        fallback = fallback_after_refusal(deps, first, account_id, account, str(exc))
        if fallback is None:
            raise
        account, why = fallback
        result, template = _get_waybill(deps, client, parcel, account, items, parcel_key)
    waybill = _store(deps, replace(_waybill(deps, parcel, account, result, template), account_reason=why,
                                   fulfilment_id=fulfilment_id))
    marks.taken(deps.orders, waybill)
    if why.startswith("fallback"):
        for order in parcel:
            note(deps.orders, deps.clock, order.order_id, "system:fulfilment", f"waybill account "
                 f"{account.account_id}: {why}")
    return waybill


def _get_waybill(deps: WaybillDeps, client: PlatformClient, parcel: tuple[Order, ...], account: ShopWaybillAccount,
                 items: Items | None, parcel_key: str) -> tuple[WaybillResult, str]:
    template = standard_template(deps, account.platform).format(code=account.carrier_code)
    request = replace(_request(parcel, account, template, items), parcel_id=parcel_key)
    if manual.is_manual(parcel[0]):
        channel, plaintext = manual.other_channel(deps, parcel[0], account)
        request = replace(request, channel=channel, plaintext=plaintext)
    return client.get_waybill(request), template


def _request(parcel: tuple[Order, ...], account: ShopWaybillAccount, template: str, items: Items | None
             ) -> WaybillRequest:
    receiver = parcel[0].receiver
    assert receiver is not None
    if items is None:
        items = tuple((line.title, line.quantity - line.shipped_quantity) for order in parcel
                      for line in order.lines if line.quantity > line.shipped_quantity)
    return WaybillRequest(
        account=platform_account(account), order_nos=tuple(o.order_no for o in parcel), items=items,
        receiver=CanonicalReceiver(receiver.name_masked, receiver.phone_masked, receiver.province, receiver.city,
                                   receiver.district, receiver.address_masked, receiver.town,
                                   ciphertext=dict(receiver.platform_ciphertext)),
        template_url=template, sender_name=account.sender.name, sender_phone=account.sender.phone)


def platform_account(account: ShopWaybillAccount) -> WaybillAccount:
    s = account.sender
    return WaybillAccount(account.account_id, account.carrier_code, account.carrier_name, account.branch_code,
                          account.branch_name, account.remaining, Address(s.province, s.city, s.district, s.detail,
                                                                          s.town),
                          sender_name=s.name, sender_phone=s.phone, raw=dict(account.raw))


def _waybill(deps: WaybillDeps, parcel: tuple[Order, ...], account: ShopWaybillAccount, result: WaybillResult,
             template: str) -> Waybill:
    carrier = result.carrier_code or account.carrier_code
    print_data = result.print_data if isinstance(result.print_data, str) else dict(result.print_data)
    return Waybill(
        waybill_id=wb.waybill_id_for(account.shop_id, carrier, result.waybill_no), shop_id=account.shop_id,
        platform=account.platform, order_ids=tuple(o.order_id for o in parcel),
        order_nos=tuple(o.order_no for o in parcel), account_id=account.account_id, carrier_code=carrier,
        carrier_name=account.carrier_name, waybill_no=result.waybill_no, status=WaybillStatus.ISSUED,
        issued_at=deps.clock.now(), print_data=print_data, template_url=template,
        platform_waybill_id=result.platform_waybill_id)


def _store(deps: WaybillDeps, waybill: Waybill) -> Waybill:
    """A platform that returned a number it gave before (a retry) finds the record made then."""
    try:
        deps.waybills.add(waybill)
        return replace(waybill, revision=1)
    except ConflictError:
        existing = deps.waybills.get(waybill.waybill_id)
        assert existing is not None
        return existing


def _failure(key: str, exc: Exception) -> Outcome:
    return Outcome(key, error=exc)


# ---------------------------------------------------------------- one waybill at a time
def get_waybill(deps: WaybillDeps, waybill_id: str) -> Waybill:
    waybill = deps.waybills.get(waybill_id)
    if waybill is None:
        raise NotFoundError(f"no waybill {waybill_id}")
    return waybill


def cancel(deps: WaybillDeps, waybill_id: str) -> Waybill:
    waybill = get_waybill(deps, waybill_id)
    if waybill.status is WaybillStatus.CANCELLED:
        return waybill
    cancelled = wb.cancelled(waybill, deps.clock.now())     # refuses a shipped one before the platform call
    try:
        deps.clients(get_shop(deps, waybill.shop_id)).cancel_waybill(waybill.carrier_code, waybill.waybill_no)
    except PlatformNotFound:
        log.info("the platform no longer knows the waybill: cancelled already", extra={"waybill_id": waybill_id})
    saved = _save(deps, waybill, cancelled)
    marks.cancelled(deps.orders, saved)
    parcels.after_cancel(deps, saved)
    return saved


def _save(deps: WaybillDeps, current: Waybill, changed: Waybill) -> Waybill:
    deps.waybills.save(changed, current.revision)
    return replace(changed, revision=current.revision + 1)


def _each(deps: WaybillDeps, waybill_ids: Iterable[str], step: Callable[[Waybill], Waybill]) -> list[Outcome]:
    outcomes = []
    for waybill_id in waybill_ids:
        try:
            outcomes.append(Outcome(waybill_id, step(get_waybill(deps, waybill_id))))
        except (DomainError, PlatformError) as exc:
            outcomes.append(_failure(waybill_id, exc))
    return outcomes


def mark_printed(deps: WaybillDeps, waybill_ids: Sequence[str]) -> list[Outcome]:
    return _each(deps, waybill_ids, lambda w: _save(deps, w, wb.printed(w, deps.clock.now())))


def ship(deps: WaybillDeps, waybill_ids: Sequence[str], actor: str) -> list[Outcome]:
    """Each printed waybill's orders get a shipment (its ship-back queued); then the waybill is shipped.
    A repeat finds the same shipments (their ids are deterministic) and a shipped waybill as it is."""
    return _each(deps, waybill_ids, lambda w: _ship_one(deps, w, actor))


def _ship_one(deps: WaybillDeps, waybill: Waybill, actor: str) -> Waybill:
    if waybill.status is WaybillStatus.SHIPPED:
        return waybill
    wb.shipped(waybill, (), deps.clock.now())          # refuses early: only a printed waybill ships
    assert deps.shipments is not None
    carrier = our_carrier(deps.platforms, waybill.platform, waybill.carrier_code)
    ids = [record_shipment(deps.shipments, order_id=order_id, carrier_code=carrier, tracking_no=waybill.waybill_no,
                           lines=lines, source=f"waybill:{actor}")[0].shipment_id
           for order_id, lines in parcels.lines_to_ship(deps, waybill)]
    saved = _save(deps, waybill, wb.shipped(waybill, ids, deps.clock.now()))
    parcels.after_ship(deps, saved)
    return saved


def standard_template(deps: WaybillDeps, platform: str) -> str:
    """Where the platform's print data carries no standard template and its client needs one passed."""
    spec = deps.platforms.spec_of(platform)
    return spec.standard_template if spec else ""


# ---------------------------------------------------------------- queries
def list_waybills(deps: WaybillDeps, *, order_id: str = "", shop_id: str = "", status: str = "",
                  limit: int = 50, cursor: str | None = None) -> Page[Waybill]:
    state = _status(status)
    if order_id:
        found = [w for w in deps.waybills.for_order(order_id)
                 if (not shop_id or w.shop_id == shop_id) and (state is None or w.status is state)]
        return Page(found, None)
    if not shop_id and state is None:
        raise ValidationError("name a shop_id, a status or an order_id", field="shop_id")
    return deps.waybills.query(WaybillQuery(shop_id=shop_id, status=state, limit=limit, cursor=cursor))


def _status(value: str) -> WaybillStatus | None:
    if not value:
        return None
    try:
        return WaybillStatus(value)
    except ValueError:
        raise ValidationError(f"status must be one of {', '.join(s.value for s in WaybillStatus)}",
                              field="status") from None


def waybills_of(deps: WaybillDeps, waybill_ids: Sequence[str]) -> list[Waybill]:
    return [get_waybill(deps, waybill_id) for waybill_id in dict.fromkeys(waybill_ids)]
