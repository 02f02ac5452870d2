"""The scheduled alert checks over fakes: each finds its cause by key or index, one alert per cause."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import REFRESH_FAILING, Shop
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, ShopStatus
from chalicelib.services.alert_scan import ScanDeps, scan
from chalicelib.services.erp_ports import Delivery, DeliveryStatus, ErpClient
from tests import fakes
from tests.factories import make_order

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class DeadLetters:
    def __init__(self, counts: dict[str, int]) -> None:
        self._counts = counts

    def counts(self) -> dict[str, int]:
        return self._counts

    def peek(self, key: str, limit: int = 10) -> list[dict[str, Any]]:
        return []

    def redrive(self, key: str, limit: int = 500) -> int:
        return 0


def world(dlq: dict[str, int] | None = None) -> ScanDeps:
    cases = fakes.InMemoryAfterSaleRepository()
    return ScanDeps(fakes.InMemoryShopRepository(), fakes.InMemoryOrderRepository(),
                    fakes.InMemoryAfterSaleQueries(cases), DeadLetters(dlq or {}),
                    fakes.InMemoryErpClientRepository(), fakes.InMemoryDeliveryRepository(), fakes.FixedClock(NOW))


def test_GIVEN_nothing_wrong_WHEN_scanned_THEN_no_alert() -> None:
    deps = world({"orders": 0})
    deps.shops.add(Shop("S1", "好店", Platform.TAOBAO, "seller-1", app_key="k"))
    assert scan(deps) == []


def test_GIVEN_each_cause_WHEN_scanned_THEN_one_alert_each() -> None:
    deps = world({"orders": 2, "erp_events": 0})
    deps.shops.add(Shop("S1", "淘宝店", Platform.TAOBAO, "s1", app_key="k", status=ShopStatus.REAUTH_NEEDED,
                        status_reason="token refresh refused"))
    deps.shops.add(Shop("S2", "京东店", Platform.JD, "s2", app_key="k",
                        status_reason=f"{REFRESH_FAILING} (HTTP 502); retried every tick"))
    deps.orders.add(make_order(1, "S3", ship_by_at=NOW + timedelta(hours=1)))
    deps.orders.add(make_order(2, "S3", ship_by_at=NOW + timedelta(hours=30)))      # not yet at risk
    deps.cases.cases.add(AfterSale("S3-C1", "S3", Platform.TAOBAO, "C1", "S3-1", "1", AfterSaleType.REFUND_ONLY,
                                   AfterSaleStatus.PENDING_REVIEW, "WAIT", 100, "不想要了", NOW, NOW,
                                   deadline_at=NOW + timedelta(hours=3)))
    client = ErpClient("ek_1", "金蝶", frozenset({"webhooks"}), NOW, webhook_url="https://erp.example.test/h")
    deps.erp_clients.add(client)
    deps.deliveries.add(replace(Delivery("d1", "ek_1", "e1", "order.created", "S3-1", "order:S3-1", "{}", NOW),
                                status=DeliveryStatus.DEAD, attempts=5, last_error="HTTP 500"))
    found = {(a.event, a.cause) for a in scan(deps)}
    assert found == {("shop.reauth_needed", "S1"), ("shop.token_refresh_failing", "S2"), ("orders.at_risk", "S3"),
                     ("after_sale.deadline_near", "S3"), ("queue.dead_letters", "orders"),
                     ("erp.delivery_failing", "ek_1")}


def test_GIVEN_one_check_failing_WHEN_scanned_THEN_the_others_still_raise() -> None:
    deps = world()

    class Broken(DeadLetters):
        def counts(self) -> dict[str, int]:
            raise RuntimeError("throttled")
    deps = replace(deps, dead_letters=Broken({}))
    deps.shops.add(Shop("S1", "淘宝店", Platform.TAOBAO, "s1", app_key="k", status=ShopStatus.REAUTH_NEEDED))
    assert [a.event for a in scan(deps)] == ["shop.reauth_needed"]
