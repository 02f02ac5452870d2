"""Request bodies of the warehouse and stock-document admin API (pydantic at the edge, extra="forbid")."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.stock_documents import DocReason, DocType
from chalicelib.domain.warehouses import WarehouseKind

WAREHOUSE_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
SKU_CODE = r"^[^\s/\\#?%~][^\s/\\#?%]{0,63}$"
SHOP_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocationBody(Body):
    code: str = Field(pattern=WAREHOUSE_ID, description="e.g. A-01-03")
    name: str = Field("", max_length=60)


class WarehouseBody(Body):
    warehouse_id: str = Field(pattern=WAREHOUSE_ID)
    name: str = Field(min_length=1, max_length=60)
    kind: WarehouseKind = WarehouseKind.OWN
    shop_ids: list[Annotated[str, Field(pattern=SHOP_ID)]] = Field(default_factory=list, max_length=200)
    priority: int = Field(100, ge=0, le=10_000)
    allow_negative: bool = False
    locations: list[LocationBody] = Field(default_factory=list, max_length=200)


class WarehousePatchBody(Body):
    """Only the fields given change."""
    name: str | None = Field(None, min_length=1, max_length=60)
    shop_ids: list[Annotated[str, Field(pattern=SHOP_ID)]] | None = Field(None, max_length=200)
    priority: int | None = Field(None, ge=0, le=10_000)
    allow_negative: bool | None = None
    active: bool | None = None
    locations: list[LocationBody] | None = Field(None, max_length=200)


class DocLineBody(Body):
    sku_code: str = Field(pattern=SKU_CODE)
    quantity: int = Field(ge=-10_000_000, le=10_000_000,
                          description="units (positive; a count: the units counted, zero or more)")
    location: str = Field("", max_length=40)


class StockDocumentBody(Body):
    doc_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}$",
                        description="chosen by the client: the same id again is the same document, created once")
    doc_type: DocType
    reason: DocReason
    warehouse_id: str = Field(pattern=WAREHOUSE_ID)
    target_warehouse_id: str = Field("", max_length=40, description="a transfer's destination")
    lines: list[DocLineBody] = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=300)
