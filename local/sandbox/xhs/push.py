"""Pushes from the Xiaohongshu sandbox: JSON arrays of {msgTag, sellerId, data} POSTed to a subscribed
URL (reference §4.6; the platform signs nothing), with the duplicate and reorder faults of `Faults`."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from local.sandbox.core import Faults
from local.sandbox.pushes import post_all, with_push_faults

BATCH = 3  # the platform batches several messages in one array


@dataclass
class Outbox:
    url: str = ""
    pending: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, tag: str, seller_id: str, data: dict[str, Any]) -> None:
        if self.url:
            with self._lock:
                self.pending.append(
                    {
                        "msgTag": tag,
                        "sellerId": seller_id,
                        "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    }
                )

    def take(self, faults: Faults) -> list[bytes]:
        with self._lock:
            messages, self.pending = self.pending, []
        out = with_push_faults(messages, faults)
        return [json.dumps(out[i : i + BATCH], ensure_ascii=False).encode("utf-8") for i in range(0, len(out), BATCH)]

    def deliver(self, faults: Faults, timeout: float = 5.0) -> list[int]:
        return post_all(self.url, self.take(faults), "application/json", timeout)
