"""Push delivery shared by the sandboxes' outboxes: the duplicate and reorder faults of `Faults`, and the POSTs."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import httpx

from local.sandbox.core import Faults

T = TypeVar("T")


def with_push_faults(messages: Iterable[T], faults: Faults) -> list[T]:
    """Each message once, or twice at push_duplicate_rate; shuffled when push_reorder is on."""
    out: list[T] = []
    for message in messages:
        out.append(message)
        if faults.chance(faults.push_duplicate_rate):
            out.append(message)
    if faults.push_reorder:
        faults._rng.shuffle(out)
    return out


def post_all(url: str, bodies: Iterable[bytes], content_type: str, timeout: float = 5.0) -> list[int]:
    """POSTs each body in turn; the HTTP statuses (a failed one is not retried here)."""
    statuses = []
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        for body in bodies:
            statuses.append(client.post(url, content=body, headers={"Content-Type": content_type}).status_code)
    return statuses
