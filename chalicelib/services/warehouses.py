"""Warehouses (仓库) with their locations, and which serve which shops: the routing every order's stock
reservation follows. The default warehouse always exists and cannot be switched off (the stock kept before
warehouses is there)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE
from chalicelib.domain.warehouses import Location, Warehouse, WarehouseKind, serving
from chalicelib.services.stock_shipped import Routing

MAX_ATTEMPTS = 5


class WarehouseRepository(Protocol):
    def get(self, warehouse_id: str) -> Warehouse | None: ...
    def list(self) -> list[Warehouse]: ...
    def save(self, warehouse: Warehouse, expected_revision: int) -> Warehouse: ...


def routing_for(warehouses: WarehouseRepository, shop_id: str) -> Routing:
    listed = warehouses.list()
    chosen = serving(listed, shop_id)
    negative = frozenset(w.warehouse_id for w in listed if w.allow_negative and w.warehouse_id in chosen)
    return Routing(tuple(chosen), negative)


def serving_warehouses(warehouses: WarehouseRepository, shop_id: str) -> list[str]:
    return serving(warehouses.list(), shop_id)


def require(warehouses: WarehouseRepository, warehouse_id: str, field: str = "warehouse_id") -> Warehouse:
    """A warehouse named in a request: unknown or switched off is the request's fault (4xx)."""
    found = warehouses.get(warehouse_id)
    if found is None or not found.active:
        raise ValidationError(f"no active warehouse {warehouse_id}", field=field, reason="warehouse.unknown")
    return found


def create_warehouse(warehouses: WarehouseRepository, actor: str, now: datetime, *, warehouse_id: str, name: str,
                     kind: WarehouseKind, shop_ids: list[str], priority: int, allow_negative: bool,
                     locations: list[Location]) -> Warehouse:
    wanted = Warehouse(warehouse_id, name.strip(), kind, tuple(dict.fromkeys(shop_ids)), priority, allow_negative,
                       tuple(locations), True, actor, now, now).validated()
    if warehouses.get(warehouse_id) is not None:
        raise ConflictError(f"warehouse {warehouse_id} exists", reason="warehouse.id_taken")
    try:
        return warehouses.save(wanted, 0)
    except ConflictError as exc:
        raise ConflictError(f"warehouse {warehouse_id} exists", reason="warehouse.id_taken") from exc


def update_warehouse(warehouses: WarehouseRepository, warehouse_id: str, now: datetime,
                     changes: dict[str, Any]) -> tuple[Warehouse, Warehouse]:
    """Only the given fields change; returns (before, after)."""
    for _ in range(MAX_ATTEMPTS):
        current = warehouses.get(warehouse_id)
        if current is None:
            raise NotFoundError(f"no warehouse {warehouse_id}", reason="warehouse.unknown")
        if warehouse_id == DEFAULT_WAREHOUSE and changes.get("active") is False:
            raise ValidationError("the default warehouse cannot be switched off", field="active",
                                  reason="warehouse.default_stays")
        fields: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in changes.items()
                                  if v is not None}
        wanted = replace(current, **fields, updated_at=now).validated()
        try:
            return current, warehouses.save(wanted, current.revision)
        except ConflictError:
            continue
    raise ConflictError(f"warehouse {warehouse_id} kept changing")
