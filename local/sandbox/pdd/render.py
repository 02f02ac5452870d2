"""State -> POP payloads, field names as the reference lists them."""

from __future__ import annotations

from typing import Any

from local.sandbox.core import mask_detail, mask_name, mask_phone
from local.sandbox.pdd.model import AfterSale, Goods, Order
from local.sandbox.pdd.wire import beijing, yuan, yuan_text


def order(o: Order) -> dict[str, Any]:
    r = o.receiver
    # ciphertext only while awaiting shipment and not under risk review; masks always (reference §3.7)
    visible = (
        o.order_status == 1 and o.confirm_status == 1 and o.refund_status != 4 and not o.risk_control_status
    )
    return {
        "order_sn": o.order_sn,
        "order_status": o.order_status,
        "refund_status": o.refund_status,
        "confirm_status": o.confirm_status,
        "group_status": 0 if o.confirm_status == 0 else 1,
        "after_sales_status": o.after_sales_status,
        "risk_control_status": o.risk_control_status,
        "trade_type": 0,
        "created_time": beijing(o.created_ts),
        "confirm_time": beijing(o.confirm_ts),
        "pay_time": beijing(o.confirm_ts) if o.confirm_status else "",
        "updated_at": beijing(o.updated_ts),
        "shipping_time": beijing(o.shipping_ts),
        "receive_time": beijing(o.receive_ts),
        "last_ship_time": beijing(o.confirm_ts + 48 * 3600),
        "goods_amount": yuan(o.goods_fen),
        "discount_amount": yuan(o.discount_fen),
        "seller_discount": yuan(o.seller_discount_fen),
        "platform_discount": yuan(o.platform_discount_fen),
        "capital_free_discount": 0.0,
        "postage": yuan(o.postage_fen),
        "pay_amount": yuan(o.pay_fen),
        "order_change_amount": 0.0,
        "logistics_id": o.logistics_id,
        "tracking_number": o.tracking_number,
        "remark": o.remark,
        "remark_tag": o.remark_tag or None,
        "buyer_memo": o.buyer_memo,
        "receiver_name": r.cipher_name if visible else "",
        "receiver_phone": r.cipher_phone if visible else "",
        "receiver_address": r.cipher_address if visible else "",
        "address": r.cipher_address if visible else "",
        "receiver_name_mask": mask_name(r.name),
        "receiver_phone_mask": mask_phone(r.phone),
        "receiver_address_mask": mask_detail(r.detail),
        "country": "中国",
        "province": r.province,
        "city": r.city,
        "town": r.town,
        "item_list": [
            {
                "goods_id": i.goods_id,
                "sku_id": i.sku_id,
                "goods_name": i.goods_name,
                "goods_spec": i.goods_spec,
                "goods_count": i.goods_count,
                "goods_price": yuan(i.price_fen),
                "outer_id": i.outer_id,
                "outer_goods_id": i.outer_goods_id,
                "goods_img": f"https://img.pddpic.com/sandbox/{i.goods_id}.jpg",
            }
            for i in o.items
        ],
        "extra_delivery_list": list(o.extra_deliveries),
        "step_order_info": None,
    }


def refund_row(c: AfterSale) -> dict[str, Any]:
    """A pdd.refund.list.increment.get row: after_sales_type in the list enum (2..6)."""
    return {
        "id": c.id,
        "order_sn": c.order_sn,
        "after_sales_status": c.status,
        "after_sales_type": c.type,
        "after_sale_reason": c.reason,
        "refund_amount": yuan_text(c.refund_fen),
        "goods_id": c.item.goods_id,
        "sku_id": c.item.sku_id,
        "goods_name": c.item.goods_name,
        "goods_number": c.item.goods_count,
        "goods_price": yuan_text(c.item.price_fen),
        "outer_id": c.item.outer_id,
        "outer_goods_id": c.item.outer_goods_id,
        "tracking_number": c.tracking_number,
        "shipping_name": c.shipping_name,
        "created_time": beijing(c.created_ts),
        "updated_time": beijing(c.updated_ts),
        "speed_refund_flag": 0,
        "refund_operator_role": 0,
        "user_shipping_status": 1 if c.type == 2 else 2,
    }


def refund_detail(c: AfterSale) -> dict[str, Any]:
    """pdd.refund.information.get: no wrapper, and after_sales_type numbered one lower (1..5)."""
    return {
        "id": c.id,
        "order_sn": c.order_sn,
        "after_sales_status": c.status,
        "after_sales_type": c.type - 1,
        "after_sales_reason": c.reason,
        "refund_amount": yuan_text(c.refund_fen),
        "express_no": c.tracking_number,
        "shipping_name": c.shipping_name,
        "shipping_status": 1 if c.tracking_number else 0,
        "images": list(c.images),
        "remark": c.remark,
        "goods_id": c.item.goods_id,
        "sku_id": c.item.sku_id,
        "goods_name": c.item.goods_name,
        "goods_number": c.item.goods_count,
        "outer_id": c.item.outer_id,
        "created_time": beijing(c.created_ts),
        "updated_time": beijing(c.updated_ts),
        "expire_time": beijing(c.created_ts + 48 * 3600) if c.status in (2, 3, 14, 21) else "",
        "exchange_shipping_detail": {"tracking_number": c.resend_tracking, "shipping_id": c.resend_shipping_id}
        if c.resend_tracking else None,
    }


def goods(g: Goods) -> dict[str, Any]:
    return {
        "goods_id": g.goods_id,
        "goods_name": g.goods_name,
        "is_onsale": g.is_onsale,
        "goods_quantity": sum(s.quantity for s in g.skus.values()),
        "goods_reserve_quantity": 0,
        "is_more_sku": int(len(g.skus) > 1),
        "thumb_url": f"https://img.pddpic.com/sandbox/{g.goods_id}.jpg",
        "sku_list": [
            {
                "sku_id": s.sku_id,
                "spec": s.spec,
                "sku_quantity": s.quantity,
                "outer_id": s.outer_id,
                "outer_goods_id": g.outer_goods_id,
                "is_sku_onsale": 1,
                "reserve_quantity": 0,
            }
            for s in g.skus.values()
        ],
    }
