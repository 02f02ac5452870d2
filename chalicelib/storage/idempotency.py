"""First-claim-wins keys with a TTL: push message ids, ERP nonces, stock movement keys."""
from __future__ import annotations

import time

from chalicelib.domain.errors import ConflictError
from chalicelib.storage import conditional
from chalicelib.storage.models import IdempotencyItem


class DynamoIdempotencyStore:
    def claim(self, key: str, ttl_seconds: int) -> bool:
        now = int(time.time())
        item = IdempotencyItem(key, expiration=now + ttl_seconds, status="CLAIMED")
        # DynamoDB's TTL deletes lazily (up to days late): an expired record still present counts as free
        condition = IdempotencyItem.id.does_not_exist() | (IdempotencyItem.expiration < now)
        try:
            conditional.put(item, condition, f"key {key}")
        except ConflictError:
            return False
        return True

    def release(self, key: str) -> None:
        IdempotencyItem(key).delete()
