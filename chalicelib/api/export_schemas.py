"""The body of POST /admin/exports (pydantic, at the edge only; imported inside the handler)."""
from __future__ import annotations

from pydantic import Field

from chalicelib.api.schemas import Body


class ExportBody(Body):
    kind: str = Field(max_length=32)                 # checked by the domain, which names the choices
    format: str = Field(default="xlsx", max_length=8)
    language: str | None = Field(default=None, max_length=8)    # the headers' language: zh (default) or en
    filters: dict[str, str | int | bool | None] = Field(default_factory=dict, max_length=30)
