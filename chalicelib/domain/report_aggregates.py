"""Daily report aggregates folded from orders (#26): what one order, with its after-sale cases, contributes,
and the change from its previous contribution to its latest. The consumer (services/report_fold.py) keeps
each order's folded contribution and adds only `delta(previous, latest)`, so a note delivered twice or late
adds nothing twice: aggregates are always the sum of the orders' latest contributions.

Every figure of an order counts on the day the order was placed (Asia/Shanghai): a cohort view, as the
orders list filtered by order time shows it, and a key that never moves from day to day (a rebuild of a
date range needs only the orders placed in it). Per day there is one item for all shops, one per shop, per
platform and per SKU; beside them the open orders (to ship) and their ship-by hours (at risk), which count
an order only while it awaits shipment.

The workbench's counters (domain/order_counters.py) are part of every order's contribution: a shop's
totals and its creation days, kept by the same fold, so both read the same numbers.

An aggregate is (partition, member): ("2026-12-07#s", "S1") is shop S1 on that day. Names are short: the
items are rewritten on every batch that touches them and DynamoDB bills each write per started KB."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from chalicelib.domain import order_counters
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.order_query import SHANGHAI, shanghai_day, ship_by
from chalicelib.domain.orders import LineItem, Order
from chalicelib.domain.status import AfterSaleStatus, OrderStatus

AggKey = tuple[str, str]                       # (partition, member)
Contribution = Mapping[AggKey, Mapping[str, int]]

ORDERS, UNITS, GMV, REFUNDS, REFUND_FEN = "o", "u", "g", "r", "rf"
SHIPPED, LATE, SHIP_SECONDS, SHIP_COUNT = "s", "l", "ts", "tc"
FIGURE_NAMES = (ORDERS, UNITS, GMV, REFUNDS, REFUND_FEN, SHIPPED, LATE, SHIP_SECONDS, SHIP_COUNT)

TOTAL, SHOP, PLATFORM, SKU = "t", "s", "p", "k"
COUNTS = order_counters.DAY_DIMENSION          # the workbench counters of a shop's day
ALL = "all"
DUE = "due"                                    # members: the ship-by day of open orders, names its hours
SHIPPING = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED})
DONE_SHIPPING = frozenset({OrderStatus.SHIPPED, OrderStatus.COMPLETED})


def day_key(day: str, dimension: str, member: str = ALL) -> AggKey:
    return f"{day}#{dimension}", member


def due_slot(moment: datetime) -> tuple[AggKey, dict[str, int]]:
    """Where an open order's ship-by time counts: its day's item, its hour's name ("h07"). One item per day
    rather than per hour: a batch rewrites a few day items instead of every hour it touches."""
    local = moment.astimezone(SHANGHAI)
    return (DUE, local.date().isoformat()), {f"h{local.hour:02d}": 1}


def sku_of(line: LineItem) -> str:
    """The seller's SKU where the line is linked to one, else the code the seller gave it on the platform."""
    if len(line.links) == 1:
        return line.links[0].sku_code
    return line.merchant_code or line.platform_sku_id or line.line_id


def sku_name(line: LineItem) -> str:
    return " ".join(part for part in (line.title, line.sku_name) if part)[:120]


def paid(order: Order) -> bool:
    return order.paid_at is not None or order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)


def contribution(order: Order, cases: Iterable[AfterSale] = ()) -> dict[AggKey, dict[str, int]]:
    day = shanghai_day(order.created_at)
    whole = _order_figures(order, cases)
    out: dict[AggKey, dict[str, int]] = {}
    for key in (day_key(day, TOTAL), day_key(day, SHOP, order.shop_id), day_key(day, PLATFORM, order.platform.value)):
        _add(out, key, whole)
    for sku, figures in _sku_figures(order, cases).items():
        _add(out, day_key(day, SKU, sku), figures)
    if order.status in SHIPPING:
        due = order.ship_by_at or ship_by(order)
        if due is not None:
            _add(out, *due_slot(due))
    for key, counts in order_counters.aggregates(order).items():
        _add(out, key, counts)
    return out


def _order_figures(order: Order, cases: Iterable[AfterSale]) -> dict[str, int]:
    figures = {ORDERS: 1, UNITS: sum(line.quantity for line in order.lines)}
    if paid(order):
        figures[GMV] = order.paid_fen
    refunded = [c for c in cases if c.status is AfterSaleStatus.REFUNDED]
    if refunded:
        figures[REFUNDS] = len(refunded)
        figures[REFUND_FEN] = sum(c.refund_fen for c in refunded)
    if order.status in DONE_SHIPPING:
        figures[SHIPPED] = 1
    if order.status in DONE_SHIPPING and order.shipped_at is not None:     # late and how long: when it says
        due = order.ship_by_at or ship_by(order)
        if due is not None and order.shipped_at > due:
            figures[LATE] = 1
        start = order.paid_at or order.created_at
        figures[SHIP_SECONDS] = max(0, int((order.shipped_at - start).total_seconds()))
        figures[SHIP_COUNT] = 1
    return figures


def _sku_figures(order: Order, cases: Iterable[AfterSale]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in order.lines:
        figures = out.setdefault(sku_of(line), {ORDERS: 1})
        figures[UNITS] = figures.get(UNITS, 0) + line.quantity
        if paid(order):
            figures[GMV] = figures.get(GMV, 0) + line.paid_fen
    by_line = {line.line_id: line for line in order.lines}
    by_platform_sku = {line.platform_sku_id: line for line in order.lines}
    for case in cases:
        if case.status is not AfterSaleStatus.REFUNDED:
            continue
        skus: set[str] = set()
        for case_line in case.lines:
            found = by_line.get(case_line.line_id) or by_platform_sku.get(case_line.platform_sku_id)
            sku = sku_of(found) if found is not None else case_line.platform_sku_id
            skus.add(sku)
            figures = out.setdefault(sku, {})
            figures[REFUND_FEN] = figures.get(REFUND_FEN, 0) + case_line.refund_fen
        for sku in skus:
            out[sku][REFUNDS] = out[sku].get(REFUNDS, 0) + 1
    return out


def _add(out: dict[AggKey, dict[str, int]], key: AggKey, figures: Mapping[str, int]) -> None:
    into = out.setdefault(key, {})
    for name, n in figures.items():
        if n:
            into[name] = into.get(name, 0) + n


def delta(old: Contribution, new: Contribution) -> dict[AggKey, dict[str, int]]:
    """What to add to the aggregates when `old` is replaced by `new` (zeros left out)."""
    out: dict[AggKey, dict[str, int]] = {}
    for key in {*old, *new}:
        before, after = old.get(key, {}), new.get(key, {})
        changes = {name: after.get(name, 0) - before.get(name, 0) for name in {*before, *after}}
        changes = {name: n for name, n in changes.items() if n}
        if changes:
            out[key] = changes
    return out


def merge(into: dict[AggKey, dict[str, int]], more: Contribution) -> dict[AggKey, dict[str, int]]:
    """Sums `more` into `into` (the deltas of a whole batch become one write per aggregate)."""
    for key, figures in more.items():
        target = into.setdefault(key, {})
        for name, n in figures.items():
            target[name] = target.get(name, 0) + n
            if not target[name]:
                del target[name]
    return into


def encoded(contribution: Contribution) -> dict[str, dict[str, int]]:
    """A contribution as a JSON object ("partition|member": figures): a fold record's and a note's form."""
    return {f"{p}|{m}": dict(v) for (p, m), v in sorted(contribution.items())}


def decoded(data: Mapping[str, Mapping[str, int]]) -> dict[AggKey, dict[str, int]]:
    """ValueError for a key without its "|"."""
    out: dict[AggKey, dict[str, int]] = {}
    for key, values in data.items():
        partition, member = key.split("|", 1)
        out[(partition, member)] = {str(name): int(n) for name, n in values.items()}
    return out


def sku_names(order: Order) -> dict[str, str]:
    return {sku_of(line): sku_name(line) for line in order.lines}


def figures(values: Mapping[str, int]) -> dict[str, int]:
    """The API's figures of one aggregate (or of several summed)."""
    count = int(values.get(SHIP_COUNT, 0))
    return {"orders": int(values.get(ORDERS, 0)), "units": int(values.get(UNITS, 0)),
            "gmv_fen": int(values.get(GMV, 0)), "refunds": int(values.get(REFUNDS, 0)),
            "refund_fen": int(values.get(REFUND_FEN, 0)), "shipped": int(values.get(SHIPPED, 0)),
            "shipped_late": int(values.get(LATE, 0)),
            "avg_ship_seconds": int(values.get(SHIP_SECONDS, 0)) // count if count else 0}


def summed(items: Iterable[Mapping[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        for name in FIGURE_NAMES:
            out[name] = out.get(name, 0) + int(item.get(name, 0))
    return out


def days_between(first: str, last: str) -> list[str]:
    """Every day from `first` to `last`, both included (YYYY-MM-DD)."""
    start, end = datetime.fromisoformat(first).date(), datetime.fromisoformat(last).date()
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def at_risk_until(now: datetime) -> str:
    """The last ship-by day an at-risk order may have: within the next 24 hours (or past)."""
    return (now + timedelta(hours=24)).astimezone(SHANGHAI).date().isoformat()


def at_risk(due_days: Mapping[str, Mapping[str, int]], now: datetime) -> int:
    """Open orders due to ship before the end of the hour 24 hours from now, or overdue: every day item up to
    that day, and that day's hours up to that hour."""
    limit = (now + timedelta(hours=24)).astimezone(SHANGHAI)
    last, hour = limit.date().isoformat(), f"h{limit.hour:02d}"
    return sum(int(n) for day, hours in due_days.items() if day <= last
               for name, n in hours.items() if name.startswith("h") and (day < last or name <= hour))
