"""Stock sync per warehouse and the daily reconcile (fakes): a shop's platform stock is the stock of the
warehouses serving it; the reconcile reports an injected difference, marks it due, and reports nothing
once the push went out."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services.stock_reconcile import reconcile
from chalicelib.services.stock_sync import StockSyncSettings, push_stock, sweep_due_pushes
from tests import fakes
from tests.factories import T0

SHOPS = {"S1": ("SH", "BJ"), "S2": ("GZ",)}


class Client:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        self.calls.append((platform_sku_id, quantity))


class Reports:
    def __init__(self) -> None:
        self.saved: list = []

    def save_report(self, report) -> None:  # type: ignore[no-untyped-def]
        self.saved.append(report)


class World:
    def __init__(self) -> None:
        self.ledger = fakes.InMemoryStockLedger()
        self.catalog = fakes.InMemoryShopSkuRepository()
        self.sync = fakes.InMemoryStockSyncRepository()
        self.shops = fakes.InMemoryShopRepository()
        self.clock = fakes.FixedClock(T0)
        self.reports = Reports()
        for shop_id in SHOPS:
            self.shops.add(Shop(shop_id, shop_id, Platform.TAOBAO, f"seller-{shop_id}"))
            self.catalog.add(ShopSku(shop_id, Platform.TAOBAO, f"{shop_id}-cup", "p1", "", "t", links=(SkuLink("A"),)))
        for warehouse, qty in (("SH", 5), ("BJ", 3), ("GZ", 40)):
            self.ledger.apply([Movement("A", MovementKind.STOCK_IN, qty, f"in-{warehouse}", "test", T0,
                                        warehouse_id=warehouse)], guard_available=False)

    def push(self, shop_id: str) -> list[tuple[str, int]]:
        client = Client()
        push_stock(self.ledger, self.catalog, self.sync, self.clock, self.shops.get(shop_id), client,
                   f"{shop_id}-cup", warehouses=SHOPS[shop_id])
        return client.calls

    def reconcile(self):  # type: ignore[no-untyped-def]
        return reconcile(self.shops, self.catalog, self.ledger, self.sync, lambda shop_id: SHOPS[shop_id],
                         self.reports, self.clock.now)


def test_given_warehouses_serving_shops_then_each_shop_pushes_its_own_warehouses_stock() -> None:
    w = World()
    w.sync.save_settings("S1", StockSyncSettings(ratio_percent=50), 0)
    assert w.push("S1") == [("S1-cup", 4)]           # (5 + 3) * 50 %
    assert w.push("S2") == [("S2-cup", 40)]


def test_given_a_difference_injected_when_reconciled_then_it_is_reported_marked_due_and_then_gone() -> None:
    w = World()
    w.push("S1")
    w.push("S2")
    assert w.reconcile().difference_count == 0
    # stock that moved with no push mark (a lost mark): the platform still shows 8 for S1
    w.ledger.apply([Movement("A", MovementKind.STOCK_OUT, 2, "loss-1", "test", T0, warehouse_id="BJ")],
                   guard_available=False)
    w.ledger.due.clear()
    report = w.reconcile()
    assert report.difference_count == 1 and report.shops == 2 and report.skus == 2
    [difference] = report.differences
    assert (difference.shop_id, difference.platform_sku_id, difference.expected, difference.pushed) == (
        "S1", "S1-cup", 6, 8)
    assert w.reports.saved[-1] == report and report.day == T0.date().isoformat()
    assert sweep_due_pushes(w.ledger, w.catalog, fakes.RecordingPublisher(), T0 + timedelta(hours=1)) >= 1
    assert w.push("S1") == [("S1-cup", 6)]
    assert w.reconcile().difference_count == 0


def _live_reconcile(w: World, platform_stock):  # type: ignore[no-untyped-def]
    return reconcile(w.shops, w.catalog, w.ledger, w.sync, lambda shop_id: SHOPS[shop_id], w.reports, w.clock.now,
                     platform_stock=platform_stock)


def test_GIVEN_the_platform_shows_other_stock_than_pushed_WHEN_reconciled_THEN_its_live_figure_is_the_difference(
        ) -> None:
    w = World()
    w.push("S1")
    w.push("S2")
    w.ledger.due.clear()
    live = {"S1": {"S1-cup": 8}, "S2": {"S2-cup": 33}}      # S2's seller changed it in the back office
    report = _live_reconcile(w, lambda shop: live[shop.shop_id])
    assert [(d.shop_id, d.expected, d.pushed, d.platform, d.live) for d in report.differences] == [
        ("S2", 40, 40, 33, True)], "the last push says 40: only the platform's own figure shows the change"
    assert w.ledger.due and report.unread_shops == ()
    assert w.push("S2") == [("S2-cup", 40)], "pushed again although the last push said 40"


def test_GIVEN_a_sku_missing_on_the_platform_or_a_shop_unreadable_THEN_reported_and_the_last_push_used() -> None:
    w = World()
    w.push("S1")

    def platform_stock(shop: Shop) -> dict[str, int]:
        if shop.shop_id == "S1":
            raise RuntimeError("isv.invalid-session")
        return {}
    report = _live_reconcile(w, platform_stock)
    assert report.unread_shops == ("S1",)
    assert [(d.shop_id, d.platform, d.live, d.pushed) for d in report.differences] == [("S2", None, True, None)]
