"""Bodies of the order processing routes (review gate, exception center, blacklist). The rules themselves
are checked by the domain's parser (domain/review_rules.py), which names the field inside a rule."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.api.schemas import Body

OrderIds = list[str]


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
    order_ids: list[str] = Field(min_length=1, max_length=100)
    revisions: dict[str, int] = Field(default_factory=dict)    # order id -> the revision the operator saw


class ReleaseBody(Body):
    order_ids: list[str] = Field(min_length=1, max_length=100)


class BulkCancelBody(Body):
    order_ids: list[str] = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=200)
