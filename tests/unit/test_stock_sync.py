"""Stock sync: the per-shop formula, the debounced sweep and the update_stock handler (fakes only)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.services.platform_errors import BadRequestError, TransientError
from chalicelib.services.stock_ports import StockSyncSettings
from chalicelib.services.stock_sync import push_quantity, push_stock, sweep_due_pushes, update_settings
from tests import fakes
from tests.factories import T0

SHOP = Shop("S1", "店", Platform.TAOBAO, "seller-1")


class RecordingClient:
    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, int, str]] = []
        self.fail = fail

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        self.calls.append((platform_sku_id, quantity, platform_product_id))
        if self.fail:
            raise self.fail


@pytest.mark.parametrize(("available", "links", "settings", "expected"), [
    ({"A": 10}, [SkuLink("A")], StockSyncSettings(), 10),
    ({"A": 10}, [SkuLink("A")], StockSyncSettings(ratio_percent=80), 8),
    ({"A": 10}, [SkuLink("A")], StockSyncSettings(ratio_percent=80, safety_stock=3), 5),
    ({"A": 10}, [SkuLink("A")], StockSyncSettings(floor=11), 0),
    ({"A": 10}, [SkuLink("A")], StockSyncSettings(safety_stock=20), 0),
    ({"A": -4}, [SkuLink("A")], StockSyncSettings(), 0),
    ({"A": 10, "B": 7}, [SkuLink("A"), SkuLink("B", 3)], StockSyncSettings(), 2),
    ({"A": 10}, [SkuLink("A"), SkuLink("MISSING")], StockSyncSettings(), 0),
])
def test_given_the_formula_then_available_ratio_safety_floor_and_bundles_combine(available, links, settings,
                                                                                  expected) -> None:
    assert push_quantity(available, links, settings) == expected


def test_given_bad_settings_then_refused_and_a_partial_change_keeps_the_rest() -> None:
    sync = fakes.InMemoryStockSyncRepository()
    with pytest.raises(ValidationError):
        update_settings(sync, "S1", ratio_percent=120)
    saved = update_settings(sync, "S1", ratio_percent=80, enabled=None)
    assert (saved.ratio_percent, saved.enabled, saved.revision) == (80, True, 1)


class Setup:
    def __init__(self) -> None:
        self.ledger = fakes.InMemoryStockLedger(debounce_seconds=60)
        self.catalog = fakes.InMemoryShopSkuRepository()
        self.sync = fakes.InMemoryStockSyncRepository()
        self.publisher = fakes.RecordingPublisher()
        self.clock = fakes.FixedClock(T0)
        for shop, sku_id, links in (("S1", "s1-a", (SkuLink("A"),)), ("S2", "s2-a", (SkuLink("A"),)),
                                    ("S1", "s1-box", (SkuLink("A"), SkuLink("B")))):
            self.catalog.add(ShopSku(shop, Platform.TAOBAO, sku_id, "p1", "", "t", links=links))

    def move(self, code: str, qty: int, key: str, seconds: int = 0) -> None:
        self.ledger.apply([Movement(code, MovementKind.ADJUST, qty, key, "test", T0 + timedelta(seconds=seconds))],
                          guard_available=False)


def test_given_a_burst_of_changes_then_one_action_per_linked_shop_sku_per_window() -> None:
    s = Setup()
    for n in range(30):
        s.move("A", 1, f"a{n}", seconds=n)
        s.move("B", 1, f"b{n}", seconds=n)
    assert sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=30)) == 0
    assert sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=61)) == 3
    actions = s.publisher.bodies("platform_actions")
    assert sorted((a["shop_id"], a["payload"]["platform_sku_id"]) for a in actions) == [
        ("S1", "s1-a"), ("S1", "s1-box"), ("S2", "s2-a")]
    assert {a["name"] for a in actions} == {"update_stock"}
    assert sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=200)) == 0
    s.move("A", 1, "later", seconds=300)
    assert sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=361)) == 3
    ids = [d for _, _, _, d in s.publisher.sent]
    assert len(ids) == len(set(ids)), "each window's action has its own deduplication id"


def test_given_the_queue_fails_then_the_due_marks_come_back_for_the_next_sweep() -> None:
    s = Setup()
    s.move("A", 1, "a")

    class Down:
        def publish(self, queue, messages):  # type: ignore[no-untyped-def]
            raise RuntimeError("sqs down")

    with pytest.raises(RuntimeError):
        sweep_due_pushes(s.ledger, s.catalog, Down(), T0 + timedelta(seconds=61))
    assert sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=62)) == 3


def test_given_a_push_then_the_formula_goes_out_and_the_answer_is_recorded_and_an_equal_value_is_skipped() -> None:
    s = Setup()
    s.move("A", 10, "a")
    s.sync.save_settings("S1", StockSyncSettings(ratio_percent=50, safety_stock=1), 0)
    client = RecordingClient()
    record = push_stock(s.ledger, s.catalog, s.sync, s.clock, SHOP, client, "s1-a", "act-1")
    assert client.calls == [("s1-a", 4, "p1")]
    assert (record.quantity, record.ok, record.answer, record.action_id) == (4, True, "ok", "act-1")
    push_stock(s.ledger, s.catalog, s.sync, s.clock, SHOP, client, "s1-a")
    assert len(client.calls) == 1


def test_given_a_refusal_then_it_is_recorded_not_retried_and_a_transient_error_is_recorded_and_raised() -> None:
    s = Setup()
    s.move("A", 3, "a")
    refused = push_stock(s.ledger, s.catalog, s.sync, s.clock, SHOP,
                         RecordingClient(BadRequestError("sku offline", code="isv.invalid")), "s1-a")
    assert not refused.ok and "isv.invalid" in refused.answer
    with pytest.raises(TransientError):
        push_stock(s.ledger, s.catalog, s.sync, s.clock, SHOP, RecordingClient(TransientError("busy")), "s1-a")
    assert not s.sync.last_push("S1", "s1-a").ok


def test_given_sync_off_or_a_paused_shop_or_an_unlinked_sku_then_nothing_is_pushed() -> None:
    s = Setup()
    client = RecordingClient()
    s.sync.save_settings("S2", StockSyncSettings(enabled=False), 0)
    assert push_stock(s.ledger, s.catalog, s.sync, s.clock, Shop("S2", "x", Platform.JD, "2"), client, "s2-a") is None
    paused = Shop("S1", "x", Platform.TAOBAO, "1", status=ShopStatus.PAUSED)
    assert push_stock(s.ledger, s.catalog, s.sync, s.clock, paused, client, "s1-a") is None
    assert push_stock(s.ledger, s.catalog, s.sync, s.clock, SHOP, client, "no-such-sku") is None
    assert client.calls == []


def test_given_the_registered_handler_then_an_action_body_runs_the_push() -> None:
    from chalicelib.services.action_handlers import run_action
    from chalicelib.services.actions import decode
    s = Setup()
    s.move("A", 6, "a")
    sweep_due_pushes(s.ledger, s.catalog, s.publisher, T0 + timedelta(seconds=61))
    client = RecordingClient()
    shops = fakes.InMemoryShopRepository()
    shops.add(SHOP)
    deps = fakes.action_deps(stock=s.ledger, shop_skus=s.catalog, stock_sync=s.sync, clock=s.clock, shops=shops,
                             clients=lambda _shop: client, warehouses=fakes.InMemoryWarehouseRepository())
    for _, body, _, _ in s.publisher.sent:
        action = decode(body)
        if action.shop_id == "S1":
            run_action(deps, action)
    assert sorted(client.calls) == [("s1-a", 6, "p1"), ("s1-box", 0, "p1")]
    assert json.loads(s.publisher.sent[0][1])["payload"]["platform_sku_id"]


def test_GIVEN_the_safety_stock_holds_the_rest_back_WHEN_pushed_THEN_the_platform_gets_0_and_the_seller_an_alert(
        ) -> None:
    from chalicelib.services.action_handlers import run_action
    from chalicelib.services.actions import Action
    s = Setup()
    s.move("A", 2, "a")
    s.sync.save_settings("S1", StockSyncSettings(safety_stock=3), 0)
    client = RecordingClient()
    shops = fakes.InMemoryShopRepository()
    shops.add(SHOP)
    deps = fakes.action_deps(stock=s.ledger, shop_skus=s.catalog, stock_sync=s.sync, clock=s.clock, shops=shops,
                             clients=lambda _shop: client, warehouses=fakes.InMemoryWarehouseRepository())
    run_action(deps, Action("update_stock", "S1", "stock:S1:s1-a:1", {"platform_sku_id": "s1-a"}))
    assert client.calls == [("s1-a", 0, "p1")]
    [alert] = deps.shipments.publisher.bodies("alerts")
    assert alert["event"] == "stock.below_safety" and alert["cause"] == "S1:s1-a" and "安全库存 3" in alert["text"]
    s.move("A", 10, "b")                                         # restocked: a push above the safety stock
    run_action(deps, Action("update_stock", "S1", "stock:S1:s1-a:2", {"platform_sku_id": "s1-a"}))
    assert len(deps.shipments.publisher.bodies("alerts")) == 1
