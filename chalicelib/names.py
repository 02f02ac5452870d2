"""Resource names, shared by the app (at import: chalice needs literal queue names in decorators),
infra/ (the CloudFormation) and the local runtime. One prefix per stage keeps stages apart in one account."""
from __future__ import annotations

import os

TABLES = ("orders", "after_sales", "shops", "shop_skus", "erp_skus", "stock", "shipments", "sync",
          "users", "api_clients", "audit", "idempotency", "waybill_accounts", "waybills", "goods", "reports")

# queue key -> (fifo, consumer timeout seconds)
QUEUES: dict[str, tuple[bool, int]] = {
    "orders": (True, 60),
    "after_sales": (True, 60),
    "pull_jobs": (False, 840),
    "platform_actions": (True, 120),
    "erp_events": (True, 60),
    "link_jobs": (True, 150),       # held orders re-resolved after links change, a page per message; catalog pulls
    "images": (False, 120),         # a goods image's thumbnail, one per confirmed upload
    "alerts": (False, 60),          # business alerts to the seller's bots (DingTalk / WeCom / Feishu)
    "exports": (False, 900),        # a whole background export per message (Lambda's longest run)
    "reports": (False, 120),        # a copy of every ERP note: the report aggregates' consumer (batches of 1,000)
}

BUCKETS = ("raw", "ui", "images")


def prefix() -> str:
    return os.environ.get("OMS_PREFIX", "qihang-oms-dev")


def table_name(key: str) -> str:
    return f"{prefix()}-{key.replace('_', '-')}"


def queue_name(key: str) -> str:
    fifo, _ = QUEUES[key]
    return f"{prefix()}-{key.replace('_', '-')}" + (".fifo" if fifo else "")


def dlq_name(key: str) -> str:
    fifo, _ = QUEUES[key]
    return f"{prefix()}-{key.replace('_', '-')}-dlq" + (".fifo" if fifo else "")


def bucket_name(key: str) -> str:
    return f"{prefix()}-{key}"
