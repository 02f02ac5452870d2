"""Manual orders (手工订单) in the admin API: an offline shop, and orders typed in for it. Shipping one is the
existing POST /admin/shipments with a typed tracking number (confirmed at once: no platform to tell)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/offline-shops", methods=("POST",), role=Role.ADMIN)
def add_offline_shop(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review_schemas import OfflineShopBody
    from chalicelib.services.manual_orders import create_offline_shop
    body = parse(OfflineShopBody, ctx.request)
    shop = create_offline_shop(bootstrap.shops(), body.name)
    return ctx.audited({"shop_id": shop.shop_id, "name": shop.name, "platform": shop.platform.value})


@admin_route(bp, "/admin/manual-orders", methods=("POST",), role=Role.OPERATOR)
def add_manual_order(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.review import processing_view
    from chalicelib.api.review_schemas import ManualOrderBody
    from chalicelib.services.manual_orders import ManualLine, ManualOrder
    body = parse(ManualOrderBody, ctx.request)
    r = body.receiver
    draft = ManualOrder(shop_id=body.shop_id, buyer_nick=body.buyer_nick, receiver_name=r.name, receiver_phone=r.phone,
                        province=r.province, city=r.city, district=r.district, address=r.address,
                        lines=tuple(ManualLine(x.sku_code, x.quantity, x.unit_price_fen) for x in body.lines),
                        freight_fen=body.freight_fen, discount_fen=body.discount_fen, paid=body.paid,
                        buyer_memo=body.buyer_memo, seller_memo=body.seller_memo)
    return ctx.audited(processing_view(_creator(ctx.actor)(draft)))


@admin_route(bp, "/admin/manual-orders/import", methods=("POST",), role=Role.OPERATOR)
def import_manual_orders(ctx: Ctx) -> dict[str, Any]:
    """The CSV template as the body (text/csv), ?shop_id= the offline shop: each order created or reported
    with its row and field."""
    from dataclasses import asdict

    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.manual_import import import_csv
    shop_id = str(dict(ctx.request.query_params or {}).get("shop_id") or "")
    if not shop_id:
        raise ValidationError("give the offline shop as ?shop_id=", field="shop_id", reason="manual.shop")
    raw = ctx.request.raw_body or b""
    report = import_csv(raw.encode() if isinstance(raw, str) else raw, shop_id, _creator(ctx.actor))
    return ctx.audited(asdict(report))


@admin_route(bp, "/admin/manual-orders/import.xlsx", methods=("POST",), role=Role.OPERATOR)
def import_manual_orders_xlsx(ctx: Ctx) -> dict[str, Any]:
    """The .xlsx template base64 in JSON (binary bodies need API Gateway's binary types; JSON does not),
    ?shop_id= the offline shop: each order created or reported with its row and field."""
    import base64
    import binascii
    from dataclasses import asdict

    from chalicelib.api.goods_schemas import XlsxImportBody
    from chalicelib.domain.errors import ValidationError
    from chalicelib.services.manual_import import import_xlsx
    shop_id = str(dict(ctx.request.query_params or {}).get("shop_id") or "")
    if not shop_id:
        raise ValidationError("give the offline shop as ?shop_id=", field="shop_id", reason="manual.shop")
    body = parse(XlsxImportBody, ctx.request)
    try:
        raw = base64.b64decode(body.file_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("file_base64 is not base64", field="file_base64",
                              reason="manual.import_invalid") from exc
    return ctx.audited(asdict(import_xlsx(raw, shop_id, _creator(ctx.actor))))


@admin_route(bp, "/admin/manual-orders/template.xlsx")
def manual_orders_template(ctx: Ctx) -> Any:
    from chalice import Response

    from chalicelib.api.goods_files import XLSX
    from chalicelib.services.manual_import import template_xlsx
    return Response(template_xlsx(), headers={"Content-Type": XLSX,
                                              "Content-Disposition": 'attachment; filename="manual-orders.xlsx"'})


def _creator(actor: str) -> Any:
    """create_manual_order over the app's adapters, then the stock reservation a platform order gets (an
    out_of_stock hold if the ERP has too little); returns the order as stored."""
    from chalicelib.services.manual_orders import ManualDeps, create_manual_order
    from chalicelib.services.stock import settle_order
    bootstrap.review_cache().refresh(bootstrap.review_store())
    envelope = getattr(bootstrap.shops(), "envelope", None)
    deps = ManualDeps(orders=bootstrap.orders(), clock=bootstrap.clock(), shop=bootstrap.shops().get,
                      sku_names=lambda codes: {c: s.name for c, s in bootstrap.erp_skus().get_many(codes).items()},
                      gate=bootstrap.review_gate(), encrypt=envelope.encrypt if envelope else None)

    def create(draft: Any) -> Any:
        order = create_manual_order(deps, draft, actor)
        settle_order(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), order.order_id, order,
                     bootstrap.shipments().for_order)
        return bootstrap.orders().get(order.order_id) or order
    return create


# ------------------------------------------------------------------ order edits (改单) before the hand-off
def _settled(order_id: str) -> dict[str, Any]:
    from chalicelib.api.review import processing_view
    from chalicelib.services.stock import settle_order
    settle_order(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), order_id,
                 shipments=bootstrap.shipments().for_order)
    order = bootstrap.orders().get(order_id)
    return processing_view(order) if order else {}


def _gate() -> Any:
    bootstrap.review_cache().refresh(bootstrap.review_store())
    return bootstrap.review_gate()


def _sku_exists(code: str) -> bool:
    return bootstrap.erp_skus().get(code) is not None


@admin_route(bp, "/admin/order-edits/{order_id}/receiver", methods=("POST",), role=Role.OPERATOR)
def edit_receiver_route(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.review_schemas import ReceiverEditBody
    from chalicelib.services.order_edits import edit_receiver
    body = parse(ReceiverEditBody, ctx.request)
    envelope = getattr(bootstrap.shops(), "envelope", None)
    edit_receiver(bootstrap.orders(), bootstrap.clock(), _gate(), order_id, body.receiver.model_dump(), body.revision,
                  ctx.actor, envelope.encrypt if envelope else None)
    return ctx.audited(_settled(order_id))


@admin_route(bp, "/admin/order-edits/{order_id}/line-sku", methods=("POST",), role=Role.OPERATOR)
def change_line_sku_route(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.review_schemas import LineSkuBody
    from chalicelib.services.order_edits import change_line_sku
    body = parse(LineSkuBody, ctx.request)
    change_line_sku(bootstrap.orders(), bootstrap.clock(), _gate(), order_id, body.line_id, body.sku_code,
                    body.revision, ctx.actor, _sku_exists)
    return ctx.audited(_settled(order_id))


@admin_route(bp, "/admin/order-edits/{order_id}/gift-lines", methods=("POST",), role=Role.OPERATOR)
def add_gift_line_route(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.review_schemas import GiftLineBody
    from chalicelib.services.order_edits import add_gift_line
    body = parse(GiftLineBody, ctx.request)
    add_gift_line(bootstrap.orders(), bootstrap.clock(), _gate(), order_id, body.sku_code, body.quantity,
                  body.revision, ctx.actor, _sku_exists)
    return ctx.audited(_settled(order_id))


@admin_route(bp, "/admin/order-edits/{order_id}/gift-lines/remove", methods=("POST",), role=Role.OPERATOR)
def remove_gift_line_route(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.review_schemas import GiftLineRemoveBody
    from chalicelib.services.fulfilment import routing_of
    from chalicelib.services.order_edits import remove_gift_line
    from chalicelib.services.stock import release_for_order
    body = parse(GiftLineRemoveBody, ctx.request)
    # released where settle_order reserved it: the plan's warehouses, else the shop's (not always the default)
    remove_gift_line(bootstrap.orders(), bootstrap.clock(), _gate(), order_id, body.line_id, body.revision, ctx.actor,
                     lambda order, line: release_for_order(bootstrap.stock(), order, bootstrap.clock().now(), [line],
                                                           routing=routing_of(order, bootstrap.route(order.shop_id))))
    return ctx.audited(_settled(order_id))
