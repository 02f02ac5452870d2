"""The review gate's test kit: an in-memory configuration store that behaves like storage/review.py."""
from __future__ import annotations

import copy
from typing import Any

from chalicelib.domain.errors import ConflictError


class InMemoryReviewStore:
    def __init__(self) -> None:
        self.versions: dict[int, dict[str, Any]] = {}
        self.current = 0
        self.version_reads = 0
        self.loads = 0

    def version(self) -> int:
        self.version_reads += 1
        return self.current

    def load(self) -> dict[str, Any]:
        self.loads += 1
        if not self.current:
            return {}
        return {**copy.deepcopy(self.versions[self.current]), "version": self.current}

    def publish(self, doc: dict[str, Any], expected_version: int) -> int:
        if expected_version != self.current:
            raise ConflictError("the review rules changed meanwhile: reload them", reason="review.changed")
        self.current += 1
        self.versions[self.current] = copy.deepcopy(doc)
        return self.current


MEMO_RULE = {"name": "buyer memo", "conditions": [{"field": "buyer_memo", "op": "present"}],
             "actions": [{"type": "hold", "reason": "buyer_message", "note": "buyer message"}]}


class InMemoryJobStore:
    """Background job records with conditional writes (storage/jobs.py)."""

    def __init__(self) -> None:
        from tests import fakes
        self._store = fakes._Store(lambda job: job.job_id)
        self.rows = self._store.rows

    def get(self, job_id: str) -> Any:
        return self._store.get(job_id)

    def add(self, job: Any) -> None:
        self._store.add(job)

    def save(self, job: Any, expected_revision: int) -> None:
        self._store.save(job, expected_revision)
