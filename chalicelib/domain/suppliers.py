"""Suppliers (供应商) of the goods library: who a seller buys from, and (later) who drop-ships for it."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.goods import refuse
from chalicelib.domain.taxonomy import validate_name

SETTLEMENTS = ("cash", "weekly", "monthly", "prepaid")    # 现结, 周结, 月结, 预付
STATUSES = ("active", "disabled")


@dataclass(frozen=True)
class Supplier:
    supplier_id: str
    name: str
    contact: str = ""            # a person
    phone: str = ""
    address: str = ""
    settlement: str = "monthly"
    status: str = "active"
    note: str = ""
    revision: int = 0


def validate_supplier(supplier: Supplier) -> Supplier:
    validate_name(supplier.name)
    if supplier.settlement not in SETTLEMENTS:
        raise refuse(f"settlement: one of {', '.join(SETTLEMENTS)}", "settlement", "supplier.bad_settlement")
    if supplier.status not in STATUSES:
        raise refuse(f"status: one of {', '.join(STATUSES)}", "status", "supplier.bad_status")
    return supplier
