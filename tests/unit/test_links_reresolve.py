"""Linking: manual, bulk, bundle and automatic links, and the held orders they release (fakes only)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus
from chalicelib.services.catalog import create_erp_sku
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.links import auto_link_shop, link_bulk, reresolve_held, set_links
from chalicelib.services.platform_types import CanonicalLine
from tests.factories import canonical_order
from tests.links_kit import World


@pytest.fixture
def world() -> World:
    return World()


def test_given_orders_held_for_an_unlinked_sku_when_it_is_linked_then_they_are_released_and_reserve(world) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("CUP-500", stock=10)
    held = [world.ingest(str(n), ("sku-1", 2)) for n in range(3)]
    assert all(world.orders.get(o).holds == {HoldReason.UNLINKED_SKU} for o in held)
    set_links(world.deps, "S1", "sku-1", [SkuLink("CUP-500")])
    for order_id in held:
        order = world.orders.get(order_id)
        assert order.holds == frozenset() and order.erp_handoff is ErpHandoff.READY
        assert order.lines[0].links == (SkuLink("CUP-500"),)
        assert order.history[-1].summary.startswith("SKU links found")
    assert world.ledger.balance("CUP-500").reserved == 6
    assert world.pushed == ["CUP-500"]


def test_given_an_order_with_two_unlinked_skus_when_one_is_linked_then_it_stays_held(world) -> None:
    for sku, code in (("sku-1", "A"), ("sku-2", "B")):
        world.shop_sku(sku, "")
        world.erp_sku(code, stock=5)
    order_id = world.ingest("9", ("sku-1", 1), ("sku-2", 1))
    set_links(world.deps, "S1", "sku-1", [SkuLink("A")])
    order = world.orders.get(order_id)
    assert order.holds == {HoldReason.UNLINKED_SKU} and order.lines[0].links == (SkuLink("A"),)
    assert world.ledger.balance("A").reserved == 0, "nothing reserves while a line is unlinked"
    set_links(world.deps, "S1", "sku-2", [SkuLink("B")])
    assert world.orders.get(order_id).holds == frozenset()
    assert (world.ledger.balance("A").reserved, world.ledger.balance("B").reserved) == (1, 1)


def test_given_a_bundle_link_then_one_shop_sku_reserves_several_erp_skus_times_quantity(world) -> None:
    world.shop_sku("gift-box", "")
    world.erp_sku("CUP", stock=10)
    world.erp_sku("SOCKS", stock=10)
    order_id = world.ingest("7", ("gift-box", 2))
    set_links(world.deps, "S1", "gift-box", [SkuLink("CUP", 1), SkuLink("SOCKS", 3)])
    assert world.orders.get(order_id).holds == frozenset()
    assert (world.ledger.balance("CUP").reserved, world.ledger.balance("SOCKS").reserved) == (2, 6)


def test_given_a_link_to_a_scarce_sku_then_the_released_order_is_held_out_of_stock_instead(world) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("RARE", stock=1)
    order_id = world.ingest("5", ("sku-1", 3))
    set_links(world.deps, "S1", "sku-1", [SkuLink("RARE")])
    order = world.orders.get(order_id)
    assert order.holds == {HoldReason.OUT_OF_STOCK} and order.erp_handoff is ErpHandoff.NOT_READY


def test_given_links_to_unknown_erp_skus_or_bad_quantities_then_refused_naming_the_field(world) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("A")
    for links in ([SkuLink("NOPE")], [SkuLink("A", 0)], [SkuLink("A"), SkuLink("A")], [SkuLink("A")] * 21):
        with pytest.raises(ValidationError) as refused:
            set_links(world.deps, "S1", "sku-1", links)
        assert refused.value.field == "links"
    assert world.catalog.get("S1", "sku-1").links == ()


def test_given_bulk_links_then_good_rows_apply_bad_rows_report_and_held_orders_release(world) -> None:
    world.shop_sku("sku-1", "")
    world.shop_sku("sku-2", "")
    world.erp_sku("A", stock=3)
    order_id = world.ingest("1", ("sku-1", 1))
    results = link_bulk(world.deps, [("S1", "sku-1", [SkuLink("A")]), ("S1", "sku-404", [SkuLink("A")]),
                                     ("S1", "sku-2", [SkuLink("NOPE")])])
    assert [r.ok for r in results] == [True, False, False]
    assert "sku-404" in results[1].error and "NOPE" in results[2].error
    assert world.catalog.get("S1", "sku-1").link_source == "bulk"
    assert world.orders.get(order_id).holds == frozenset()


def test_given_merchant_codes_when_an_erp_sku_is_created_then_matching_skus_auto_link_in_every_shop(world) -> None:
    world.shop_sku("sku-1", "SKU-000-0")
    world.shop_sku("sku-9", "SKU-000-0", shop="S2")
    held = world.ingest("1", ("sku-9", 1), shop="S2")
    create_erp_sku(world.erp, world.deps, ErpSku("SKU-000-0", "纯棉短袖T恤"))
    assert world.catalog.get("S1", "sku-1").links == (SkuLink("SKU-000-0"),)
    assert world.catalog.get("S2", "sku-9").link_source == "auto"
    assert world.orders.get(held).holds == {HoldReason.OUT_OF_STOCK}, "linked, then no stock: held for that"


def test_given_a_shop_auto_link_then_only_unlinked_skus_with_known_codes_link(world) -> None:
    world.erp_sku("A")
    world.shop_sku("sku-1", "A")
    world.shop_sku("sku-2", "UNKNOWN")
    world.shop_sku("sku-3", "A")
    set_links(world.deps, "S1", "sku-3", [SkuLink("A", 2)])
    assert auto_link_shop(world.deps, "S1") == 1
    assert world.catalog.get("S1", "sku-3").links == (SkuLink("A", 2),), "a manual link is kept"


def test_given_a_concurrent_order_change_then_reresolution_retries_on_the_new_revision(world) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("A", stock=5)
    order_id = world.ingest("1", ("sku-1", 1))
    world.catalog.save(replace(world.catalog.get("S1", "sku-1"), links=(SkuLink("A"),)), 1)
    real_save = world.orders.save
    calls = []

    def racing_save(order, expected):  # type: ignore[no-untyped-def]
        if not calls:   # someone else writes first: our revision is stale now
            calls.append(1)
            current = world.orders.get(order_id)
            real_save(replace(current, seller_memo="changed meanwhile"), current.revision)
        return real_save(order, expected)

    world.orders.save = racing_save  # type: ignore[method-assign]
    assert reresolve_held(world.deps, "S1") == 1
    order = world.orders.get(order_id)
    assert order.holds == frozenset() and order.seller_memo == "changed meanwhile"


def test_given_a_cancelled_order_then_it_does_not_reserve_even_when_linked(world) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("A", stock=5)
    canonical = canonical_order("c1", status=OrderStatus.CANCELLED,
                                lines=(CanonicalLine("1", "sku-1", "p", "", "T", "s", 1, 1, 1),))
    apply_snapshot(world.orders, world.clock, "S1", canonical, {})
    set_links(world.deps, "S1", "sku-1", [SkuLink("A")])
    assert world.ledger.balance("A").reserved == 0
