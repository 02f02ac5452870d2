"""Warehouses (仓库) and their locations (仓位), and which warehouses serve which shops.

Own warehouses are counted by the seller; third-party / cloud warehouses report their stock through the ERP
API (the ERP or WMS sets absolute quantities); supplier warehouses hold a supplier's goods. The default
warehouse always exists: it holds the stock kept before warehouses existed and serves every shop no other
warehouse names."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_LOCATIONS = 200


class WarehouseKind(StrEnum):
    OWN = "own"
    THIRD_PARTY = "third_party"   # cloud / 3PL: stock reported by the ERP or WMS
    SUPPLIER = "supplier"


@dataclass(frozen=True)
class Location:
    code: str                    # e.g. "A-01-03" (zone-shelf-level)
    name: str = ""


@dataclass(frozen=True)
class Warehouse:
    warehouse_id: str
    name: str
    kind: WarehouseKind = WarehouseKind.OWN
    shop_ids: tuple[str, ...] = ()      # the shops it serves; none: it serves no shop (except the default)
    priority: int = 100                 # lower first when several serve a shop
    allow_negative: bool = False        # only then may on hand go below zero
    locations: tuple[Location, ...] = ()
    active: bool = True
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 0

    def validated(self) -> Warehouse:
        if not ID_PATTERN.match(self.warehouse_id):
            raise ValidationError("warehouse_id: 1-40 letters, digits, - or _", field="warehouse_id",
                                  reason="warehouse.bad_id")
        if not self.name.strip():
            raise ValidationError("a warehouse needs a name", field="name", reason="warehouse.name_required")
        codes = [loc.code for loc in self.locations]
        if len(codes) != len(set(codes)) or any(not ID_PATTERN.match(c) for c in codes):
            raise ValidationError("location codes: unique, 1-40 letters, digits, - or _", field="locations",
                                  reason="warehouse.bad_location")
        if len(codes) > MAX_LOCATIONS:
            raise ValidationError(f"at most {MAX_LOCATIONS} locations", field="locations",
                                  reason="warehouse.bad_location")
        return self

    def has_location(self, code: str) -> bool:
        return not code or any(loc.code == code for loc in self.locations)


def default_warehouse() -> Warehouse:
    return Warehouse(DEFAULT_WAREHOUSE, "默认仓 Default")


def serving(warehouses: Iterable[Warehouse], shop_id: str) -> list[str]:
    """The warehouses that fulfil a shop's orders, first choice first; the default when none names it."""
    named = sorted((w for w in warehouses if w.active and shop_id in w.shop_ids),
                   key=lambda w: (w.priority, w.warehouse_id))
    return [w.warehouse_id for w in named] or [DEFAULT_WAREHOUSE]
