"""Goods + SKUs as .xlsx: the template, an export (100 goods per file, X-Next-Cursor for the next one),
and the import (the file base64 in JSON, under the 1 MB body limit; a report per row, nothing written
unless every row is right)."""
from __future__ import annotations

import base64
import binascii
from typing import Any

from chalice import Blueprint, Chalice, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_GOODS = 100


class _Blueprint(Blueprint):
    """Registers the .xlsx type as binary: chalice base64-encodes those answers for API Gateway (the
    client sends `Accept: <the xlsx type>`)."""

    def register(self, app: Chalice, options: dict[str, Any]) -> None:
        super().register(app, options)
        if XLSX not in app.api.binary_types:
            app.api.binary_types.append(XLSX)


bp = _Blueprint(__name__)


def _file(body: bytes, name: str, extra: dict[str, str] | None = None) -> Response:
    return Response(body, headers={"Content-Type": XLSX, "Content-Disposition": f'attachment; filename="{name}"',
                                   **(extra or {})})


@admin_route(bp, "/admin/goods/template.xlsx")
def goods_template(ctx: Ctx) -> Response:
    from chalicelib.services.goods_xlsx import template
    return _file(template(), "goods-template.xlsx")


@admin_route(bp, "/admin/goods/export.xlsx")
def goods_export(ctx: Ctx) -> Response:
    from chalicelib.services.goods_xlsx import export
    store = bootstrap.goods()
    cursor = cursors.read(ctx.request, str(dict(ctx.request.query_params or {}).get("cursor", "")))
    page = store.list(limit=EXPORT_GOODS, cursor=cursor)
    body = export((goods, store.skus_of(goods.goods_id)) for goods in page.items)
    following = cursors.issue(ctx.request, page.cursor)
    return _file(body, "goods.xlsx", {"X-Next-Cursor": following} if following else None)


@admin_route(bp, "/admin/goods/import", methods=("POST",), role=Role.ADMIN)
def goods_import(ctx: Ctx) -> dict[str, Any]:
    from dataclasses import asdict

    from chalicelib.api.goods_schemas import XlsxImportBody
    from chalicelib.domain.goods import refuse
    from chalicelib.services.goods_xlsx import import_goods
    from chalicelib.services.goods_xlsx import parse as parse_xlsx
    body = parse(XlsxImportBody, ctx.request)
    try:
        raw = base64.b64decode(body.file_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise refuse("file_base64 is not base64", "file_base64", "goods.xlsx_invalid") from exc
    return asdict(import_goods(bootstrap.goods_deps(), parse_xlsx(raw)))
