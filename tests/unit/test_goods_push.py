"""Shop goods into the library (推送到商品库): a product's SKUs become goods + SKUs with parsed specs and
are linked in one action; a merchant code already in the library is linked instead of duplicated."""
from __future__ import annotations

from chalicelib.domain.catalog import ErpSku, ShopSku
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.services.goods_push import ProductPick, parse_specs, push_products
from tests.goods_kit import push_world


def shop_sku(n: int, name: str, code: str = "", product: str = "P1") -> ShopSku:
    return ShopSku("S1", Platform.TAOBAO, f"sku-{n}", product, code, "纯棉T恤", name, 5900)


def test_given_named_or_unnamed_sku_names_then_a_matrix_else_one_spec() -> None:
    specs, rows = parse_specs(["颜色:红;尺码:M", "颜色:红;尺码:L", "颜色:蓝;尺码:M"])
    assert [(a.name, a.values) for a in specs] == [("颜色", ("红", "蓝")), ("尺码", ("M", "L"))]
    assert rows == [("红", "M"), ("红", "L"), ("蓝", "M")]
    specs, rows = parse_specs(["白色 M", "白色 L", "黑色 XL"])
    assert [a.name for a in specs] == ["规格1", "规格2"] and rows[2] == ("黑色", "XL")
    specs, rows = parse_specs(["默认"])
    assert specs[0].values == ("默认",) and rows == [("默认",)]
    specs, rows = parse_specs(["500g", "1kg 装", "1kg 装"])
    assert specs[0].name == "规格" and len(set(rows)) == 3


def test_given_a_shop_product_when_pushed_then_goods_and_skus_are_created_and_the_shop_skus_linked() -> None:
    deps = push_world()
    for n, name in enumerate(["颜色:红;尺码:M", "颜色:红;尺码:L", "颜色:蓝;尺码:M"]):
        deps.shop_skus.add(shop_sku(n, name, f"TS-{n}"))
    [result] = push_products(deps, "S1", [ProductPick("P1", ("sku-0", "sku-1", "sku-2"))])
    assert result.ok and result.created == ["TS-0", "TS-1", "TS-2"] and result.existing == {}
    goods = deps.goods.get(result.goods_id)
    assert goods.name == "纯棉T恤" and goods.code == "taobao-P1" and [a.name for a in goods.specs] == ["颜色", "尺码"]
    assert deps.erp.get("TS-1").spec_values == ("红", "L") and deps.erp.get("TS-1").price_fen == 5900
    assert deps.shop_skus.get("S1", "sku-2").links == (SkuLink("TS-2"),)
    assert deps.shop_skus.linked_to("TS-0") == [("S1", "sku-0")]


def test_given_a_merchant_code_already_in_the_library_then_that_sku_is_linked_not_created_again() -> None:
    deps = push_world()
    deps.erp.add(ErpSku("TS-0", "已有"))
    deps.shop_skus.add(shop_sku(0, "红", "TS-0"))
    deps.shop_skus.add(shop_sku(1, "蓝", ""))
    [result] = push_products(deps, "S1", [ProductPick("P1", ("sku-0", "sku-1"))])
    assert result.ok and result.existing == {"sku-0": "TS-0"} and result.created == ["S1-sku-1"]
    assert deps.shop_skus.get("S1", "sku-0").links == (SkuLink("TS-0"),)
    assert deps.erp.get("TS-0").name == "已有"


def test_given_many_products_one_missing_then_the_others_are_pushed() -> None:
    deps = push_world()
    deps.shop_skus.add(shop_sku(0, "红", "A-0", "P1"))
    deps.shop_skus.add(shop_sku(1, "蓝", "B-0", "P2"))
    results = push_products(deps, "S1", [ProductPick("P1", ("sku-0",)), ProductPick("P9", ("sku-9",)),
                                         ProductPick("P2", ("sku-1",))])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reason == "goods.shop_product_missing"
    assert deps.shop_skus.get("S1", "sku-1").links == (SkuLink("B-0"),)
