"""Request bodies of the drop-shipping routes (pydantic at the edge, extra="forbid")."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

OrderRef = Annotated[str, Field(min_length=1, max_length=100)]     # our order id or the platform's number


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssignBody(Body):
    order_ids: list[OrderRef] = Field(min_length=1, max_length=100)
    supplier_id: str = Field(max_length=64)          # "" takes the orders back from their supplier


class AssignLinesBody(Body):
    supplier_id: str = Field(max_length=64)          # "" takes the order back whole
    line_ids: list[str] = Field(max_length=200)      # exactly the lines the supplier ships; [] takes all back


class RuleBody(Body):
    order_ids: list[OrderRef] = Field(min_length=1, max_length=100)


class AutoBody(Body):
    enabled: bool


class SupplierShipBody(Body):
    order_no: str = Field(min_length=1, max_length=100)      # the platform's order number, or our order id
    carrier_code: str = Field(min_length=1, max_length=20)
    tracking_no: str = Field(min_length=1, max_length=40)


class TrackingFileBody(Body):
    file_base64: str = Field(min_length=1, max_length=1_000_000)
