"""Bodies of the order processing routes (review gate, exception center, blacklist). The rules themselves
are checked by the domain's parser (domain/review_rules.py), which names the field inside a rule."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from chalicelib.api.schemas import Body

OrderId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")]


class RulesBody(Body):
    version: int = Field(ge=0)
    rules: list[dict[str, Any]] = Field(max_length=200)


class AutoReviewBody(Body):
    version: int = Field(ge=0)
    on: bool


class BlacklistBody(Body):
    version: int = Field(ge=0)
    kind: str = Field(pattern=r"^(buyer|receiver|order)$")
    reason: str = Field(min_length=1, max_length=200)
    platform: str = Field(default="", max_length=20)
    buyer_id: str = Field(default="", max_length=200)
    order_id: str = Field(default="", max_length=200)
    name_masked: str = Field(default="", max_length=100)
    province: str = Field(default="", max_length=50)
    city: str = Field(default="", max_length=50)
    district: str = Field(default="", max_length=50)
    address_masked: str = Field(default="", max_length=300)


class BlacklistRemoveBody(Body):
    version: int = Field(ge=0)
    key: str = Field(min_length=1, max_length=200)


class ConfirmBody(Body):
    order_ids: list[OrderId] = Field(min_length=1, max_length=100)
    revisions: dict[OrderId, int] = Field(default_factory=dict, max_length=100)  # order id -> revision seen


class ReleaseBody(Body):
    order_ids: list[OrderId] = Field(min_length=1, max_length=100)


class BulkCancelBody(Body):
    order_ids: list[OrderId] = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=200)


class OfflineShopBody(Body):
    name: str = Field(min_length=1, max_length=64)


class ManualLineBody(Body):
    sku_code: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100_000)
    unit_price_fen: int = Field(ge=0, le=100_000_000)


class ManualReceiverBody(Body):
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(pattern=r"^[0-9+\-() ]{5,20}$")
    province: str = Field(min_length=1, max_length=50)
    city: str = Field(min_length=1, max_length=50)
    district: str = Field(min_length=1, max_length=50)
    address: str = Field(min_length=1, max_length=200)


class ManualOrderBody(Body):
    shop_id: str = Field(min_length=1, max_length=64)
    buyer_nick: str = Field(default="", max_length=64)
    receiver: ManualReceiverBody
    lines: list[ManualLineBody] = Field(min_length=1, max_length=50)
    freight_fen: int = Field(default=0, ge=0, le=10_000_000)
    discount_fen: int = Field(default=0, ge=0, le=100_000_000)
    paid: bool = True
    buyer_memo: str = Field(default="", max_length=500)
    seller_memo: str = Field(default="", max_length=500)


class ReceiverEditBody(Body):
    revision: int = Field(ge=0)
    receiver: ManualReceiverBody


class LineSkuBody(Body):
    revision: int = Field(ge=0)
    line_id: str = Field(min_length=1, max_length=64)
    sku_code: str = Field(min_length=1, max_length=64)


class GiftLineBody(Body):
    revision: int = Field(ge=0)
    sku_code: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=999)


class GiftLineRemoveBody(Body):
    revision: int = Field(ge=0)
    line_id: str = Field(min_length=1, max_length=64)
