"""Bodies of the API token routes (pydantic, at the edge only; imported inside the handlers)."""
from __future__ import annotations

from pydantic import Field

from chalicelib.api.schemas import Body
from chalicelib.domain.api_tokens import DEFAULT_RATE_PER_MINUTE, MAX_DAYS, TokenScope


class NewApiTokenBody(Body):
    name: str = Field(min_length=1, max_length=80, description="what it is for, e.g. 'Claude on my laptop'")
    scope: TokenScope = Field(description="read: read tools only; operator: also hold, release, approve, re-sync")
    days: int = Field(default=90, ge=1, le=MAX_DAYS, description="days until it expires")
    rate_per_minute: int = Field(default=DEFAULT_RATE_PER_MINUTE, ge=1, le=1000)
