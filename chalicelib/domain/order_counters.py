"""Counters folded from orders: what one version of an order contributes, and the change from one version
to the next. They are kept by the report aggregates' consumer (services/report_fold.py), as more entries
of each order's folded contribution (`aggregates`): the consumer replaces an order's previous contribution
by its latest, so a counter is always the sum of the stored orders' contributions, whatever the delivery
order or the duplicates, and the workbench's counts and the reports' figures are one mechanism (#21, #26).
The order write itself is a plain conditional put; counts follow within the consumer's batching window.

A contribution maps (scope, name) to an amount. The workbench counts use two scopes per shop: its totals,
and its orders created on one Asia/Shanghai day (quick ranges and date filters on order time sum days).
As report aggregates (domain/report_aggregates.py) a shop's totals are ("wb", shop) and a shop's day is
("<day>#w", shop): a rebuild of a date range recomputes the day items as it does the other day aggregates.

Names are two or three characters on purpose: a counter item is rewritten on every change it counts, and
DynamoDB bills each write per started KB of the item, so ~130 counters must fit in one KB."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.domain.order_query import SHANGHAI, Bucket, DateField, OrderQuery, shanghai_day, workbench_bucket
from chalicelib.domain.orders import Order
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus

CounterKey = tuple[str, str]            # (scope, name)
Contribution = Mapping[CounterKey, int]

ALL = "a"
BUCKET_CODES = {Bucket.PENDING_REVIEW: "r", Bucket.TO_SHIP: "t", Bucket.SHIPPED: "s", Bucket.COMPLETED: "c",
                Bucket.CANCELLED: "x", Bucket.EXCEPTION: "e", Bucket.UNPAID: "u"}
# only the statuses a bucket does not already name one to one
STATUS_CODES = {OrderStatus.PENDING_PAYMENT: "u", OrderStatus.AWAITING_SHIPMENT: "A",
                OrderStatus.PARTIALLY_SHIPPED: "P", OrderStatus.SHIPPED: "s", OrderStatus.COMPLETED: "c",
                OrderStatus.CANCELLED: "x"}
HOLD_CODES = {HoldReason.UNLINKED_SKU: "h1", HoldReason.REFUND_REQUESTED: "h2", HoldReason.OUT_OF_STOCK: "h3",
              HoldReason.ADDRESS_ISSUE: "h4", HoldReason.BUYER_MESSAGE: "h5", HoldReason.MANUAL_HOLD: "h6",
              HoldReason.RULE_HOLD: "h7", HoldReason.BLACKLISTED: "h8", HoldReason.MERGE_CANDIDATE: "h9",
              HoldReason.PRICE_ANOMALY: "h10", HoldReason.PRESALE_WAITING: "h11"}
HELD = "H"
HANDOFF_CODES = {ErpHandoff.NOT_READY: "n", ErpHandoff.READY: "R", ErpHandoff.TAKEN: "T",
                 ErpHandoff.ACKNOWLEDGED: "K", ErpHandoff.WITHDRAWN: "W"}
TABS = (Bucket.PENDING_REVIEW, Bucket.TO_SHIP, Bucket.SHIPPED, Bucket.COMPLETED, Bucket.CANCELLED,
        Bucket.EXCEPTION)
MAX_DAYS = 92                           # a date filter counters serve: a quarter of day items per shop


def shop_scope(shop_id: str) -> str:
    return f"shop#{shop_id}"


def day_scope(shop_id: str, day: str) -> str:
    return f"shop#{shop_id}#created#{day}"


WORKBENCH = "wb"                        # the aggregates' partition of the shops' totals
DAY_DIMENSION = "w"                     # the day aggregates' dimension of the shops' creation days
_CREATED = "#created#"


def aggregate_key(scope: str) -> tuple[str, str]:
    """Where a scope's counters are kept among the report aggregates: (partition, member)."""
    shop = scope.removeprefix("shop#")
    if _CREATED in shop:
        shop_id, day = shop.split(_CREATED, 1)
        return f"{day}#{DAY_DIMENSION}", shop_id
    return WORKBENCH, shop


def scope_of(key: tuple[str, str]) -> str | None:
    """The scope an aggregate key keeps, None for the reports' own aggregates."""
    partition, member = key
    if partition == WORKBENCH:
        return shop_scope(member)
    if partition.endswith(f"#{DAY_DIMENSION}"):
        return day_scope(member, partition.removesuffix(f"#{DAY_DIMENSION}"))
    return None


def aggregates(order: Order) -> dict[tuple[str, str], dict[str, int]]:
    """The order's counters as report aggregates: (partition, member) -> name -> amount."""
    return {aggregate_key(scope): dict(names) for scope, names in by_scope(contribution(order)).items()}


def _rows(order: Order) -> list[str]:
    """The first half of a name: every order, its tab, and its status where the tab does not say it."""
    rows = [ALL, BUCKET_CODES[workbench_bucket(order)]]
    status = STATUS_CODES[order.status]
    if status not in rows:
        rows.append(status)
    return rows


def _facets(order: Order) -> list[str]:
    """The second half: none, each hold reason, held at all, the ERP hand-off state."""
    facets = ["", HANDOFF_CODES[order.erp_handoff]]
    if order.holds:
        facets += [HELD, *(HOLD_CODES[h] for h in order.holds)]
    return facets


def contribution(order: Order) -> dict[CounterKey, int]:
    names = [row + facet for row in _rows(order) for facet in _facets(order)]
    scopes = (shop_scope(order.shop_id), day_scope(order.shop_id, shanghai_day(order.created_at)))
    return {(scope, name): 1 for scope in scopes for name in names}


def delta(old: Contribution, new: Contribution) -> dict[CounterKey, int]:
    """What to add to the counters when `old` is replaced by `new` (zeros left out)."""
    out = {key: new.get(key, 0) - old.get(key, 0) for key in {*old, *new}}
    return {key: n for key, n in out.items() if n}


def by_scope(changes: Contribution) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (scope, name), n in changes.items():
        out.setdefault(scope, {})[name] = n
    return out


@dataclass(frozen=True)
class CountPlan:
    """Which counter items answer a query, and which name suffix within them."""
    day_scoped: bool
    days: tuple[str, ...]
    facet: str

    def scopes(self, shop_ids: Iterable[str]) -> list[str]:
        if self.day_scoped:
            return [day_scope(s, d) for s in shop_ids for d in self.days]
        return [shop_scope(s) for s in shop_ids]


def plan(q: OrderQuery) -> CountPlan | None:
    """None when no counter serves the query (buyer text, SKU, numbers, other dates, two facets)."""
    if q.text or q.sku or q.order_no or q.tracking_no:
        return None
    if q.print_state is not None:        # 待打单 / 已打单 are lists, not counters (#21: served by by_print)
        return None
    facets = [f for f in (HOLD_CODES[q.hold] if q.hold else "", HELD if q.held_only and not q.hold else "",
                          HANDOFF_CODES[ErpHandoff(q.erp_handoff)] if q.erp_handoff else "") if f]
    if len(facets) > 1:
        return None
    facet = facets[0] if facets else ""
    if not q.dated:
        return CountPlan(False, (), facet)
    days = _whole_days(q)
    return CountPlan(True, days, facet) if days is not None else None


def _whole_days(q: OrderQuery) -> tuple[str, ...] | None:
    if q.date_field is not DateField.CREATED or q.date_from is None or q.date_to is None:
        return None
    start, end = q.date_from.astimezone(SHANGHAI), q.date_to.astimezone(SHANGHAI)
    if start.time() != end.time() or start.time().isoformat() != "00:00:00":
        return None
    n = (end.date() - start.date()).days
    if n <= 0 or n > MAX_DAYS:
        return None
    return tuple((start.date() + timedelta(days=i)).isoformat() for i in range(n))


def tab_counts(totals: Mapping[str, int], facet: str) -> dict[str, int]:
    """The workbench tabs from summed counter names."""
    counts = {tab.value: int(totals.get(BUCKET_CODES[tab] + facet, 0)) for tab in TABS}
    counts["unpaid"] = int(totals.get(BUCKET_CODES[Bucket.UNPAID] + facet, 0))
    counts["all"] = int(totals.get(ALL + facet, 0))
    return counts


def total(totals: Mapping[str, int], q: OrderQuery, facet: str) -> int:
    """The number of orders matching a served query, status or tab included."""
    if q.bucket is not None:
        row = BUCKET_CODES[q.bucket]
    elif q.status is not None:
        row = STATUS_CODES[q.status]
    else:
        row = ALL
    return int(totals.get(row + facet, 0))


def open_holds(totals: Mapping[str, int]) -> tuple[int, dict[str, int]]:
    """Held orders still to ship or to pay (the exception center's), and per hold reason: the exception tab's
    row plus the unpaid tab's, so a held order that shipped or closed is not counted."""
    rows = (BUCKET_CODES[Bucket.EXCEPTION], BUCKET_CODES[Bucket.UNPAID])
    held = sum(int(totals.get(row + HELD, 0)) for row in rows)
    reasons = {reason.value: sum(int(totals.get(row + code, 0)) for row in rows) for reason, code in HOLD_CODES.items()}
    return held, {reason: n for reason, n in reasons.items() if n}


def hold_counts(totals: Mapping[str, int]) -> dict[str, int]:
    return {reason.value: int(totals.get(ALL + code, 0)) for reason, code in HOLD_CODES.items()}
