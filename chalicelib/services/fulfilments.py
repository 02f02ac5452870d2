"""Merging orders into one parcel (合单) and undoing it: by hand, as proposals, or automatically per shop
setting in the orders consumer; a refund (or a stop on shipping) on a member splits it out again.

Writes: the fulfilment first (conditional: insert, or on its revision), then each member order's link
(conditional on the order's revision, retried on a lost race with a fresh read). A crash between leaves a
fulfilment whose members are not all linked yet: a retry of the same merge finds the same fulfilment
(its id comes from its members) and links the rest; an order names its fulfilment only once linked, so
nothing ships merged before the merge is whole."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from chalicelib.domain import fulfilments as ff
from chalicelib.domain.errors import ConflictError, InvalidTransitionError, NotFoundError
from chalicelib.domain.fulfilments import Fulfilment, FulfilmentKind, FulfilmentState, FulfilSettings, MergeMode
from chalicelib.domain.order_query import OrderQuery
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.status import OrderStatus
from chalicelib.services.fulfilment_ports import FulfilmentRepository, FulfilSettingsStore, SkuWeights, StockView
from chalicelib.services.ports import Clock, OrderRepository

log = logging.getLogger("oms.fulfilments")
HISTORY_LIMIT = 50
MAX_ATTEMPTS = 5
SETTINGS_TTL_SECONDS = 60
SIBLING_PAGE = 50


@dataclass(frozen=True)
class FulfilDeps:
    orders: OrderRepository
    fulfilments: FulfilmentRepository
    settings: FulfilSettingsStore
    clock: Clock
    stock: StockView | None = None
    weights: SkuWeights | None = None
    warehouses_of: Callable[[str], Sequence[str]] | None = None   # shop id -> its warehouses, first choice first
    # a split by stock: the order's lines reserved per part, (warehouse, line ids) each (services/stock.py)
    reserve_parts: Callable[[Order, Sequence[tuple[str, tuple[str, ...]]]], object] | None = None


@dataclass
class SettingsCache:
    """One per process: the orders consumer asks per order, the shops table is read once a minute per shop."""
    seen: dict[str, tuple[float, FulfilSettings]] = field(default_factory=dict)

    def get(self, store: FulfilSettingsStore, shop_id: str) -> FulfilSettings:
        hit = self.seen.get(shop_id)
        if hit is None or time.monotonic() - hit[0] > SETTINGS_TTL_SECONDS:
            hit = (time.monotonic(), store.get_fulfil_settings(shop_id))
            self.seen[shop_id] = hit
        return hit[1]


SETTINGS_CACHE = SettingsCache()


# ---------------------------------------------------------------- merge / unmerge
def merge(deps: FulfilDeps, order_ids: Sequence[str], actor: str, reason: str = "manual") -> Fulfilment:
    orders = [_order(deps, order_id) for order_id in dict.fromkeys(order_ids)]
    wanted = ff.merged_id(o.order_id for o in orders)
    # a retry after a crash: the members already linked to this very fulfilment still qualify
    bare = [replace(o, fulfilment_ids=()) if o.fulfilment_ids == (wanted,) else o for o in orders]
    fulfilment = ff.merged(bare, reason, actor, deps.clock.now())
    stored = _create(deps, fulfilment)
    return _link_all(deps, stored, f"merged into parcel {stored.fulfilment_id} ({reason})", actor)


def _create(deps: FulfilDeps, fulfilment: Fulfilment) -> Fulfilment:
    """Insert, or find the one a retry made, or reopen a dissolved one of the same members."""
    try:
        deps.fulfilments.add(fulfilment)
        return replace(fulfilment, revision=1)
    except ConflictError:
        existing = deps.fulfilments.get(fulfilment.fulfilment_id)
    assert existing is not None
    if existing.state is FulfilmentState.OPEN and existing.order_ids == fulfilment.order_ids:
        return existing
    if existing.state is not FulfilmentState.DISSOLVED:
        raise ConflictError(f"parcel {existing.fulfilment_id} is {existing.state.value}",
                            reason="fulfilment.changed")
    return save_fulfilment(deps, existing, replace(fulfilment, created_at=existing.created_at))


def _link_all(deps: FulfilDeps, fulfilment: Fulfilment, summary: str, actor: str) -> Fulfilment:
    linked: list[str] = []
    for order_id in fulfilment.order_ids:
        try:
            change_order(deps, order_id, lambda o: _linked(o, fulfilment, deps, summary, actor))
            linked.append(order_id)
        except (ConflictError, InvalidTransitionError) as exc:
            log.info("merge undone: a member changed", extra={"order_id": order_id, "error": str(exc)})
            _unlink_all(deps, fulfilment.fulfilment_id, linked, "merge undone: a member changed", actor)
            current = deps.fulfilments.get(fulfilment.fulfilment_id)
            if current is not None and current.changeable:
                save_fulfilment(deps, current, ff.dissolved(current, deps.clock.now()))
            raise ConflictError(f"order {order_id} changed while merging: {exc}", reason="fulfilment.changed") from exc
    return fulfilment


def _linked(order: Order, fulfilment: Fulfilment, deps: FulfilDeps, summary: str, actor: str) -> Order | None:
    if order.fulfilment_ids == (fulfilment.fulfilment_id,):
        return None
    reason, problem = ff.merge_problem(order)
    if problem or order.fulfilment_ids:
        raise InvalidTransitionError(problem or f"order {order.order_id} is in another parcel",
                                     reason=reason or "fulfilment.already_member")
    return noted(replace(order, fulfilment_ids=(fulfilment.fulfilment_id,)), deps, actor, summary)


def join(deps: FulfilDeps, fulfilment_id: str, order_id: str, actor: str, reason: str = "manual") -> Fulfilment:
    """The fulfilment gains the order first (conditional on its revision), then the order names it; a lost
    race on the order takes the order out again."""
    fulfilment = get(deps, fulfilment_id)
    order = _order(deps, order_id)
    if order_id in fulfilment.order_ids:
        return _link_all(deps, fulfilment, f"joined parcel {fulfilment_id} ({reason})", actor)
    members = [_order(deps, member) for member in fulfilment.order_ids]
    grown = save_fulfilment(deps, fulfilment, ff.joined(fulfilment, members, order, deps.clock.now()))
    try:
        change_order(deps, order_id, lambda o: _linked(o, grown, deps, f"joined parcel {fulfilment_id} ({reason})",
                                                       actor))
    except (ConflictError, InvalidTransitionError):
        current = get(deps, fulfilment_id)
        save_fulfilment(deps, current, ff.without(current, order_id, deps.clock.now()))
        raise
    return grown


def unmerge(deps: FulfilDeps, fulfilment_id: str, actor: str) -> Fulfilment:
    fulfilment = get(deps, fulfilment_id)
    if fulfilment.kind is not FulfilmentKind.MERGED:
        raise InvalidTransitionError(f"{fulfilment_id} is a split, not a merge", reason="fulfilment.not_merged")
    if fulfilment.state is FulfilmentState.DISSOLVED:
        return fulfilment
    check_not_handed_over(deps, fulfilment.order_ids)
    done = save_fulfilment(deps, fulfilment, ff.dissolved(fulfilment, deps.clock.now()))
    _unlink_all(deps, fulfilment_id, fulfilment.order_ids, f"unmerged from parcel {fulfilment_id}", actor)
    return done


def check_not_handed_over(deps: FulfilDeps, order_ids: Sequence[str]) -> None:
    """An operator changes parcels only before the hand-off: the ERP packs what it was told."""
    for order_id in order_ids:
        order = _order(deps, order_id)
        if order.erp_handoff in ff.HANDED_OVER:
            raise InvalidTransitionError(f"order {order_id} is with the ERP already ({order.erp_handoff.value}): "
                                         "the parcel stays as the ERP has it", reason="fulfilment.handed_over")


def split_out(deps: FulfilDeps, order_id: str, actor: str, why: str) -> Fulfilment | None:
    """One member leaves its merge (a refund on it, or an operator); the last one left is unmerged too."""
    order = _order(deps, order_id)
    merged = [f for f in deps.fulfilments.get_many(order.fulfilment_ids).values() if f.kind is FulfilmentKind.MERGED]
    if not merged:
        return None
    fulfilment = merged[0]
    if fulfilment.state is FulfilmentState.DISSOLVED:
        _unlink_all(deps, fulfilment.fulfilment_id, [order_id], f"left parcel {fulfilment.fulfilment_id}", actor)
        return fulfilment
    after = save_fulfilment(deps, fulfilment, ff.without(fulfilment, order_id, deps.clock.now()))
    leaving = [order_id, *(after.order_ids if after.state is FulfilmentState.DISSOLVED else ())]
    _unlink_all(deps, fulfilment.fulfilment_id, leaving, f"split out of parcel {fulfilment.fulfilment_id}: {why}",
                actor)
    return after


def _unlink_all(deps: FulfilDeps, fulfilment_id: str, order_ids: Sequence[str], summary: str, actor: str) -> None:
    def unlinked(order: Order) -> Order | None:
        if fulfilment_id not in order.fulfilment_ids:
            return None
        kept = tuple(f for f in order.fulfilment_ids if f != fulfilment_id)
        return noted(replace(order, fulfilment_ids=kept), deps, actor, summary)
    for order_id in order_ids:
        change_order(deps, order_id, unlinked)


# ---------------------------------------------------------------- merge candidates
def siblings(deps: FulfilDeps, order: Order) -> list[Order]:
    """Open orders of the shop shown under the same masked receiver name (as the review gate finds them)."""
    if order.receiver is None:
        return []
    page = deps.orders.query(OrderQuery(shop_id=order.shop_id, status=OrderStatus.AWAITING_SHIPMENT,
                                        text=order.receiver.name_masked or None, limit=SIBLING_PAGE))
    return [o for o in page.items if o.order_id != order.order_id]


def proposals(deps: FulfilDeps, shop_id: str, limit: int = 200) -> list[tuple[Order, ...]]:
    """The shop's merge candidates among its latest orders awaiting shipment (a bounded read)."""
    seen: list[Order] = []
    cursor: str | None = None
    while len(seen) < limit:
        page = deps.orders.query(OrderQuery(shop_id=shop_id, status=OrderStatus.AWAITING_SHIPMENT, limit=50,
                                            cursor=cursor))
        seen.extend(page.items)
        cursor = page.cursor
        if not cursor:
            break
    return ff.proposals(seen)


def save_settings(store: FulfilSettingsStore, shop_id: str, merge_mode: str, weight_limit_g: int, revision: int,
                  auto_split: str = "") -> FulfilSettings:
    settings = FulfilSettings(MergeMode(merge_mode), weight_limit_g, auto_split).validated()
    try:
        store.save_fulfil_settings(shop_id, settings, revision)
    except ConflictError:
        raise ConflictError("the settings changed meanwhile: reload them", reason="fulfilment.changed") from None
    SETTINGS_CACHE.seen.pop(shop_id, None)
    return replace(settings, revision=revision + 1)


# ---------------------------------------------------------------- shared
def get(deps: FulfilDeps, fulfilment_id: str) -> Fulfilment:
    fulfilment = deps.fulfilments.get(fulfilment_id)
    if fulfilment is None:
        raise NotFoundError(f"no parcel {fulfilment_id}", reason="fulfilment.not_found")
    return fulfilment


def _order(deps: FulfilDeps, order_id: str) -> Order:
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    return order


def save_fulfilment(deps: FulfilDeps, current: Fulfilment, changed: Fulfilment) -> Fulfilment:
    try:
        deps.fulfilments.save(changed, current.revision)
    except ConflictError:
        raise ConflictError(f"parcel {current.fulfilment_id} changed meanwhile: look again",
                            reason="fulfilment.changed") from None
    return replace(changed, revision=current.revision + 1)


def change_order(deps: FulfilDeps, order_id: str, change: Callable[[Order], Order | None]) -> Order:
    """`change` returns None when the order is as wanted already; a lost race reads again and retries."""
    for _ in range(MAX_ATTEMPTS):
        order = _order(deps, order_id)
        changed = change(order)
        if changed is None:
            return order
        try:
            deps.orders.save(changed, order.revision)
            return replace(changed, revision=order.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"order {order_id} kept changing", reason="fulfilment.changed")


def noted(order: Order, deps: FulfilDeps, actor: str, summary: str) -> Order:
    now = deps.clock.now()
    return replace(order, updated_at=now,
                   history=(*order.history, OrderChange(now, actor, summary))[-HISTORY_LIMIT:])

