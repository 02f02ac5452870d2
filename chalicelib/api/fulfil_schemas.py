"""Bodies of the fulfilment strategy routes. The rules themselves are checked by the domain's parser
(domain/fulfil_rules.py), which names the field inside a rule."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.api.schemas import Body


class FulfilRulesBody(Body):
    kind: str = Field(pattern=r"^(warehouse|carrier|gift|unreachable)$")
    version: int = Field(ge=0)
    rules: list[dict[str, Any]] = Field(max_length=100)


class AccountOverrideBody(Body):
    account_id: str = Field(default="", max_length=100, description="\"\": back to the plan's account")
    revision: int | None = Field(default=None, ge=0)
