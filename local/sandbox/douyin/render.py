"""Sandbox state -> Douyin response shapes (order.searchList / orderDetail, afterSale.List / Detail), and
-> the neutral Truth* records tests compare against."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from local.sandbox.core import (
    SHANGHAI,
    SPOT_SHIP_HOURS,
    TruthAfterSale,
    TruthOrder,
    mask_detail,
    mask_name,
    mask_phone,
)
from local.sandbox.douyin.model import AfterSale, Order, Shop, SkuOrder

ORDER_STATUS_DESC = {1: "待支付", 105: "已支付", 2: "备货中", 101: "部分发货", 3: "已发货", 4: "已取消", 5: "已完成"}
AFTER_SALE_TYPE_TEXT = {0: "退货退款", 1: "已发货仅退款", 2: "未发货仅退款", 3: "换货", 7: "补寄"}
AFTER_SALE_STATUS_TEXT = {
    6: "待商家同意",
    7: "待买家退货",
    8: "待商家发货",
    11: "待商家二次同意",
    12: "售后成功",
    13: "换货补寄待用户收货",
    14: "换货成功",
    27: "商家一次拒绝",
    28: "售后失败",
    29: "商家二次拒绝",
}


def order_payload(order: Order, shop: Shop) -> dict[str, Any]:
    r = order.receiver
    region = {
        "province": {"name": r.province, "id": "33"},
        "city": {"name": r.city, "id": "3301"},
        "town": {"name": r.town, "id": "330110"},
        "street": {"name": r.street, "id": "330110001"},
    }
    return {
        "shop_id": int(shop.shop_id),
        "shop_name": shop.shop_name,
        "order_id": order.order_id,
        "order_level": 2,
        "biz": 2,
        "biz_desc": "小店",
        "order_type": 0,
        "order_type_desc": "普通订单",
        "order_status": order.status,
        "order_status_desc": ORDER_STATUS_DESC[order.status],
        "main_status": order.status,
        "main_status_desc": ORDER_STATUS_DESC[order.status],
        "pay_time": order.pay_time,
        "finish_time": order.finish_time,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "cancel_reason": order.cancel_reason,
        "buyer_words": order.buyer_words,
        "seller_words": order.seller_words,
        "seller_remark_stars": order.stars,
        "pay_type": 1,
        "order_amount": sum(line.sum_amount for line in order.lines) + order.post_amount,
        "pay_amount": order.pay_amount,
        "post_amount": order.post_amount,
        "promotion_amount": sum(line.shop_promotion + line.platform_promotion for line in order.lines),
        "promotion_shop_amount": sum(line.shop_promotion for line in order.lines),
        "promotion_platform_amount": sum(line.platform_promotion for line in order.lines),
        "promotion_talent_amount": 0,
        "post_receiver": order.ciphers["name"],
        "encrypt_post_receiver": order.ciphers["name"],
        "post_tel": order.ciphers["tel"],
        "encrypt_post_tel": order.ciphers["tel"],
        "post_addr": {**region, "detail": order.ciphers["detail"], "encrypt_detail": order.ciphers["detail"]},
        "mask_post_receiver": mask_name(r.name),
        "mask_post_tel": mask_phone(r.phone),
        "mask_post_addr": {**region, "detail": mask_detail(r.detail)},
        "ship_time": order.ship_time,
        "exp_ship_time": _exp_ship_time(order),
        "doudian_open_id": order.buyer_open_id,
        "logistics_info": [dict(parcel) for parcel in order.logistics],
        "sku_order_list": [_sku_order_payload(order, line) for line in order.lines],
    }


def _exp_ship_time(order: Order) -> int:
    if not order.pay_time:
        return 0
    return order.pay_time + (order.presale_days * 86400 if order.presale_days else SPOT_SHIP_HOURS * 3600)


def _sku_order_payload(order: Order, line: SkuOrder) -> dict[str, Any]:
    sku = line.sku
    return {
        "order_id": line.sku_order_id,
        "parent_order_id": order.order_id,
        "order_level": 3,
        "order_status": order.status,
        "main_status": order.status,
        "trade_type": 0,
        "pre_sale_type": 1 if order.presale_days else 0,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "pay_time": order.pay_time,
        "product_id": int(sku.product_id),
        "product_id_str": sku.product_id,
        "product_name": sku.product_name,
        "product_pic": f"https://p3-aio.ecombdimg.com/obj/sandbox/{sku.product_id}.jpg",
        "sku_id": int(sku.sku_id),
        "code": sku.code,
        "out_sku_id": "",
        "out_product_id": "",
        "spec": [{"name": "规格", "value": sku.spec}],
        "item_num": line.item_num,
        "origin_amount": sku.price,
        "sum_amount": line.sum_amount,
        "pay_amount": line.pay_amount,
        "post_amount": 0,
        "promotion_shop_amount": line.shop_promotion,
        "promotion_platform_amount": line.platform_promotion,
        "goods_type": 0,
        "is_comment": 0,
        "after_sale_info": {
            "after_sale_status": line.after_sale_status,
            "after_sale_type": line.after_sale_type,
            "refund_status": line.refund_status,
        },
    }


def after_sale_list_item(case: AfterSale, order: Order) -> dict[str, Any]:
    line = next(x for x in order.lines if x.sku_order_id == case.sku_order_id)
    return {
        "aftersale_info": {
            "aftersale_id": case.aftersale_id,
            "aftersale_order_type": 1,
            "aftersale_type": case.type,
            "aftersale_status": case.status,
            "related_id": case.sku_order_id,
            "apply_time": case.apply_time,
            "create_time": case.apply_time,
            "update_time": case.update_time,
            "status_deadline": case.update_time + 48 * 3600 if case.status in (6, 11) else 0,
            "refund_amount": case.refund_amount,
            "refund_post_amount": 0,
            "aftersale_num": case.num,
            "part_type": 0,
            "aftersale_refund_type": 0,
            "refund_type": 2,
            "arbitrate_status": 0,
            "refund_status": case.refund_status,
            "return_logistics_code": case.return_tracking,
            "return_logistics_company_name": case.return_company,
            "remark": case.refuse_reason,
            "got_pkg": case.got_pkg,
        },
        "order_info": {
            "shop_order_id": order.order_id,
            "order_flag": order.stars,
            "related_order_info": [
                {
                    "sku_order_id": line.sku_order_id,
                    "order_status": order.status,
                    "pay_amount": line.pay_amount,
                    "post_amount": 0,
                    "item_num": line.item_num,
                    "create_time": order.create_time,
                    "product_name": line.sku.product_name,
                    "product_id": int(line.sku.product_id),
                    "sku_spec": [{"name": "规格", "value": line.sku.spec}],
                    "shop_sku_code": line.sku.code,
                    "aftersale_pay_amount": case.refund_amount,
                    "aftersale_item_num": case.num,
                    "price": line.sku.price,
                }
            ],
        },
        "text_part": {
            "aftersale_status_text": AFTER_SALE_STATUS_TEXT.get(case.status, ""),
            "aftersale_type_text": AFTER_SALE_TYPE_TEXT.get(case.type, ""),
            "reason_text": case.reason,
        },
        "seller_logs": [],
    }


def after_sale_detail(case: AfterSale, order: Order) -> dict[str, Any]:
    line = next(x for x in order.lines if x.sku_order_id == case.sku_order_id)
    logistics: dict[str, Any] = {
        "order": [
            {
                "tracking_no": p["tracking_no"],
                "company_code": p["company"],
                "company_name": p["company_name"],
                "logistics_time": p["ship_time"],
                "logistics_state": 1,
            }
            for p in order.logistics
        ]
    }
    if case.return_tracking:
        logistics["return"] = {
            "tracking_no": case.return_tracking,
            "company_code": case.return_company,
            "company_name": case.return_company,
            "logistics_time": case.update_time,
        }
    if case.reship_tracking:
        key = "exchange" if case.type == 3 else "resend"
        logistics[key] = {
            "tracking_no": case.reship_tracking,
            "company_code": case.reship_company,
            "company_name": case.reship_company,
            "logistics_time": case.update_time,
        }
    return {
        "process_info": {
            "after_sale_info": {
                "after_sale_id": int(case.aftersale_id),
                "after_sale_status": case.status,
                "after_sale_status_desc": AFTER_SALE_STATUS_TEXT.get(case.status, ""),
                "refund_type": 2,
                "refund_status": case.refund_status,
                "refund_total_amount": case.refund_amount,
                "refund_post_amount": 0,
                "apply_time": case.apply_time,
                "update_time": case.update_time,
                "reason": case.reason,
                "reason_code": 0,
                "after_sale_type": case.type,
                "after_sale_type_text": AFTER_SALE_TYPE_TEXT.get(case.type, ""),
                "reason_remark": "",
                "evidence": [],
                "after_sale_apply_count": case.num,
                "need_return_count": case.num,
                "got_pkg": case.got_pkg,
                "part_type": 0,
                "status_deadline": case.update_time + 48 * 3600 if case.status in (6, 11) else 0,
                "return_address": case.return_address,
            },
            "logistics_info": logistics,
            "after_sale_shop_remarks": [],
            "record_logs_list": [],
        },
        "order_info": {
            "shop_order_id": int(order.order_id),
            "sku_order_infos": [
                {
                    "sku_order_id": int(line.sku_order_id),
                    "order_status": order.status,
                    "pay_amount": line.pay_amount,
                    "post_amount": 0,
                    "item_quantity": line.item_num,
                    "create_time": order.create_time,
                    "product_name": line.sku.product_name,
                    "product_id": int(line.sku.product_id),
                    "sku_spec": [{"name": "规格", "value": line.sku.spec}],
                    "shop_sku_code": line.sku.code,
                    "sku_id": int(line.sku.sku_id),
                    "item_sum_amount": line.sum_amount,
                    "sku_pay_amount": line.pay_amount,
                    "promotion_amount": line.shop_promotion + line.platform_promotion,
                    "pay_type": 1,
                    "after_sale_item_count": case.num,
                }
            ],
        },
    }


def truth_order(order: Order) -> TruthOrder:
    first = order.logistics[0] if order.logistics else {}
    return TruthOrder(
        order_no=order.order_id,
        seller_id=order.shop_id,
        platform_status=str(order.status),
        modified_at=datetime.fromtimestamp(order.update_time, SHANGHAI),
        line_ids=tuple(x.sku_order_id for x in order.lines),
        paid_fen=order.pay_amount,
        carrier_code=str(first.get("company", "")),
        tracking_no=str(first.get("tracking_no", "")),
        seller_memo=order.seller_words,
    )


def truth_after_sale(case: AfterSale) -> TruthAfterSale:
    return TruthAfterSale(
        case_id=case.aftersale_id,
        order_no=case.order_id,
        seller_id=case.shop_id,
        platform_type=str(case.type),
        platform_status=str(case.status),
        modified_at=datetime.fromtimestamp(case.update_time, SHANGHAI),
        refund_fen=case.refund_amount,
    )
