"""Goods library use cases over the fakes: the spec matrix makes the SKUs, bad input is refused with a
reason naming the problem and nothing is stored, a SKU something depends on is not deleted."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.catalog import ErpSku, ShopSku
from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.goods import SpecAttribute
from chalicelib.domain.inventory import Stock
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.suppliers import Supplier
from chalicelib.domain.taxonomy import Brand, Category
from chalicelib.services.goods import adopt_loose, create_goods, delete_sku, edit_sku, get_goods, search
from chalicelib.services.suppliers import create_supplier
from chalicelib.services.taxonomy import create_category, edit_category
from tests.goods_kit import draft, goods_world


def test_given_a_3x4_matrix_when_created_then_12_skus_with_their_specs_prices_and_the_goods_references() -> None:
    deps = goods_world()
    deps.categories.add(Category("c1", "上衣"))
    deps.brands.add(Brand("b1", "优衣库"))
    deps.suppliers.add(Supplier("s1", "广州档口"))
    goods, skus = create_goods(deps, draft(category_id="c1", brand_id="b1", supplier_ids=("s1",)))
    assert (goods.goods_id, goods.sku_count, goods.revision) == ("g1", 12, 1)
    assert len(skus) == 12 and skus[5].spec_values == ("蓝", "M") and skus[5].name == "纯棉T恤 蓝 M"
    stored, stored_skus = get_goods(deps, "g1")
    assert stored.category_id == "c1" and [s.sku_code for s in stored_skus][:2] == ["TS-000", "TS-001"]
    assert (stored_skus[0].cost_fen, stored_skus[0].purchase_fen, stored_skus[0].weight_g) == (900, 800, 200)


@pytest.mark.parametrize(("bad", "reason"), [
    (lambda d: replace(d, skus=(*d.skus[:-1], replace(d.skus[-1], sku_code="TS-000"))), "goods.duplicate_code"),
    (lambda d: replace(d, skus=(*d.skus[:-1], replace(d.skus[-1], barcode="69TS000"))), "goods.duplicate_barcode"),
    (lambda d: replace(d, skus=(*d.skus[:-1], replace(d.skus[-1], spec_values=("绿", "S")))), "goods.matrix_mismatch"),
    (lambda d: replace(d, skus=(*d.skus[:-1], replace(d.skus[-1], spec_values=d.skus[0].spec_values))),
     "goods.matrix_mismatch"),
    (lambda d: replace(d, goods=replace(d.goods, category_id="nope")), "goods.no_category"),
    (lambda d: replace(d, goods=replace(d.goods, supplier_ids=("nope",))), "goods.no_supplier"),
    (lambda d: replace(d, skus=(replace(d.skus[0], price_fen=-1), *d.skus[1:])), "goods.bad_number"),
])
def test_given_bad_input_when_creating_then_refused_with_its_reason_and_nothing_stored(bad, reason) -> None:
    deps = goods_world()
    with pytest.raises(ValidationError) as refused:
        create_goods(deps, bad(draft()))
    assert refused.value.reason == reason and refused.value.field
    assert deps.goods.list().items == [] and deps.erp.get("TS-000") is None


def test_given_a_matrix_over_600_skus_then_refused_naming_its_size() -> None:
    big = draft(colours=tuple(f"c{i}" for i in range(25)), sizes=tuple(f"s{i}" for i in range(25)))
    with pytest.raises(ValidationError, match="625") as refused:
        create_goods(goods_world(), big)
    assert (refused.value.reason, refused.value.field) == ("goods.matrix_too_large", "specs")


def test_given_a_sku_code_already_in_the_catalog_then_409_naming_it_and_nothing_stored() -> None:
    deps = goods_world()
    deps.erp.add(ErpSku("TS-007", "旧"))
    with pytest.raises(ConflictError, match="TS-007") as refused:
        create_goods(deps, draft())
    assert refused.value.reason == "goods.code_taken" and deps.erp.get("TS-000") is None


def test_given_a_sku_with_stock_reservations_or_links_then_not_deleted_and_otherwise_deleted() -> None:
    deps = goods_world()
    create_goods(deps, draft())
    deps.stock.rows["TS-000"] = Stock("TS-000", 3, 0)
    deps.stock.rows["TS-001"] = Stock("TS-001", 2, 2)
    deps.shop_skus.add(ShopSku("S1", Platform.TAOBAO, "p1", "p", "TS-002", "T", links=(SkuLink("TS-002"),)))
    for code, reason in (("TS-000", "goods.sku_has_stock"), ("TS-001", "goods.sku_open_orders"),
                         ("TS-002", "goods.sku_linked")):
        with pytest.raises(ConflictError) as refused:
            delete_sku(deps, code)
        assert refused.value.reason == reason and deps.erp.get(code) is not None
    delete_sku(deps, "TS-011")
    assert deps.erp.get("TS-011") is None and deps.goods.get("g1").sku_count == 11


def test_given_a_barcode_edit_then_search_finds_the_goods_by_it_and_by_code_name_and_sku() -> None:
    deps = goods_world()
    create_goods(deps, draft())
    create_goods(deps, draft("MUG", ("白",), ("大",), name="马克杯"))
    sku = deps.erp.get("TS-003")
    edit_sku(deps, "TS-003", sku.revision, {"barcode": "6900000000017", "price_fen": 2500})
    assert [g.goods_id for g in search(deps, "6900000000017")] == ["g1"]
    assert [g.goods_id for g in search(deps, "MUG-000")] == ["g2"]
    assert [g.goods_id for g in search(deps, "马克")] == ["g2"]
    assert [g.goods_id for g in search(deps, "TS")] == ["g1"]
    assert [g.goods_id for g in search(deps, "颜色=红")] == ["g1"] == [g.goods_id for g in search(deps, "颜色：红")]
    assert [g.goods_id for g in search(deps, "白")] == ["g2"] and search(deps, "尺码=白") == []
    with pytest.raises(ConflictError) as refused:
        edit_sku(deps, "TS-004", 1, {"barcode": "6900000000017"})
    assert refused.value.reason == "goods.barcode_taken"


def test_given_a_category_moved_under_its_descendant_then_refused_as_a_cycle() -> None:
    deps = goods_world()
    root = create_category(deps.categories, Category("", "服装", specs=(SpecAttribute("尺码", ("S", "M")),)))
    child = create_category(deps.categories, Category("", "上衣", root.category_id))
    grandchild = create_category(deps.categories, Category("", "T恤", child.category_id))
    with pytest.raises(ValidationError) as refused:
        edit_category(deps.categories, root.category_id, 1, {"parent_id": grandchild.category_id})
    assert (refused.value.reason, refused.value.field) == ("category.cycle", "parent_id")
    with pytest.raises(ValidationError) as self_parent:
        edit_category(deps.categories, root.category_id, 1, {"parent_id": root.category_id})
    assert self_parent.value.reason == "category.cycle"
    assert deps.categories.get(root.category_id).parent_id == ""


def test_given_a_supplier_with_an_unknown_settlement_then_refused() -> None:
    deps = goods_world()
    with pytest.raises(ValidationError) as refused:
        create_supplier(deps.suppliers, Supplier("", "工厂", settlement="yearly"))
    assert refused.value.reason == "supplier.bad_settlement"


def test_given_loose_erp_skus_when_adopted_then_each_is_a_one_sku_goods() -> None:
    deps = goods_world()
    deps.erp.add(ErpSku("OLD", "旧款"))
    assert adopt_loose(deps.goods, "t", [deps.erp.get("OLD")])["adopted"] == 1
    goods, skus = get_goods(deps, "SKU.OLD")
    assert goods.name == "旧款" and [s.sku_code for s in skus] == ["OLD"]


def test_given_a_library_sku_when_the_erp_api_or_a_csv_row_updates_it_then_it_stays_in_its_goods() -> None:
    from chalicelib.services.catalog import _store_all, _upsert_erp
    deps = goods_world()
    create_goods(deps, draft())
    outcome, stored = _upsert_erp(deps.erp, ErpSku("TS-000", "新名字", price_fen=100))
    assert outcome == "updated" and (stored.goods_id, stored.cost_fen, stored.spec_values) == ("g1", 900, ("红", "S"))
    _store_all(deps.erp, [(2, ErpSku("TS-001", "CSV 改名", price_fen=200))])
    again = deps.erp.get("TS-001")
    assert (again.name, again.goods_id, again.weight_g) == ("CSV 改名", "g1", 200)
    assert [s.sku_code for s in deps.goods.skus_of("g1")][:2] == ["TS-000", "TS-001"]


def test_given_an_erp_sku_created_or_imported_by_csv_then_it_is_a_one_sku_goods_at_once() -> None:
    from chalicelib.services.catalog import create_erp_sku, import_erp_skus
    from chalicelib.services.links import LinkDeps
    from tests import fakes
    deps = goods_world()
    links = LinkDeps(catalog=deps.shop_skus, erp=deps.erp, orders=fakes.InMemoryOrderRepository(),  # type: ignore[arg-type]
                     clock=deps.clock)

    def library(skus):  # type: ignore[no-untyped-def]
        return adopt_loose(deps.goods, "t", skus)
    created = create_erp_sku(deps.erp, links, ErpSku("NEW-1", "新品", barcode="6901"), library)
    assert (created.goods_id, created.revision) == ("SKU.NEW-1", 2)      # what is stored: an edit needs it
    assert [s.sku_code for s in get_goods(deps, "SKU.NEW-1")[1]] == ["NEW-1"] and deps.goods.holder_of("6901") == "NEW-1"
    report = import_erp_skus(deps.erp, links, [(2, {"sku_code": "CSV-1", "name": "导入"}),
                                                (3, {"sku_code": "NEW-1", "name": "改名"})], library)
    assert (report.created, report.updated) == (1, 1)
    assert deps.erp.get("CSV-1").goods_id == "SKU.CSV-1" and [g.goods_id for g in search(deps, "CSV-1")] == ["SKU.CSV-1"]
    assert deps.erp.get("NEW-1").goods_id == "SKU.NEW-1"                  # an update keeps its goods
