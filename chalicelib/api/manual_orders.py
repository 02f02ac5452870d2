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
    from chalicelib.services.manual_orders import ManualDeps, ManualLine, ManualOrder, create_manual_order
    from chalicelib.services.stock import settle_order
    body = parse(ManualOrderBody, ctx.request)
    r = body.receiver
    draft = ManualOrder(shop_id=body.shop_id, buyer_nick=body.buyer_nick, receiver_name=r.name, receiver_phone=r.phone,
                        province=r.province, city=r.city, district=r.district, address=r.address,
                        lines=tuple(ManualLine(x.sku_code, x.quantity, x.unit_price_fen) for x in body.lines),
                        freight_fen=body.freight_fen, discount_fen=body.discount_fen, paid=body.paid,
                        buyer_memo=body.buyer_memo, seller_memo=body.seller_memo)
    bootstrap.review_cache().refresh(bootstrap.review_store())
    envelope = getattr(bootstrap.shops(), "envelope", None)
    deps = ManualDeps(orders=bootstrap.orders(), clock=bootstrap.clock(), shop=bootstrap.shops().get,
                      sku_names=lambda codes: {c: s.name for c, s in bootstrap.erp_skus().get_many(codes).items()},
                      gate=bootstrap.review_gate(), encrypt=envelope.encrypt if envelope else None)
    order = create_manual_order(deps, draft, ctx.actor)
    # stock reserved as for a platform order (an out_of_stock hold if the ERP has too little)
    settle_order(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), order.order_id, order,
                 bootstrap.shipments().for_order)
    stored = bootstrap.orders().get(order.order_id) or order
    return ctx.audited(processing_view(stored))
