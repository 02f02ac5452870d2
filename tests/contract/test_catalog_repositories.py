"""Shop SKU and ERP SKU repositories, against the in-memory fakes and DynamoDB (moto)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.domain.catalog import ErpSku, ShopSku
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from tests import fakes
from tests.aws import aws


def sku(n: int, shop: str = "S1", code: str = "", links: tuple[SkuLink, ...] = ()) -> ShopSku:
    return ShopSku(shop, Platform.TAOBAO, f"sku-{n:03d}", f"p-{n}", code or f"MC-{n}", f"商品{n}", "默认", 1990, 3,
                   links=links)


@pytest.fixture(params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("shop_skus", "erp_skus")):
        yield "dynamodb"


@pytest.fixture
def skus(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryShopSkuRepository()
    from chalicelib.storage.catalog import DynamoShopSkuRepository
    return DynamoShopSkuRepository()


@pytest.fixture
def elsewhere(backend: str, skus):  # type: ignore[no-untyped-def]
    """Another process's repository over the same table (the fake has one store: the same object)."""
    if backend == "fake":
        return skus
    from chalicelib.storage.catalog import DynamoShopSkuRepository
    return DynamoShopSkuRepository()


@pytest.fixture
def erp(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryErpSkuRepository()
    from chalicelib.storage.erp_skus import DynamoErpSkuRepository
    return DynamoErpSkuRepository()


class TestShopSkus:
    def test_given_a_new_sku_when_added_twice_then_conflict_and_it_reads_back_at_revision_1(self, skus) -> None:
        skus.add(sku(1))
        with pytest.raises(ConflictError):
            skus.add(sku(1))
        assert skus.get("S1", "sku-001") == replace(sku(1), revision=1)

    def test_given_a_stale_revision_when_saved_then_conflict(self, skus) -> None:
        skus.add(sku(1))
        skus.save(replace(sku(1), title="new"), 1)
        with pytest.raises(ConflictError):
            skus.save(replace(sku(1), title="lost"), 1)
        assert skus.get("S1", "sku-001").title == "new"

    def test_given_links_then_links_for_returns_only_linked_skus_and_a_fresh_link_is_seen_at_once(self, skus) -> None:
        skus.add(sku(1, links=(SkuLink("A"),)))
        skus.add(sku(2))
        assert skus.links_for("S1", {"sku-001", "sku-002", "sku-404"}) == {"sku-001": (SkuLink("A"),)}
        skus.save(replace(sku(2), links=(SkuLink("B", 2),)), 1)
        assert skus.links_for("S1", {"sku-002"}) == {"sku-002": (SkuLink("B", 2),)}

    def test_given_a_sku_read_unlinked_when_another_process_links_it_then_the_next_read_sees_the_link(
            self, skus, elsewhere) -> None:
        skus.add(sku(1))
        assert skus.links_for("S1", {"sku-001", "sku-404"}) == {}
        elsewhere.save(replace(sku(1), links=(SkuLink("A"),)), 1)
        assert skus.links_for("S1", {"sku-001"}) == {"sku-001": (SkuLink("A"),)}
        elsewhere.add(sku(404, links=(SkuLink("B"), SkuLink("C"))))
        assert skus.links_for("S1", {"sku-404"}) == {"sku-404": (SkuLink("B"), SkuLink("C"))}

    def test_given_a_linked_sku_read_when_another_process_unlinks_it_then_the_next_read_sees_no_link(
            self, skus, elsewhere) -> None:
        skus.add(sku(1, links=(SkuLink("A"),)))
        assert skus.links_for("S1", {"sku-001"}) == {"sku-001": (SkuLink("A"),)}
        elsewhere.save(replace(sku(1), links=()), 1)
        assert skus.links_for("S1", {"sku-001"}) == {}

    def test_given_a_bundle_then_every_component_finds_it_and_a_relink_drops_old_components(self, skus) -> None:
        skus.add(sku(1, links=(SkuLink("A"), SkuLink("B", 2), SkuLink("C"))))
        skus.add(sku(2, shop="S2", links=(SkuLink("B"),)))
        assert skus.linked_to("B") == [("S1", "sku-001"), ("S2", "sku-002")]
        assert skus.linked_to("C") == [("S1", "sku-001")]
        skus.save(replace(sku(1), links=(SkuLink("A"), SkuLink("D"))), 1)
        assert skus.linked_to("B") == [("S2", "sku-002")]
        assert skus.linked_to("C") == []
        assert skus.linked_to("D") == [("S1", "sku-001")]
        assert skus.get("S1", "sku-001").links == (SkuLink("A"), SkuLink("D"))

    def test_given_a_shop_then_listing_pages_and_the_unlinked_filter_leave_out_companions(self, skus) -> None:
        for n in range(5):
            skus.add(sku(n, links=(SkuLink("A"), SkuLink("B")) if n % 2 else ()))
        skus.add(sku(9, shop="S2"))
        first = skus.list_shop("S1", limit=3)
        rest = skus.list_shop("S1", limit=3, cursor=first.cursor)
        assert [s.platform_sku_id for s in first.items + rest.items] == [f"sku-{n:03d}" for n in range(5)]
        unlinked = skus.list_shop("S1", unlinked_only=True).items
        assert [s.platform_sku_id for s in unlinked] == ["sku-000", "sku-002", "sku-004"]
        assert [s.platform_sku_id for s in skus.unlinked("S1")] == ["sku-000", "sku-002", "sku-004"]

    def test_given_merchant_codes_then_skus_are_found_by_code_across_shops(self, skus) -> None:
        skus.add(sku(1, code="SKU-9"))
        skus.add(sku(2, shop="S2", code="SKU-9"))
        skus.add(sku(3, code="OTHER"))
        assert {(s.shop_id, s.platform_sku_id) for s in skus.by_merchant_code("SKU-9")} == {
            ("S1", "sku-001"), ("S2", "sku-002")}


class TestErpSkus:
    def test_given_skus_then_they_list_in_code_order_with_paging_and_prefix(self, erp) -> None:
        for code in ("B-2", "A-1", "B-1", "C-1"):
            erp.add(ErpSku(code, f"名称{code}", price_fen=100))
        first = erp.list(limit=2)
        rest = erp.list(limit=10, cursor=first.cursor)
        assert [s.sku_code for s in first.items + rest.items] == ["A-1", "B-1", "B-2", "C-1"]
        assert [s.sku_code for s in erp.list(prefix="B-").items] == ["B-1", "B-2"]
        assert erp.existing_codes({"A-1", "Z-9"}) == {"A-1"}

    def test_given_a_code_then_add_is_once_and_save_is_revision_conditional(self, erp) -> None:
        erp.add(ErpSku("A-1", "杯子"))
        with pytest.raises(ConflictError):
            erp.add(ErpSku("A-1", "again"))
        erp.save(ErpSku("A-1", "保温杯", revision=1), 1)
        with pytest.raises(ConflictError):
            erp.save(ErpSku("A-1", "lost"), 1)
        assert erp.get("A-1") == ErpSku("A-1", "保温杯", revision=2)
