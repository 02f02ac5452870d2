"""Shop SKUs (what a platform sells), ERP SKUs (what the seller stocks) and the links between them."""
from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform


@dataclass(frozen=True)
class ErpSku:
    sku_code: str                         # the seller's own code: what merchant codes are matched against
    name: str
    spec: str = ""
    barcode: str = ""
    price_fen: int = 0                    # list price (标价)
    revision: int = 0
    # the goods library (domain/goods.py): a library SKU is this record, extended
    goods_id: str = ""                    # "": not adopted yet (storage/goods_upgrade.py adopts it)
    spec_values: tuple[str, ...] = ()     # one value per spec attribute of its goods
    cost_fen: int = 0
    purchase_fen: int = 0
    weight_g: int = 0
    volume_cm3: int = 0
    status: str = "active"


LIBRARY_FIELDS = ("goods_id", "spec_values", "cost_fen", "purchase_fen", "weight_g", "volume_cm3", "status")


def keeping_library(incoming: ErpSku, current: ErpSku) -> ErpSku:
    """An ERP SKU written by the ERP API or a CSV row (code, name, spec, barcode, price) over a stored one:
    what the goods library added to it stays (its goods, spec values, costs, weight...)."""
    return replace(incoming, **{name: getattr(current, name) for name in LIBRARY_FIELDS})


@dataclass(frozen=True)
class ShopSku:
    shop_id: str
    platform: Platform
    platform_sku_id: str
    platform_product_id: str
    merchant_code: str
    title: str
    sku_name: str = ""
    price_fen: int = 0
    platform_stock: int = 0
    image_url: str = ""                   # the product's (or SKU's) main image on the platform's CDN
    links: tuple[SkuLink, ...] = ()       # several: a bundle (one shop SKU = several ERP SKUs)
    link_source: str = ""                 # "auto" (merchant code), "manual", "bulk"
    revision: int = 0

    @property
    def linked(self) -> bool:
        return bool(self.links)


def auto_link(shop_sku: ShopSku, erp_codes: set[str]) -> tuple[SkuLink, ...]:
    """Link by merchant code, the way sellers set up their catalogs (seed V3 behaviour)."""
    code = shop_sku.merchant_code.strip()
    return (SkuLink(code, 1),) if code and code in erp_codes else ()
