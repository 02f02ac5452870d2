"""The goods library (商品库) in the browser: a category with specs, a brand, a supplier; goods with a 3x4
spec matrix and an image (straight to moto's S3, its thumbnail served by the UI's origin); a demo shop's
product pushed into the library with its SKUs linked; a search by barcode."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, login, shot

pytestmark = pytest.mark.browser


def _png(path: Path) -> Path:
    from PIL import Image
    Image.new("RGB", (640, 480), (30, 120, 200)).save(path, "PNG")
    return path


def _fill(page: Any, test_id: str, text: str) -> None:
    """Element Plus puts an el-input's attributes on its inner <input>."""
    page.locator(f"input[data-test={test_id}], [data-test={test_id}] input").first.fill(text)


def _select(page: Any, test_id: str, option: str) -> None:
    page.click(f"[data-test={test_id}]")
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


def test_GIVEN_the_library_WHEN_a_category_brand_supplier_and_3x4_goods_are_created_THEN_found_by_barcode(
        page: Any, runtime: dict[str, Any], tmp_path: Path) -> None:
    stamp = str(int(time.time()))[-6:]
    login(page, runtime)
    page.goto("/goods/categories")
    page.click("[data-test=add-category]")
    _fill(page, "category-name", f"上衣{stamp}")
    for i, (name, values) in enumerate([("颜色", "红, 蓝, 黑"), ("尺码", "S, M, L, XL")]):
        page.click("[data-test=category-add-spec]")
        _fill(page, f"category-spec-name-{i}", name)
        _fill(page, f"category-spec-values-{i}", values)
    page.click("[data-test=category-save]")
    page.locator("[data-test=category-table] .el-table__row", has_text=f"上衣{stamp}").wait_for()

    page.goto("/goods/brands")
    page.click("[data-test=add-brand]")
    _fill(page, "brand-name", f"优衣库{stamp}")
    page.click("[data-test=brand-save]")
    page.locator("[data-test=brand-table] .el-table__row", has_text=f"优衣库{stamp}").wait_for()

    page.goto("/goods/suppliers")
    page.click("[data-test=add-supplier]")
    _fill(page, "supplier-name", f"广州档口{stamp}")
    _fill(page, "supplier-contact", "王姐")
    page.click("[data-test=supplier-save]")
    page.locator("[data-test=supplier-table] .el-table__row", has_text=f"广州档口{stamp}").wait_for()

    page.goto("/goods/list")
    page.click("[data-test=add-goods]")
    _fill(page, "goods-code", f"TS{stamp}")
    _fill(page, "goods-name", f"纯棉T恤{stamp}")
    _select(page, "goods-category", f"上衣{stamp}")           # its specs fill the matrix's attributes
    _select(page, "goods-brand", f"优衣库{stamp}")
    _select(page, "goods-suppliers", f"广州档口{stamp}")
    page.keyboard.press("Escape")
    page.set_input_files("[data-test=goods-image]", str(_png(tmp_path / "shirt.png")))
    page.locator(".el-message", has_text="图片已上传").wait_for()
    page.click("[data-test=goods-generate]")
    assert page.locator("[data-test=goods-matrix] .el-table__row").count() == 12
    barcode = f"69{stamp}0005"
    _fill(page, "sku-barcode-5", barcode)
    shot(page, "40-goods-matrix")
    page.click("[data-test=goods-save]")
    page.locator(".el-message", has_text="已创建").wait_for()

    _fill(page, "goods-search", barcode)
    page.click("[data-test=goods-search-button]")
    row = page.locator("[data-test=goods-table] .el-table__row", has_text=f"TS{stamp}")
    row.wait_for()
    # the new goods is also in the unfiltered list the page showed before the search answered: wait for it
    expect(page.locator("[data-test=goods-table] .el-table__row")).to_have_count(1)
    goods = api(runtime, "GET", f"/admin/goods?q={barcode}")["items"][0]
    assert goods["sku_count"] == 12 and len(goods["images"]) == 1
    thumb = goods["images"][0].replace("/originals/", "/thumbs/").rsplit(".", 1)[0] + ".jpg"
    deadline = time.monotonic() + 30        # the images worker makes the thumbnail from the queue
    while time.monotonic() < deadline and not page.request.get(f"/{thumb}").ok:
        time.sleep(1)
    assert page.request.get(f"/{thumb}").headers["content-type"] == "image/jpeg"
    shot(page, "41-goods-found-by-barcode")


def _pulled_shop(runtime: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # the demo's own shop: other journeys add (and archive) taobao shops that were never authorised
    shops = [s for s in api(runtime, "GET", "/admin/shops")["items"]
             if s["platform"] == "taobao" and s["status"] == "active"]
    shop_id = shops[0]["shop_id"]
    api(runtime, "POST", f"/admin/shops/{shop_id}/catalog/pull")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        unlinked = api(runtime, "GET", f"/admin/shops/{shop_id}/skus?unlinked=true&limit=200")["items"]
        if unlinked:
            return shop_id, unlinked[0]
        time.sleep(1)
    raise AssertionError("the demo shop's catalog has no unlinked SKU")


def test_GIVEN_a_demo_shop_product_WHEN_pushed_to_the_library_THEN_its_skus_are_linked(
        page: Any, runtime: dict[str, Any]) -> None:
    shop_id, sku = _pulled_shop(runtime)
    login(page, runtime)
    page.goto(f"/catalog/shop-skus?shop_id={shop_id}&unlinked=true")
    row = page.locator("[data-test=shop-sku-table] .el-table__row", has_text=sku["platform_sku_id"]).first
    row.locator(".el-checkbox").click()
    page.click("[data-test=push-to-library]")
    page.locator("[data-test=push-preview] .el-table__row").first.wait_for()
    page.click("[data-test=push-confirm]")
    # a server job on the link-jobs queue: the dialog polls it (the local runner picks steps up in seconds)
    page.locator("[data-test=push-result]").wait_for(timeout=120_000)
    shot(page, "42-pushed-to-library")
    stored = api(runtime, "GET", f"/admin/shops/{shop_id}/skus?limit=200")["items"]
    pushed = next(s for s in stored if s["platform_sku_id"] == sku["platform_sku_id"])
    assert pushed["linked"], pushed
    code = pushed["links"][0]["sku_code"]
    reverse = api(runtime, "GET", f"/admin/library-skus/{code}/shop-skus")["items"]
    assert (shop_id, sku["platform_sku_id"]) in {(s["shop_id"], s["platform_sku_id"]) for s in reverse}
    goods_id = api(runtime, "GET", f"/admin/erp-skus?prefix={code}")["items"][0]["goods_id"]
    [image] = api(runtime, "GET", f"/admin/goods/{goods_id}")["images"]     # the platform's, copied in
    _served(runtime["ui"].rstrip("/") + "/" + image.replace("/originals/", "/thumbs/").rsplit(".", 1)[0] + ".jpg")


def _served(url: str, seconds: float = 90.0) -> None:
    """The images worker fetched it through the sandbox's CDN and made its thumbnail."""
    import urllib.error
    import urllib.request
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert answer.headers.get_content_type() == "image/jpeg"
                return
        except urllib.error.HTTPError:
            assert time.monotonic() < deadline, f"{url} never served"
            time.sleep(1)
