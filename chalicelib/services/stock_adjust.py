"""Stock moved by people and by the ERP rather than by orders (services/stock.py): an admin's adjustment with a
reason, the ERP's (or a cloud warehouse's) absolute count, and a discrepancy settled. Each is idempotent
under its key; a key reused for a different change is refused."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Discrepancy, Movement, MovementKind, Stock
from chalicelib.services.stock_ports import Applied, StockLedger

MAX_ATTEMPTS = 5


def adjust_stock(ledger: StockLedger, sku_code: str, delta: int, reason: str, actor: str, idempotency_key: str,
                 now: datetime, warehouse_id: str = DEFAULT_WAREHOUSE) -> Stock:
    """A manual correction (a count, breakage...): on hand moves by delta; the reason is mandatory."""
    if not reason.strip():
        raise ValidationError("a manual adjustment needs a reason", field="reason")
    if delta == 0:
        raise ValidationError("delta must not be zero", field="delta")
    movement = Movement(sku_code, MovementKind.ADJUST, delta, f"adjust:{_scoped(idempotency_key, warehouse_id)}",
                        actor, now, reason, warehouse_id)
    if ledger.apply([movement], guard_available=False) is Applied.REPLAYED:
        _same_request(ledger, movement, idempotency_key)
    return ledger.balance(sku_code, warehouse_id)


def set_absolute_stock(ledger: StockLedger, sku_code: str, quantity: int, source: str, idempotency_key: str,
                       now: datetime, reason: str = "", warehouse_id: str = DEFAULT_WAREHOUSE) -> Stock:
    """The ERP's (or a cloud warehouse's WMS) count becomes on hand; reservations stay (available =
    quantity - reserved)."""
    if quantity < 0:
        raise ValidationError("quantity must be zero or more", field="quantity", reason="stock.negative_quantity")
    movement = Movement(sku_code, MovementKind.SET, quantity, f"set:{_scoped(idempotency_key, warehouse_id)}",
                        source, now, reason, warehouse_id)
    if ledger.set_on_hand(movement) is Applied.REPLAYED:
        _same_request(ledger, movement, idempotency_key)
    return ledger.balance(sku_code, warehouse_id)


def _scoped(idempotency_key: str, warehouse_id: str) -> str:
    """The default warehouse keeps the keys used before warehouses existed."""
    return idempotency_key if warehouse_id == DEFAULT_WAREHOUSE else f"{warehouse_id}:{idempotency_key}"


# ------------------------------------------------------------------ discrepancies
def resolve_discrepancy(ledger: StockLedger, discrepancy_id: str, actor: str, note: str, now: datetime) -> Discrepancy:
    """Someone counted and settled it (with an adjustment or an ERP count, as the case needs): marked
    resolved once; resolving it again changes nothing."""
    for _ in range(MAX_ATTEMPTS):
        current = ledger.get_discrepancy(discrepancy_id)
        if current is None:
            raise NotFoundError(f"no stock discrepancy {discrepancy_id}")
        if current.resolved:
            return current
        resolved = replace(current, resolved=True, resolved_by=actor, resolved_at=now, note=note[:500])
        try:
            ledger.save_discrepancy(resolved, current.revision)
            return replace(resolved, revision=current.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"stock discrepancy {discrepancy_id} kept changing")


def _same_request(ledger: StockLedger, movement: Movement, idempotency_key: str) -> None:
    """A reused key is a repeat only with the same request: another quantity or reason under it would be
    silently dropped, so it is refused (409) instead."""
    first = ledger.movement(movement.sku_code, movement.idempotency_key)
    if first is not None and (first.quantity, first.reason) != (movement.quantity, movement.reason):
        raise ConflictError(f"idempotency_key {idempotency_key} was used for {movement.sku_code} with quantity "
                            f"{first.quantity} (reason {first.reason!r}); this request has {movement.quantity} "
                            f"({movement.reason!r}): use a new key for a new change")
