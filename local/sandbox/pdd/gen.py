"""Demo data: catalogs, receivers with POP-style ciphertext, and orders in a mix of states."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from local.sandbox.core import SHANGHAI, DataGen, FakePerson
from local.sandbox.pdd.model import Goods, Item, Mall, Order, Receiver, Sku

# (id, code, name): the sandbox's logistics company table; ids are illustrative
COMPANIES: list[tuple[int, str, str]] = [
    (1, "STO", "申通快递"),
    (3, "HTKY", "百世快递"),
    (44, "SF", "顺丰快递"),
    (85, "YTO", "圆通快递"),
    (115, "ZTO", "中通快递"),
    (118, "EMS", "EMS"),
    (120, "JD", "京东配送"),
    (121, "YUNDA", "韵达快递"),
    (131, "DEBANGWULIU", "德邦快递"),
    (132, "YZXB", "邮政快递包裹"),
    (384, "JTSD", "极兔速递"),
    (200, "OLD-CARRIER", "已停用物流"),
]
RETIRED_COMPANY_IDS = frozenset({200})

# order state mix: (weight, order_status, refund_status, confirm_status)
STATE_MIX = [(70, 1, 1, 1), (12, 2, 1, 1), (6, 3, 1, 1), (4, 1, 1, 2), (4, 1, 1, 0), (4, 1, 4, 1)]


class Ciphers:
    """POP's ciphertext format is not public: wrapped opaque tokens (~name~, $phone$, #address#)
    that only this sandbox can map back."""

    def __init__(self) -> None:
        self._plain: dict[str, tuple[str, str]] = {}

    def seal(self, mall_id: str, kind: str, plain: str) -> str:
        wrap = {"name": "~", "phone": "$", "address": "#"}[kind]
        digest = hashlib.sha256(f"{mall_id}|{kind}|{plain}".encode()).digest()[:24]
        token = f"{wrap}{base64.b64encode(digest).decode()}{wrap}"
        self._plain[token] = (mall_id, plain)
        return token

    def open(self, mall_id: str, token: str) -> str | None:
        found = self._plain.get(token)
        return found[1] if found and found[0] == mall_id else None


def catalog(data: DataGen, mall_index: int) -> dict[int, Goods]:
    goods: dict[int, Goods] = {}
    for sku in data.catalog(products=6, id_base=(mall_index + 1) * 10_000_000):
        goods_id = int(sku.product_id)
        entry = goods.setdefault(
            goods_id, Goods(goods_id=goods_id, goods_name=sku.title, outer_goods_id=f"G-{goods_id}", skus={})
        )
        entry.skus[int(sku.sku_id)] = Sku(
            sku_id=int(sku.sku_id),
            spec=sku.sku_name,
            quantity=data.rng.randint(0, 500),
            outer_id=sku.merchant_code,
            price_fen=sku.price_fen,
        )
    return goods


def receiver(person: FakePerson, mall_id: str, ciphers: Ciphers) -> Receiver:
    full = f"{person.province}{person.city}{person.district}{person.detail}"
    return Receiver(
        name=person.name,
        phone=person.phone,
        province=person.province,
        city=person.city,
        town=person.district,
        detail=person.detail,
        cipher_name=ciphers.seal(mall_id, "name", person.name),
        cipher_phone=ciphers.seal(mall_id, "phone", person.phone),
        cipher_address=ciphers.seal(mall_id, "address", full),
    )


def order(data: DataGen, mall: Mall, ciphers: Ciphers, updated_ts: int, serial: int) -> Order:
    rng = data.rng
    created_ts = updated_ts - rng.randint(0, 3 * 86_400)
    confirm_ts = min(updated_ts, created_ts + rng.randint(0, 600))
    skus = [(g, s) for g in mall.goods.values() for s in g.skus.values()]
    items = [
        Item(
            goods_id=g.goods_id,
            sku_id=s.sku_id,
            goods_name=g.goods_name,
            goods_spec=s.spec,
            goods_count=rng.randint(1, 3),
            price_fen=s.price_fen,
            outer_id=s.outer_id,
            outer_goods_id=g.outer_goods_id,
        )
        for g, s in rng.sample(skus, k=rng.choice([1, 1, 1, 2, 2, 3]))
    ]
    goods_fen = sum(i.price_fen * i.goods_count for i in items)
    seller_discount = min(rng.choice([0, 0, 300, 500, 1000]), goods_fen // 2)
    platform_discount = min(rng.choice([0, 0, 0, 200]), goods_fen // 4)
    day = datetime.fromtimestamp(created_ts, SHANGHAI).strftime("%y%m%d")
    new = Order(
        order_sn=f"{day}-{serial:06d}{rng.randrange(10**9):09d}",
        mall_id=mall.mall_id,
        items=items,
        receiver=receiver(data.person(), mall.mall_id, ciphers),
        created_ts=created_ts,
        confirm_ts=confirm_ts,
        updated_ts=updated_ts,
        postage_fen=rng.choice([0, 0, 0, 500, 800]),
        seller_discount_fen=seller_discount,
        platform_discount_fen=platform_discount,
        buyer_memo=data.memo(),
        risk_control_status=1 if rng.random() < 0.02 else 0,
    )
    _apply_state(data, new)
    return new


def _apply_state(data: DataGen, new: Order) -> None:
    rng = data.rng
    _, new.order_status, new.refund_status, new.confirm_status = rng.choices(
        STATE_MIX, weights=[w for w, *_ in STATE_MIX]
    )[0]
    if new.order_status >= 2:
        logistics_id, code, _ = rng.choice([c for c in COMPANIES if c[0] not in RETIRED_COMPANY_IDS])
        new.logistics_id = logistics_id
        new.tracking_number = f"{code[:2]}{rng.randrange(10**12):012d}"
        new.shipping_ts = min(new.updated_ts, new.confirm_ts + rng.randint(3600, 86_400))
    if new.order_status == 3:
        new.receive_ts = new.updated_ts
    if new.refund_status == 4:
        new.after_sales_status = 10
