"""Realistic orders and waybill accounts for a sandbox shop (DataGen: zh_CN buyers, the shop's catalog)."""

from __future__ import annotations

import random

from local.sandbox.core import DataGen, FakeSku
from local.sandbox.wechat.state import (
    AWAITING,
    CANCELLED,
    COMPLETED,
    PARTLY_SHIPPED,
    SHIPPED,
    UNPAID,
    Line,
    Order,
    Parcel,
    Shop,
)

# most orders wait for shipment, as in a live shop
STATUS_WEIGHTS = {AWAITING: 60, UNPAID: 6, PARTLY_SHIPPED: 4, SHIPPED: 15, COMPLETED: 5, CANCELLED: 10}
CARRIERS = ("ZTO", "YTO", "YUNDA", "SF", "JTSD")


def new_order(data: DataGen, shop: Shop, order_id: str, updated: int) -> Order:
    rng = data.rng
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    created = updated - rng.randint(0, 6 * 3600)
    count = 2 if status == PARTLY_SHIPPED else rng.choice((1, 1, 1, 2, 3))
    lines = [_line(rng, sku) for sku in rng.sample(shop.skus, count)]
    order = Order(
        order_id=order_id,
        status=status,
        create_time=created,
        update_time=updated,
        lines=lines,
        person=data.person(),
        openid=f"o{rng.getrandbits(80):020x}",
        freight=rng.choice((0, 0, 0, 600, 1000)),
        merchant_discount=sum(ln.sale_price * ln.count - ln.real_price for ln in lines),
        customer_notes=data.memo(),
    )
    if status != UNPAID:
        order.pay_time = min(updated, created + rng.randint(5, 600))
    if status in (PARTLY_SHIPPED, SHIPPED, COMPLETED):
        shipped = lines[:1] if status == PARTLY_SHIPPED else lines
        order.parcels.append(
            Parcel(
                rng.choice(CARRIERS),
                f"SB{rng.getrandbits(40):013d}",
                updated,
                [(ln.product_id, ln.sku_id, ln.count) for ln in shipped],
            )
        )
    return order


def _line(rng: random.Random, sku: FakeSku) -> Line:
    count = rng.choice((1, 1, 1, 2, 3))
    discount = rng.choice((0, 0, 0, 100, 300)) * count
    return Line(
        product_id=sku.product_id,
        sku_id=sku.sku_id,
        title=sku.title,
        sku_code=sku.merchant_code,
        spec=sku.sku_name,
        count=count,
        sale_price=sku.price_fen,
        real_price=max(1, sku.price_fen * count - discount),
    )


def new_waybill_accounts(rng: random.Random, number: int) -> list[dict]:
    accounts = []
    for delivery_id, site in (("ZTO", "杭州余杭仓前网点"), ("YTO", "杭州西湖文三网点")):
        accounts.append(
            {
                "delivery_id": delivery_id,
                "acct_id": f"{delivery_id}-{number}-{rng.randint(1000, 9999)}",
                "acct_type": 0,
                "status": 1,
                "available": 500,
                "allocated": 0,
                "recycled": 0,
                "cancel": 0,
                "shop_id": f"shop{number}",
                "site_info": {
                    "delivery_id": delivery_id,
                    "site_status": 1,
                    "site_code": f"{delivery_id}571{number:03d}",
                    "site_name": site,
                    "site_fullname": f"{CARRIER_FULL[delivery_id]}{site}",
                    "address": {
                        "province_name": "浙江省",
                        "city_name": "杭州市",
                        "district_name": "余杭区",
                        "street_name": "仓前街道",
                        "detail_address": "文一西路1500号",
                    },
                    "contact": {"name": "王仓管", "mobile": "13800000000", "phone": ""},
                },
                "sender_address": {
                    "province": "浙江省",
                    "city": "杭州市",
                    "county": "余杭区",
                    "street": "仓前街道",
                    "address": "文一西路1500号3号仓",
                },
            }
        )
    return accounts


CARRIER_FULL = {"ZTO": "中通快递", "YTO": "圆通速递"}
