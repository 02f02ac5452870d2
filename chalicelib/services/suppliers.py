"""Suppliers: created, edited, listed. The warehouses work (drop-shipping) reads them by id through the
same RecordStore port (bootstrap.suppliers())."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.suppliers import Supplier, validate_supplier
from chalicelib.services.goods_ports import RecordStore

EDITABLE = ("name", "contact", "phone", "address", "settlement", "status", "note")


def create_supplier(store: RecordStore[Supplier], supplier: Supplier) -> Supplier:
    supplier = validate_supplier(replace(supplier, supplier_id=supplier.supplier_id or uuid.uuid4().hex[:12]))
    store.add(supplier)
    return replace(supplier, revision=1)


def edit_supplier(store: RecordStore[Supplier], supplier_id: str, expected_revision: int,
                  changes: dict[str, Any]) -> Supplier:
    current = store.get(supplier_id)
    if current is None:
        raise NotFoundError(f"no supplier {supplier_id}", reason="supplier.not_found")
    changed = validate_supplier(replace(current, **{k: v for k, v in changes.items() if k in EDITABLE}))
    store.save(changed, expected_revision)
    return replace(changed, revision=expected_revision + 1)
