"""Request bodies of the goods library admin API (pydantic, at the edge only, extra="forbid"). Money in
fen like the rest of the admin API (price_fen...); the spreadsheet import/export speaks yuan."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from chalicelib.api.shop_schemas import CODE, Body

Status = Literal["active", "disabled"]
def _name() -> Any:
    return Field(min_length=1, max_length=100)


def _fen() -> Any:
    return Field(default=0, ge=0, le=10**12)


class SpecBody(Body):
    name: str = Field(min_length=1, max_length=30)
    values: list[str] = Field(min_length=1, max_length=100)


class SkuBody(Body):
    spec_values: list[str] = Field(default_factory=list, max_length=3)
    sku_code: str = Field(pattern=CODE)
    barcode: str = Field(default="", max_length=64)
    price_fen: int = _fen()
    cost_fen: int = _fen()
    purchase_fen: int = _fen()
    weight_g: int = Field(default=0, ge=0, le=10**9)
    volume_cm3: int = Field(default=0, ge=0, le=10**12)
    status: Status = "active"


class GoodsBody(Body):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    category_id: str = Field(default="", max_length=64)
    brand_id: str = Field(default="", max_length=64)
    supplier_ids: list[str] = Field(default_factory=list, max_length=20)
    unit: str = Field(default="件", max_length=10)
    images: list[str] = Field(default_factory=list, max_length=10)
    description: str = Field(default="", max_length=5000)
    status: Status = "active"
    specs: list[SpecBody] = Field(default_factory=list, max_length=3)
    skus: list[SkuBody] = Field(min_length=1, max_length=1000)   # the domain refuses over 600 with its reason


class GoodsPatchBody(Body):
    revision: int = Field(ge=1)
    code: str | None = Field(default=None, pattern=CODE)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    category_id: str | None = Field(default=None, max_length=64)
    brand_id: str | None = Field(default=None, max_length=64)
    supplier_ids: list[str] | None = Field(default=None, max_length=20)
    unit: str | None = Field(default=None, max_length=10)
    images: list[str] | None = Field(default=None, max_length=10)
    description: str | None = Field(default=None, max_length=5000)
    status: Status | None = None


class SkuPatchBody(Body):
    revision: int = Field(ge=1)
    barcode: str | None = Field(default=None, max_length=64)
    price_fen: int | None = Field(default=None, ge=0, le=10**12)
    cost_fen: int | None = Field(default=None, ge=0, le=10**12)
    purchase_fen: int | None = Field(default=None, ge=0, le=10**12)
    weight_g: int | None = Field(default=None, ge=0, le=10**9)
    volume_cm3: int | None = Field(default=None, ge=0, le=10**12)
    status: Status | None = None


class CategoryBody(Body):
    name: str = _name()
    parent_id: str = Field(default="", max_length=64)
    specs: list[SpecBody] = Field(default_factory=list, max_length=3)


class CategoryPatchBody(Body):
    revision: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    parent_id: str | None = Field(default=None, max_length=64)
    specs: list[SpecBody] | None = Field(default=None, max_length=3)


class BrandBody(Body):
    name: str = _name()
    status: Status = "active"


class BrandPatchBody(Body):
    revision: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    status: Status | None = None


class SupplierBody(Body):
    name: str = _name()
    contact: str = Field(default="", max_length=50)
    phone: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=300)
    settlement: Literal["cash", "weekly", "monthly", "prepaid"] = "monthly"
    status: Status = "active"
    note: str = Field(default="", max_length=1000)


class SupplierPatchBody(Body):
    revision: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    contact: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=300)
    settlement: Literal["cash", "weekly", "monthly", "prepaid"] | None = None
    status: Status | None = None
    note: str | None = Field(default=None, max_length=1000)


class ImageGrantBody(Body):
    content_type: str = Field(min_length=1, max_length=100)
    size: int = Field(ge=0, le=10**10)


class ImageConfirmBody(Body):
    key: str = Field(min_length=1, max_length=200)


class ProductPickBody(Body):
    platform_product_id: str = Field(min_length=1, max_length=128)
    platform_sku_ids: list[str] = Field(min_length=1, max_length=600)


class PushBody(Body):
    products: list[ProductPickBody] = Field(min_length=1, max_length=50)


class PushJobBody(Body):
    products: list[ProductPickBody] = Field(min_length=1, max_length=2000)


class XlsxImportBody(Body):
    file_base64: str = Field(min_length=1, max_length=1_000_000)
