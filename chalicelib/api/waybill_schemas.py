"""The shipping API's bodies (pydantic, at the edge; unknown fields refused). Shapes: /work/briefs/shipping-api.md."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# an id in a list: never empty (an empty string is no DynamoDB key: it failed as a 500)
Id = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DefaultAccountBody(_In):
    account_id: str = Field(min_length=1, max_length=200)
    sender_name: str = Field("", max_length=50)                              # where the platform lists none
    sender_phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")


class IssueBody(_In):
    order_ids: list[Id] = Field(min_length=1, max_length=100)
    account_id: str | None = Field(None, min_length=1, max_length=200)
    merge: bool = False
    account_shop_id: Id | None = None       # a manual order: the platform shop whose waybill account prints it


class WaybillIdsBody(_In):
    waybill_ids: list[Id] = Field(min_length=1, max_length=200)


class PrintJobBody(_In):
    waybill_ids: list[Id] = Field(min_length=1, max_length=200)
    printer: str = Field("", max_length=200)
    preview: bool = False


class LabelsBody(_In):
    waybill_ids: list[Id] = Field(min_length=1, max_length=200)
    size: Literal["100x150", "76x130"] = "100x150"


class PicklistBody(_In):
    order_ids: list[Id] = Field(min_length=1, max_length=500)
