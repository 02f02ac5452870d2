"""The parcels admin API's bodies (pydantic, at the edge; unknown fields refused)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=200)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MergeBody(_In):
    order_ids: list[Id] = Field(min_length=2, max_length=10)


class SplitOutBody(_In):
    order_id: Id


class PartLine(_In):
    line_id: Id
    quantity: int = Field(ge=1, le=100_000)


class SplitBody(_In):
    """Either `parts` (by hand: each part's lines and units) or `by` (automatically)."""
    parts: list[list[PartLine]] | None = Field(None, min_length=2, max_length=20)
    by: Literal["stock", "weight"] | None = None
    weight_limit_g: int | None = Field(None, ge=1, le=1_000_000)


class ParcelWaybillsBody(_In):
    fulfilment_ids: list[Id] = Field(min_length=1, max_length=100)
    account_id: str | None = Field(None, min_length=1, max_length=200)


class FulfilSettingsBody(_In):
    merge_mode: Literal["off", "propose", "auto"]
    weight_limit_g: int = Field(0, ge=0, le=1_000_000)
    auto_split: Literal["", "stock", "weight"] = ""
    revision: int = Field(ge=0)
