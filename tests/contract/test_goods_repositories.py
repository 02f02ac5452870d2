"""The goods library stores (services/goods_ports.py) against the in-memory fakes and DynamoDB (moto)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.goods import Goods, SkuDraft, SpecAttribute, adopted_goods, library_sku
from chalicelib.domain.suppliers import Supplier
from chalicelib.domain.taxonomy import Brand
from tests.aws import aws
from tests.goods_fakes import InMemoryGoodsRepository, InMemoryRecordRepository

SPECS = (SpecAttribute("颜色", ("红", "蓝")), SpecAttribute("尺码", ("M", "L")))


def goods(n: int = 1, name: str = "T恤") -> Goods:
    return Goods(f"g{n}", f"TS{n}", f"{name}{n}", specs=SPECS, sku_count=4)


def skus(g: Goods, prefix: str = "TS", barcode: bool = True) -> list[ErpSku]:
    cells = [("红", "M"), ("红", "L"), ("蓝", "M"), ("蓝", "L")]
    return [library_sku(g, SkuDraft(c, f"{prefix}-{i}", f"69{prefix}{i}" if barcode else "", 1990)) for i, c in
            enumerate(cells)]


@pytest.fixture(params=["fake", "dynamodb"])
def stores(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    if request.param == "fake":
        repo = InMemoryGoodsRepository()
        yield {"goods": repo, "erp": repo.erp, "suppliers": InMemoryRecordRepository(lambda s: s.supplier_id),
               "brands": InMemoryRecordRepository(lambda b: b.brand_id)}
        return
    with aws(("erp_skus", "goods")):
        from chalicelib.storage.erp_skus import DynamoErpSkuRepository
        from chalicelib.storage.goods import DynamoGoodsRepository
        from chalicelib.storage.records import DynamoRecordRepository
        yield {"goods": DynamoGoodsRepository(), "erp": DynamoErpSkuRepository(),
               "suppliers": DynamoRecordRepository("SUPPLIER", Supplier, lambda s: s.supplier_id),
               "brands": DynamoRecordRepository("BRAND", Brand, lambda b: b.brand_id)}


def test_given_new_goods_when_created_then_goods_and_skus_read_back_and_barcodes_are_held(stores) -> None:
    repo, g = stores["goods"], goods()
    repo.create(g, skus(g))
    assert repo.get("g1") == replace(g, revision=1)
    assert [s.sku_code for s in repo.skus_of("g1")] == ["TS-0", "TS-1", "TS-2", "TS-3"]
    assert stores["erp"].get("TS-2").spec_values == ("蓝", "M")
    assert stores["erp"].get("TS-2").spec == "颜色:蓝;尺码:M"
    assert repo.holder_of("69TS1") == "TS-1"


def test_given_a_taken_sku_code_when_creating_then_refused_naming_it_and_nothing_stored(stores) -> None:
    repo = stores["goods"]
    stores["erp"].add(ErpSku("TS-2", "old"))
    g = goods()
    with pytest.raises(ConflictError, match="TS-2") as refused:
        repo.create(g, skus(g))
    assert refused.value.reason == "goods.code_taken"
    assert repo.get("g1") is None and stores["erp"].get("TS-0") is None and repo.holder_of("69TS0") is None


def test_given_a_taken_barcode_when_creating_then_refused_naming_it(stores) -> None:
    repo, first = stores["goods"], goods(1)
    repo.create(first, skus(first))
    second = goods(2)
    clash = [replace(s, barcode="69TS3") if i == 0 else s for i, s in enumerate(skus(second, "XX"))]
    with pytest.raises(ConflictError, match="69TS3") as refused:
        repo.create(second, clash)
    assert refused.value.reason == "goods.barcode_taken"
    assert repo.get("g2") is None and stores["erp"].get("XX-1") is None


def test_given_more_writes_than_one_transaction_then_all_are_stored(stores) -> None:
    repo = stores["goods"]
    big = Goods("big", "BIG", "大", specs=(SpecAttribute("n", tuple(str(i) for i in range(120))),), sku_count=120)
    many = [library_sku(big, SkuDraft((str(i),), f"B-{i:03d}", f"B{i:03d}")) for i in range(120)]
    repo.create(big, many)
    assert len(repo.skus_of("big")) == 120 and repo.holder_of("B119") == "B-119"


def test_given_a_late_clash_in_a_big_create_then_the_written_part_is_undone(stores) -> None:
    repo = stores["goods"]
    big = Goods("big", "BIG", "大", specs=(SpecAttribute("n", tuple(str(i) for i in range(120))),), sku_count=120)
    many = [library_sku(big, SkuDraft((str(i),), f"B-{i:03d}", f"B{i:03d}")) for i in range(120)]
    if isinstance(repo, InMemoryGoodsRepository):
        pytest.skip("the fake writes at once; the chunked path is DynamoDB's")
    import chalicelib.storage.goods as storage
    real = storage.DynamoGoodsRepository._refuse_taken
    calls = []

    def first_check_passes(self, s):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) > 1:
            real(self, s)

    storage.DynamoGoodsRepository._refuse_taken = first_check_passes  # type: ignore[method-assign]
    try:
        stores["erp"].add(ErpSku("B-110", "taken meanwhile"))
        with pytest.raises(ConflictError, match="B-110"):
            repo.create(big, many)
    finally:
        storage.DynamoGoodsRepository._refuse_taken = real  # type: ignore[method-assign]
    assert repo.get("big") is None and stores["erp"].get("B-000") is None and repo.holder_of("B000") is None


def test_given_a_barcode_change_then_the_old_one_is_free_and_a_taken_one_refused(stores) -> None:
    repo, g = stores["goods"], goods()
    repo.create(g, skus(g))
    current = stores["erp"].get("TS-0")
    repo.replace_sku(current, replace(current, barcode="NEW0", price_fen=2990))
    assert repo.holder_of("69TS0") is None and repo.holder_of("NEW0") == "TS-0"
    assert stores["erp"].get("TS-0").price_fen == 2990
    again = stores["erp"].get("TS-0")
    with pytest.raises(ConflictError) as refused:
        repo.replace_sku(again, replace(again, barcode="69TS1"))
    assert refused.value.reason == "goods.barcode_taken"
    with pytest.raises(ConflictError):
        repo.replace_sku(current, replace(current, price_fen=1))      # stale revision


def test_given_a_sku_deleted_then_its_barcode_is_free_and_the_goods_counts_one_fewer(stores) -> None:
    repo, g = stores["goods"], goods()
    repo.create(g, skus(g))
    repo.delete_sku(repo.get("g1"), stores["erp"].get("TS-3"))
    assert stores["erp"].get("TS-3") is None and repo.holder_of("69TS3") is None
    assert repo.get("g1").sku_count == 3 and repo.get("g1").revision == 2


def test_given_goods_then_listed_by_name_prefix_and_found_by_code_prefix(stores) -> None:
    repo = stores["goods"]
    for n, name in ((1, "衬衫"), (2, "T恤"), (3, "T恤")):
        g = goods(n, name)
        repo.create(g, skus(g, f"P{n}", barcode=False))
    page = repo.list(limit=2)
    assert [g.goods_id for g in page.items] == ["g2", "g3"] and page.cursor
    assert [g.goods_id for g in repo.list(limit=2, cursor=page.cursor).items] == ["g1"]
    assert [g.goods_id for g in repo.list(prefix="衬").items] == ["g1"]
    assert [g.goods_id for g in repo.by_code("TS3")] == ["g3"]
    assert set(repo.get_many(["g1", "g3", "nope"])) == {"g1", "g3"}


def test_given_a_loose_erp_sku_when_adopted_twice_then_one_goods_and_its_barcode_held(stores) -> None:
    repo, erp = stores["goods"], stores["erp"]
    erp.add(ErpSku("OLD-1", "旧款", barcode="690001"))
    erp.add(ErpSku("OLD-2", "撞码", barcode="690001"))
    assert repo.adopt(erp.get("OLD-1"), adopted_goods(erp.get("OLD-1"), "t")) == "adopted"
    assert repo.adopt(erp.get("OLD-1"), adopted_goods(erp.get("OLD-1"), "t")) == "already"
    assert repo.adopt(erp.get("OLD-2"), adopted_goods(erp.get("OLD-2"), "t")) == "barcode_taken"
    assert repo.get("SKU.OLD-1").name == "旧款" and erp.get("OLD-1").goods_id == "SKU.OLD-1"
    assert [s.sku_code for s in repo.skus_of("SKU.OLD-2")] == ["OLD-2"] and repo.holder_of("690001") == "OLD-1"


def test_given_records_then_conditional_and_listed_by_name(stores) -> None:
    suppliers = stores["suppliers"]
    suppliers.add(Supplier("s2", "义乌工厂"))
    suppliers.add(Supplier("s1", "广州档口", contact="王", settlement="cash"))
    with pytest.raises(ConflictError):
        suppliers.add(Supplier("s1", "again"))
    suppliers.save(replace(suppliers.get("s1"), phone="138"), 1)
    with pytest.raises(ConflictError):
        suppliers.save(replace(suppliers.get("s1"), phone="139"), 1)
    assert [s.supplier_id for s in suppliers.list().items] == ["s2", "s1"]   # UTF-8 order: 义 < 广
    assert suppliers.get("s1").phone == "138" and suppliers.get("s1").revision == 2
    assert set(suppliers.get_many(["s1", "x"])) == {"s1"}
    stores["brands"].add(Brand("b1", "优衣库"))
    assert stores["brands"].list().items[0].name == "优衣库"


def test_given_goods_with_specs_then_found_by_a_spec_value_under_its_attribute_or_any(stores) -> None:
    repo = stores["goods"]
    shirt, mug = goods(1), Goods("g2", "MUG", "马克杯", specs=(SpecAttribute("颜色", ("白", "红")),), sku_count=1)
    repo.create(shirt, skus(shirt))
    repo.create(mug, [library_sku(mug, SkuDraft(("白",), "MUG-1"))])     # its 红 cell left out
    assert [g.goods_id for g in repo.by_spec("颜色", "红")] == ["g1"]
    assert [g.goods_id for g in repo.by_spec("", "白")] == ["g2"]
    assert repo.by_spec("尺码", "白") == [] and repo.by_spec("", "绿") == []
    assert [g.goods_id for g in repo.by_spec("", "M")] == ["g1"]      # one goods however many SKUs carry it
    repo.remove(repo.get("g2"), [stores["erp"].get("MUG-1")])
    assert repo.by_spec("", "白") == []


def test_given_many_loose_erp_skus_when_adopted_at_once_then_each_a_goods_and_a_stale_one_left(stores) -> None:
    repo, erp = stores["goods"], stores["erp"]
    for n in range(40):                                   # more than one transaction's worth
        erp.add(ErpSku(f"L-{n:02d}", f"散货{n}", barcode="6955" if n in (3, 4) else ""))
    loose = [erp.get(f"L-{n:02d}") for n in range(40)]
    erp.save(replace(loose[35], name="改过"), 1)             # edited after it was read
    counts = repo.adopt_many([(s, adopted_goods(s, "t")) for s in loose])
    assert counts == {"adopted": 38, "already": 0, "barcode_taken": 1, "changed": 1}
    assert erp.get("L-00").goods_id == "SKU.L-00" and repo.get("SKU.L-39").name == "散货39"
    assert erp.get("L-35").goods_id == "" and repo.get("SKU.L-35") is None
    assert repo.holder_of("6955") == "L-03" and erp.get("L-04").goods_id == "SKU.L-04"
