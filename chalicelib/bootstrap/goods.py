"""The goods library's adapters, built once per process like bootstrap's (and replaced the same way in
tests: bootstrap.override(goods=..., categories=...)). Part of the composition root: a
part of the composition root, so its imports wait inside the builders as bootstrap's do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.domain.suppliers import Supplier
    from chalicelib.domain.taxonomy import Brand, Category
    from chalicelib.services.goods import GoodsDeps
    from chalicelib.services.goods_images import ImageStore, QueuedImages
    from chalicelib.services.goods_ports import GoodsStore, RecordStore
    from chalicelib.services.goods_push_jobs import PushJobDeps, PushJobStarter

__all__ = [
    "_records",
    "brands",
    "categories",
    "goods",
    "goods_deps",
    "images",
    "library",
    "platform_images",
    "push_job_deps",
    "push_starter",
    "suppliers",
]


def goods() -> GoodsStore:
    def build() -> Any:
        from chalicelib.storage.goods import DynamoGoodsRepository

        return DynamoGoodsRepository()

    return bootstrap._get("goods", build)


def _records(kind: str, cls: type, id_field: str) -> Any:
    def build() -> Any:
        from chalicelib.storage.records import DynamoRecordRepository

        return DynamoRecordRepository(kind, cls, lambda r: getattr(r, id_field))

    return bootstrap._get(kind.lower(), build)


def categories() -> RecordStore[Category]:
    from chalicelib.domain.taxonomy import Category

    return _records("CATEGORY", Category, "category_id")


def brands() -> RecordStore[Brand]:
    from chalicelib.domain.taxonomy import Brand

    return _records("BRAND", Brand, "brand_id")


def suppliers() -> RecordStore[Supplier]:
    """The supplier store (services/goods_ports.RecordStore of domain/suppliers.Supplier)."""
    from chalicelib.domain.suppliers import Supplier

    return _records("SUPPLIER", Supplier, "supplier_id")


def goods_deps(link: bool = True) -> GoodsDeps:
    from chalicelib.services.goods import GoodsDeps

    return GoodsDeps(
        goods=goods(),
        erp=bootstrap.erp_skus(),
        categories=categories(),
        brands=brands(),
        suppliers=suppliers(),
        stock=bootstrap.stock(),
        shop_skus=bootstrap.shop_skus(),
        clock=bootstrap.clock(),
        links=bootstrap.link_deps() if link else None,
        images=platform_images() if link else None,
    )


def platform_images() -> QueuedImages:
    """Platform images of pushed goods, queued for the images worker (services/goods_images.py)."""
    from urllib.parse import urlsplit

    from chalicelib.platforms.images import fetch_url
    from chalicelib.services.goods_images import QueuedImages

    def source_of(shop_id: str, url: str) -> str | None:
        shop = bootstrap.shops().get(shop_id)
        if shop is None:
            return None
        sandbox = urlsplit(shop.base_url)
        return fetch_url(shop.platform.value, url, f"{sandbox.scheme}://{sandbox.netloc}" if shop.base_url else "")

    return QueuedImages(source_of, bootstrap.publisher())


def library() -> Any:
    """New ERP SKUs (the admin create, a CSV import, the ERP API) join the goods library at once, each the
    only SKU of a goods record derived from its code, as the upgrade makes them."""
    from chalicelib.services.goods import adopt_loose

    return lambda skus: adopt_loose(goods(), bootstrap.clock().now().isoformat(), skus)


def push_job_deps() -> PushJobDeps:
    """The link-jobs consumer's goods push steps: linking and re-resolving as the worker does."""
    from dataclasses import replace

    from chalicelib.services.goods_push_jobs import PushJobDeps

    jobs = bootstrap.link_job_deps()
    return PushJobDeps(goods=replace(goods_deps(link=False), links=jobs.links, images=platform_images()), jobs=jobs)


def push_starter() -> PushJobStarter:
    from chalicelib.services.goods_push_jobs import PushJobStarter

    return PushJobStarter(bootstrap.link_jobs(), bootstrap.publisher(), bootstrap.clock())


def images() -> ImageStore:
    def build() -> Any:
        from chalicelib.storage.images import S3ImageStore

        return S3ImageStore()

    return bootstrap._get("images", build)
