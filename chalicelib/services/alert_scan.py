"""The scheduled look for what needs the seller's attention, raised as alerts (de-duplicated downstream: one
per cause per window). Every read is by key or index range: the shops' kind index, the awaiting-shipment
list, the cases' status+deadline index, the DLQ counters, each ERP client's undelivered index. One check
failing (a throttled read) does not stop the others."""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.alerts import Alert
from chalicelib.domain.shops import REFRESH_FAILING, Shop
from chalicelib.domain.status import AfterSaleStatus, ShopStatus
from chalicelib.services.erp_ports import DeliveryRepository, DeliveryStatus, ErpClientRepository
from chalicelib.services.ports import CaseQueries, CaseQuery, Clock, DeadLetters, OrderRepository, ShopStore
from chalicelib.services.ship_by import at_risk

log = logging.getLogger("oms.alerts.scan")

AT_RISK_HOURS = 4
DEADLINE_HOURS = 12
FAILING_ATTEMPTS = 3          # an ERP delivery refused this often (or dead) makes the client "failing"
SELLER_TURN = (AfterSaleStatus.PENDING_REVIEW, AfterSaleStatus.AWAITING_SELLER_RECEIPT,
               AfterSaleStatus.AWAITING_RESHIP, AfterSaleStatus.SELLER_PROCESSING)


@dataclass(frozen=True)
class ScanDeps:
    shops: ShopStore
    orders: OrderRepository
    cases: CaseQueries
    dead_letters: DeadLetters
    erp_clients: ErpClientRepository
    deliveries: DeliveryRepository
    clock: Clock


def scan(deps: ScanDeps) -> list[Alert]:
    now = deps.clock.now()
    found: list[Alert] = []
    checks: tuple[Callable[[ScanDeps, datetime], list[Alert]], ...] = (
        shop_alerts, at_risk_alerts, deadline_alerts, dead_letter_alerts, erp_alerts)
    for check in checks:
        try:
            found += check(deps, now)
        except Exception:
            log.exception("an alert check failed; the others carry on", extra={"check": check.__name__})
    return found


def shop_alerts(deps: ScanDeps, now: datetime) -> list[Alert]:
    return [a for a in (shop_alert(shop, now) for shop in deps.shops.all()) if a is not None]


def shop_alert(shop: Shop, now: datetime) -> Alert | None:
    """A shop the seller must re-authorise, or whose token refresh keeps failing (the refresh worker raises
    this at once; the scheduled look catches the other ways a shop gets there: a pull, a ship-back)."""
    if shop.status is ShopStatus.REAUTH_NEEDED:
        return Alert("shop.reauth_needed", shop.shop_id,
                     f"{shop.name} ({shop.platform.value}): {shop.status_reason or '授权已失效'}", now)
    if shop.status is ShopStatus.ACTIVE and shop.status_reason.startswith(REFRESH_FAILING):
        return Alert("shop.token_refresh_failing", shop.shop_id,
                     f"{shop.name} ({shop.platform.value}): {shop.status_reason}", now)
    return None


def at_risk_alerts(deps: ScanDeps, now: datetime) -> list[Alert]:
    orders, truncated = at_risk(deps.orders, now, AT_RISK_HOURS)
    per_shop: dict[str, list[str]] = defaultdict(list)
    for order in orders:
        per_shop[order.shop_id].append(order.order_no)
    more = " (及更多)" if truncated else ""
    return [Alert("orders.at_risk", shop_id, f"店铺 {shop_id}: {len(nos)} 单将在 {AT_RISK_HOURS} 小时内发货超时{more}: "
                  f"{', '.join(nos[:5])}", now) for shop_id, nos in sorted(per_shop.items())]


def deadline_alerts(deps: ScanDeps, now: datetime) -> list[Alert]:
    per_shop: dict[str, list[str]] = defaultdict(list)
    for status in SELLER_TURN:
        page = deps.cases.list(CaseQuery(status=status, deadline_before=now + timedelta(hours=DEADLINE_HOURS),
                                         limit=50))
        for case in page.items:
            per_shop[case.shop_id].append(case.case_id)
    return [Alert("after_sale.deadline_near", shop_id, f"店铺 {shop_id}: {len(ids)} 个售后将在 {DEADLINE_HOURS} "
                  f"小时内超过处理时限: {', '.join(ids[:5])}", now) for shop_id, ids in sorted(per_shop.items())]


def dead_letter_alerts(deps: ScanDeps, now: datetime) -> list[Alert]:
    return [Alert("queue.dead_letters", queue, f"死信队列 {queue} 中有 {count} 条消息, 请在管理后台查看并重新投递",
                  now) for queue, count in sorted(deps.dead_letters.counts().items()) if count > 0]


def erp_alerts(deps: ScanDeps, now: datetime) -> list[Alert]:
    alerts = []
    for client in deps.erp_clients.all():
        if not client.wants_any():
            continue
        owed = deps.deliveries.for_client(client.key_id, 20, undelivered_only=True).items
        failing = [d for d in owed if d.status is DeliveryStatus.DEAD or d.attempts >= FAILING_ATTEMPTS]
        if failing:
            alerts.append(Alert("erp.delivery_failing", client.key_id,
                                f"ERP 客户端 {client.name} ({client.key_id}): {len(failing)} 条推送失败, "
                                f"最近错误: {failing[0].last_error[:120]}", now))
    return alerts
