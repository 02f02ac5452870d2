"""Request bodies of the shop, catalog and stock admin API (pydantic, at the edge only, extra="forbid").
Imported inside the handlers: pydantic is not paid for by routes that do not parse a body."""
from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from chalicelib.domain.platform import Platform
from chalicelib.services.shop_admin import AppMode

CODE = r"^[^\s/\\#?%~][^\s/\\#?%]{0,63}$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewShopBody(Body):
    name: str = Field(min_length=1, max_length=100)
    platform: Platform
    mode: AppMode = AppMode.SELF_BUILT
    app_key: str = Field(min_length=1, max_length=128)
    app_secret: str = Field(min_length=1, max_length=512)
    seller_id: str = Field(default="", max_length=128)
    access_token: str = Field(default="", max_length=4096)
    refresh_token: str = Field(default="", max_length=4096)
    token_expires_at: AwareDatetime | None = None
    refresh_expires_at: AwareDatetime | None = None
    extra: dict[str, str] = Field(default_factory=dict, max_length=10)
    base_url: str = Field(default="", max_length=300, pattern=r"^(https?://[^\s]+)?$")


class StockSyncBody(Body):
    enabled: bool | None = None
    ratio_percent: int | None = Field(default=None, ge=0, le=100)
    safety_stock: int | None = Field(default=None, ge=0, le=1_000_000)
    floor: int | None = Field(default=None, ge=0, le=1_000_000)


class ShopPatchBody(Body):
    """Only the fields given change. The secret is write-only: never returned."""
    name: str | None = Field(default=None, min_length=1, max_length=100)
    app_key: str | None = Field(default=None, min_length=1, max_length=128)
    app_secret: str | None = Field(default=None, min_length=1, max_length=512)
    extra: dict[str, str] | None = Field(default=None, max_length=10)
    base_url: str | None = Field(default=None, max_length=300, pattern=r"^(https?://[^\s]+)?$")
    stock_sync: StockSyncBody | None = None


class TokensBody(Body):
    access_token: str = Field(min_length=1, max_length=4096)
    refresh_token: str = Field(default="", max_length=4096)
    expires_at: AwareDatetime
    refresh_expires_at: AwareDatetime | None = None


class PauseBody(Body):
    reason: str = Field(default="", max_length=300)


class AuthoriseBody(Body):
    mode: str = Field(default="redirect", pattern=r"^(redirect|direct)$")


class LinkBody(Body):
    sku_code: str = Field(pattern=CODE)
    quantity: int = Field(default=1, ge=1, le=1000)


class LinksBody(Body):
    links: list[LinkBody] = Field(max_length=20)   # empty: unlink


class BulkLinkItem(Body):
    shop_id: str = Field(min_length=1, max_length=64)
    platform_sku_id: str = Field(min_length=1, max_length=128)
    links: list[LinkBody] = Field(min_length=1, max_length=20)


class BulkLinksBody(Body):
    items: list[BulkLinkItem] = Field(min_length=1, max_length=500)


class ErpSkuBody(Body):
    sku_code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    spec: str = Field(default="", max_length=200)
    barcode: str = Field(default="", max_length=64)
    price_fen: int = Field(default=0, ge=0)


class ErpSkuPatchBody(Body):
    revision: int = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    spec: str | None = Field(default=None, max_length=200)
    barcode: str | None = Field(default=None, max_length=64)
    price_fen: int | None = Field(default=None, ge=0)


class AdjustBody(Body):
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    reason: str = Field(min_length=1, max_length=300)
    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    warehouse_id: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class ResolveDiscrepancyBody(Body):
    note: str = Field(min_length=1, max_length=500, description="what was counted or done to settle it")


class PushNowBody(Body):
    sku_codes: list[Annotated[str, Field(pattern=CODE)]] = Field(min_length=1, max_length=500)
