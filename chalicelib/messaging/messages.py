"""Queue message bodies (pydantic at the edge). A message carries the canonical snapshot, or only a
reference when the source (a push) is partial and the consumer must fetch the record itself."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class OrderMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["order"] = "order"
    shop_id: str
    order_no: str
    version: int = 0                    # 0: a reference only; fetch the order
    snapshot: dict[str, Any] | None = None
    raw_ref: str = ""                   # "<s3 key>#<index>" of the raw payload batch
    source: str = "pull"                # pull | push | repair


def dedup_id(shop_id: str, order_no: str, version: int) -> str:
    """The same order at the same version is one message, however many times pull and push send it."""
    return f"{shop_id}:{order_no}:{version}"
