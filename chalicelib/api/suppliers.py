"""Suppliers (供应商) of the goods library: name, contact, settlement, status. Goods name theirs by id;
drop-shipping (the warehouses work) reads them through bootstrap.suppliers()."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.api.taxonomy import changes_of, cursor_of, page_of
from chalicelib.codec import to_doc
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/suppliers")
def list_suppliers(ctx: Ctx) -> dict[str, Any]:
    return page_of(ctx, bootstrap.suppliers(), cursors.read(ctx.request, cursor_of(ctx)))


@admin_route(bp, "/admin/suppliers", methods=("POST",), role=Role.OPERATOR)
def create_supplier_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import SupplierBody
    from chalicelib.domain.suppliers import Supplier
    from chalicelib.services.suppliers import create_supplier
    body = parse(SupplierBody, ctx.request)
    return to_doc(create_supplier(bootstrap.suppliers(), Supplier("", **body.model_dump())))


@admin_route(bp, "/admin/suppliers/{supplier_id}")
def get_supplier_route(ctx: Ctx, supplier_id: str) -> dict[str, Any]:
    from chalicelib.domain.errors import NotFoundError
    supplier = bootstrap.suppliers().get(supplier_id)
    if supplier is None:
        raise NotFoundError(f"no supplier {supplier_id}", reason="supplier.not_found")
    return to_doc(supplier)


@admin_route(bp, "/admin/suppliers/{supplier_id}", methods=("PATCH",), role=Role.OPERATOR)
def edit_supplier_route(ctx: Ctx, supplier_id: str) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import SupplierPatchBody
    from chalicelib.services.suppliers import edit_supplier
    body = parse(SupplierPatchBody, ctx.request)
    return to_doc(edit_supplier(bootstrap.suppliers(), supplier_id, body.revision, changes_of(body)))
