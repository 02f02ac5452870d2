"""The one delivery record every outbound notice keeps (ERP webhooks, bot alerts): each try is written on
the delivery, conditionally on the revision read, so concurrent senders (a queue retry and an admin's
retry) never lose a try or turn a delivered record back into an owed one."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.errors import ConflictError
from chalicelib.services.erp_ports import Delivery, DeliveryRepository, DeliveryStatus, SendResult

MAX_ATTEMPTS = 5


def record_attempt(deliveries: DeliveryRepository, delivery: Delivery, result: SendResult, now: datetime,
                   dead_on_failure: bool = False) -> Delivery:
    for _ in range(MAX_ATTEMPTS):
        current = deliveries.get(delivery.delivery_id) or delivery
        status = DeliveryStatus.DELIVERED if result.ok or current.status is DeliveryStatus.DELIVERED else \
            (DeliveryStatus.DEAD if dead_on_failure else current.status)
        updated = replace(current, attempts=current.attempts + 1, last_status_code=result.status_code,
                          last_error="" if result.ok else result.error[:500], last_attempt_at=now, status=status,
                          delivered_at=current.delivered_at or (now if result.ok else None))
        try:
            deliveries.save(updated, current.revision)
            return replace(updated, revision=current.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"delivery {delivery.delivery_id} kept changing")
