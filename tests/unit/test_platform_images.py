"""Platform product images: fetched only from the platform's own image CDN over https (a product field is
not a way to make the Lambda request any address), through the sandbox's stand-in CDN locally; pushed goods
name the image and the images worker copies it in after the goods exist."""
from __future__ import annotations

import pytest

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.platform import Platform
from chalicelib.platforms.images import fetch_url
from chalicelib.services.goods_images import import_image, platform_image_key
from chalicelib.services.goods_push import ProductPick, push_products
from tests.goods_kit import push_world


@pytest.mark.parametrize(("platform", "url", "expected"), [
    ("taobao", "https://img.alicdn.com/i1/1.jpg", "https://img.alicdn.com/i1/1.jpg"),
    ("taobao", "//gw.alicdn.com/i1/1.jpg", "https://gw.alicdn.com/i1/1.jpg"),
    ("jd", "jfs/t1/9.jpg", "https://img10.360buyimg.com/n1/jfs/t1/9.jpg"),
    ("taobao", "http://img.alicdn.com/1.jpg", None),                 # not https
    ("taobao", "https://alicdn.com.evil.example/1.jpg", None),       # a look-alike host
    ("taobao", "https://169.254.169.254/latest/meta-data", None),    # the instance metadata
    ("pdd", "https://img.alicdn.com/1.jpg", None),                   # another platform's CDN
    ("taobao", "https://img.alicdn.com:8443/1.jpg", None),
    ("taobao", "https://user@img.alicdn.com/1.jpg", None),
])
def test_given_an_image_url_then_fetched_only_from_the_platforms_cdn(platform, url, expected) -> None:
    assert fetch_url(platform, url) == expected


def test_given_a_sandbox_shop_then_its_images_come_through_the_sandbox_cdn() -> None:
    assert fetch_url("douyin", "https://p3-aio.ecombdimg.com/obj/sandbox/7.jpg", "http://127.0.0.1:8764") \
        == "http://127.0.0.1:8764/_cdn/p3-aio.ecombdimg.com/obj/sandbox/7.jpg"


class Images:
    def __init__(self) -> None:
        self.queued: list[tuple[str, str]] = []

    def source(self, shop_id: str, url: str) -> str | None:
        return fetch_url("taobao", url)

    def fetch_later(self, key: str, source: str) -> None:
        self.queued.append((key, source))


def test_given_a_shop_product_with_an_image_when_pushed_then_the_goods_names_it_and_its_fetch_is_queued() -> None:
    from dataclasses import replace
    images = Images()
    deps = replace(push_world(), images=images)
    url = "https://img.alicdn.com/i1/P1.jpg"
    deps.shop_skus.add(ShopSku("S1", Platform.TAOBAO, "sku-0", "P1", "TS-0", "T恤", "红", 5900, image_url=url))
    deps.shop_skus.add(ShopSku("S1", Platform.TAOBAO, "sku-1", "P2", "MUG-0", "杯", "白", 900,
                               image_url="https://evil.example/x.jpg"))
    first, second = push_products(deps, "S1", [ProductPick("P1", ("sku-0",)), ProductPick("P2", ("sku-1",))])
    assert deps.goods.get(first.goods_id).images == (platform_image_key(url),)
    assert images.queued == [(platform_image_key(url), url)]
    assert deps.goods.get(second.goods_id).images == ()          # not the platform's CDN: no image at all


class Store:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}

    def head(self, key: str) -> dict[str, object] | None:
        return {"size": len(self.objects[key][0]), "content_type": self.objects[key][1]} if key in self.objects else None

    def read(self, key: str, first: int | None = None) -> bytes:
        return self.objects[key][0][:first]

    def put(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key] = (body, content_type)


def test_given_a_queued_platform_image_then_stored_once_as_its_type_and_a_refused_one_is_dropped() -> None:
    from local.sandbox.core import cdn_image
    store, calls = Store(), []
    key = platform_image_key("https://img.alicdn.com/i1/P1.jpg")

    def download(url: str) -> bytes | None:
        calls.append(url)
        return cdn_image("/_cdn/img.alicdn.com/i1/P1.jpg").body
    assert import_image(store, key, "https://img.alicdn.com/i1/P1.jpg", download)
    assert store.objects[key][1] == "image/png" and store.objects[key.replace("originals", "thumbs")
                                                                     .rsplit(".", 1)[0] + ".jpg"][1] == "image/jpeg"
    assert import_image(store, key, "https://img.alicdn.com/i1/P1.jpg", download) and len(calls) == 1   # once
    assert not import_image(store, platform_image_key("https://img.alicdn.com/2.jpg"), "u", lambda url: None)
    assert not import_image(store, platform_image_key("https://img.alicdn.com/3.jpg"), "u", lambda url: b"<html>")
