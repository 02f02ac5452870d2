"""Queue message bodies, the contract between the use cases that publish (through the Publisher port) and
the consumers (pydantic at the edge). A message carries the canonical snapshot, or only a
reference when the source (a push) is partial and the consumer must fetch the record itself."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderMessage(_Message):
    kind: Literal["order"] = "order"
    shop_id: str
    order_no: str
    version: int = 0                    # 0: a reference only; fetch the order
    snapshot: dict[str, Any] | None = None
    raw_ref: str = ""                   # "<s3 key>#<index>" of the raw payload batch
    source: str = "pull"                # pull | push | repair


class AfterSaleMessage(_Message):
    kind: Literal["after_sale"] = "after_sale"
    shop_id: str
    case_id: str                        # the platform's case id
    order_no: str = ""
    version: int = 0
    snapshot: dict[str, Any] | None = None
    raw_ref: str = ""
    source: str = "pull"


class PullJobMessage(_Message):
    shop_id: str
    stream: Literal["orders", "after_sales"]
    job_id: str
    trigger: str = "schedule"           # schedule | manual | backfill | continuation
    range_start: datetime | None = None  # backfill: an explicit range; the watermark is left alone
    range_end: datetime | None = None


def order_group(shop_id: str, order_no: str) -> str:
    """FIFO group: every update of one order applies in order; different orders run in parallel."""
    return f"{shop_id}:{order_no}"


def dedup_id(shop_id: str, record_no: str, version: int | str) -> str:
    """The same record at the same version is one message, however many times pull and push send it
    (within SQS's five-minute deduplication window; past it the consumer's version check holds)."""
    return f"{shop_id}:{record_no}:{version}"
