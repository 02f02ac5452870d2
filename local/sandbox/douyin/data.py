"""Realistic Douyin shops and orders from DataGen: multi-line orders, shop and platform discounts, buyer
memos, a mix of statuses (mostly awaiting shipment), receivers encrypted and masked as Douyin does."""

from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import datetime
from typing import ClassVar

from local.sandbox.core import DataGen, FakePerson, presale_days
from local.sandbox.douyin.model import Netsite, Order, Receiver, Shop, Sku, SkuOrder

# (order_status, weight): 2 备货中 dominates, as in a live shop
STATUS_MIX = ((2, 62), (1, 7), (105, 4), (3, 14), (4, 8), (5, 5))
CARRIER_LIST = (
    ("zhongtong", "中通快递"),
    ("yuantong", "圆通速递"),
    ("shentong", "申通快递"),
    ("yunda", "韵达快递"),
    ("shunfeng", "顺丰速运"),
    ("jd", "京东快递"),
    ("ems", "EMS"),
    ("jtexpress", "极兔速递"),
    ("debangkuaidi", "德邦快递"),
    ("youzhengguonei", "邮政快递包裹"),
    ("fengwang", "丰网速运"),
)
CARRIER_NAMES = dict(CARRIER_LIST)


class Cipher:
    """Opaque ciphertexts in Douyin's shapes (name ~..~, phone $..$, address #..#); the sandbox keeps the
    plaintext so that order.batchDecrypt can answer."""

    MARKS: ClassVar[dict[str, str]] = {"name": "~", "tel": "$", "detail": "#"}

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self.plain: dict[str, tuple[str, str]] = {}  # ciphertext -> (order_id, plaintext)

    def seal(self, order_id: str, kind: str, text: str) -> str:
        digest = hashlib.sha256(f"{self._secret}|{order_id}|{kind}|{text}".encode()).digest()
        body = base64.b64encode(digest + digest[:12]).decode()
        mark = self.MARKS[kind]
        cipher = f"{mark}{mark}{body}{mark}1{mark}{mark}"
        self.plain[cipher] = (order_id, text)
        return cipher


def catalog(gen: DataGen, shop_seq: int) -> dict[str, Sku]:
    fakes = gen.catalog(products=6, id_base=3_580_000_000_000_000 + shop_seq * 1000)
    return {
        f.sku_id: Sku(
            sku_id=f.sku_id,
            product_id=f.product_id,
            code=f.merchant_code,
            product_name=f.title,
            spec=f.sku_name,
            price=f.price_fen,
            stock=gen.rng.randint(20, 500),
        )
        for f in fakes
    }


def netsites(gen: DataGen) -> list[Netsite]:
    person = gen.person()
    sender = {
        "province_name": person.province,
        "city_name": person.city,
        "district_name": person.district,
        "street_name": person.town,
        "detail_address": person.detail,
    }
    return [
        Netsite("zhongtong", 2, "ZT-571001", "中通杭州余杭网点", 5000, sender),
        Netsite("yuantong", 2, "YT-571020", "圆通杭州西湖网点", -1, sender),
    ]


def receiver(person: FakePerson, virtual: bool, rng_ext: int) -> Receiver:
    return Receiver(
        name=person.name,
        phone=person.phone,
        province=person.province,
        city=person.city,
        town=person.district,
        street=person.town,
        detail=person.detail,
        virtual_phone=f"{person.phone[:3]}00{person.phone[-6:]}-{rng_ext}" if virtual else "",
    )


def make_order(gen: DataGen, shop: Shop, order_id: str, update_time: int, cipher: Cipher) -> Order:
    rng = gen.rng
    status = rng.choices([s for s, _ in STATUS_MIX], weights=[w for _, w in STATUS_MIX])[0]
    person = gen.person()
    buyer = receiver(person, virtual=rng.random() < 0.2, rng_ext=rng.randint(1000, 9999))
    create_time = update_time - rng.randint(60, 36 * 3600)
    skus = rng.sample(list(shop.skus.values()), k=rng.choice((1, 1, 1, 2, 2, 3)))
    lines = [_line(gen, f"{int(order_id) + i + 1}", sku) for i, sku in enumerate(skus)]
    order = Order(
        order_id=order_id,
        shop_id=shop.shop_id,
        status=status,
        create_time=create_time,
        update_time=update_time,
        pay_time=0 if status == 1 else min(update_time, create_time + rng.randint(5, 600)),
        receiver=buyer,
        lines=lines,
        post_amount=rng.choice((0, 0, 0, 600, 1000)),
        buyer_words=gen.memo(),
        ciphers={
            "name": cipher.seal(order_id, "name", buyer.name),
            "tel": cipher.seal(order_id, "tel", buyer.phone),
            "detail": cipher.seal(order_id, "detail", buyer.detail),
        },
    )
    order.presale_days = presale_days(order_id)
    order.buyer_open_id = f"1@#{zlib.crc32(person.name.encode()):08x}"
    if status in (3, 5):
        _pre_ship(order, rng.choice(("zhongtong", "yuantong", "yunda")), f"SBG{order_id[-10:]}")
    if status == 5:
        order.finish_time = update_time
    if status == 4:
        order.cancel_reason = rng.choice(("不想要了", "地址填错了", "超时未支付"))
    return order


def _line(gen: DataGen, sku_order_id: str, sku: Sku) -> SkuOrder:
    rng = gen.rng
    num = rng.choice((1, 1, 1, 2, 3))
    shop_promotion = (sku.price * num) // 10 if rng.random() < 0.3 else 0
    platform_promotion = rng.choice((0, 0, 100, 200, 300)) if sku.price * num - shop_promotion > 500 else 0
    return SkuOrder(
        sku_order_id=sku_order_id,
        sku=sku,
        item_num=num,
        shop_promotion=shop_promotion,
        platform_promotion=platform_promotion,
    )


def _pre_ship(order: Order, company: str, tracking_no: str) -> None:
    order.ship_time = max(order.pay_time, order.update_time - 3600)
    add_parcel(order, company, tracking_no, order.lines, order.ship_time)


def add_parcel(order: Order, company: str, tracking_no: str, lines: list[SkuOrder], at: int) -> None:
    for line in lines:
        line.shipped = True
    order.logistics.append(
        {
            "tracking_no": tracking_no,
            "company": company,
            "company_name": CARRIER_NAMES.get(company, company),
            "ship_time": at,
            "delivery_id": f"D{tracking_no}",
            "product_info": [
                {
                    "sku_order_id": line.sku_order_id,
                    "sku_id": int(line.sku.sku_id),
                    "product_id": int(line.sku.product_id),
                    "product_id_str": line.sku.product_id,
                    "product_name": line.sku.product_name,
                    "outer_sku_id": line.sku.code,
                    "price": line.sku.price,
                    "product_count": line.item_num,
                    "sku_specs": [{"name": "规格", "value": line.sku.spec}],
                }
                for line in lines
            ],
        }
    )


def seconds(at: datetime) -> int:
    return int(at.timestamp())
