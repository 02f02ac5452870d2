"""Demo data in TOP's shapes: a shop's catalog, Cainiao branches, and realistic trades."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from local.sandbox.core import DataGen, FakeSku
from local.sandbox.taobao.model import Branch, Item, Line, Sku, Trade

CARRIERS = [  # (code, name, reg_mail_no): a slice of taobao.logistics.companies.get
    ("ZTO", "中通快递", r"^((768|769|778|779|780|781|782|783|788|789|790)[0-9]{9})$|^(7[0-9]{13})$"),
    ("YTO", "圆通速递", r"^[A-Za-z0-9]{2}[0-9]{10}$|^YT[0-9]{13}$"),
    ("STO", "申通快递", r"^(268|888|588|688|368|468|568|668|768|868|968|77)[0-9]{10,11}$"),
    ("YUNDA", "韵达快递", r"^[0-9]{13,15}$"),
    ("SF", "顺丰速运", r"^SF[0-9]{12,13}$|^[0-9]{12}$"),
    ("EMS", "EMS", r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$|^(10|11)[0-9]{11}$"),
    ("POSTB", "邮政快递包裹", r"^[0-9]{13}$|^[A-Z]{2}[0-9]{9}[A-Z]{2}$"),
    ("JD", "京东快递", r"^JD[0-9A-Z]{11,13}$"),
    ("JTSD", "极兔速递", r"^JT[0-9]{13}$"),
    ("DBKD", "德邦快递", r"^DPK[0-9]{12}$|^[0-9]{8,10}$"),
    ("HTKY", "百世快递", r"^[0-9]{12,15}$"),
    ("ZJS", "宅急送", r"^[a-zA-Z0-9]{10}$"),
]
CARRIER_NAME = {code: name for code, name, _ in CARRIERS}
# weights of generated trade statuses: most await shipment, as a live shop's do
STATUSES = [
    ("WAIT_SELLER_SEND_GOODS", 60),
    ("WAIT_BUYER_PAY", 10),
    ("WAIT_BUYER_CONFIRM_GOODS", 13),
    ("TRADE_FINISHED", 7),
    ("TRADE_CLOSED_BY_TAOBAO", 7),
    ("SELLER_CONSIGNED_PART", 3),
]
PROMOTIONS = [0, 0, 0, 300, 500, 1000]  # 满减, in fen, split over the lines


def catalog(gen: DataGen, shop_index: int, now: datetime) -> dict[int, Item]:
    items: dict[int, Item] = {}
    for fake in gen.catalog(products=6, id_base=600_000_000_000 + shop_index * 1000):
        item = items.setdefault(int(fake.product_id), _item(fake, now))
        item.skus.append(
            Sku(
                sku_id=int(fake.sku_id) * 10 + 1,
                num_iid=item.num_iid,
                properties_name=f"1627207:{28320 + len(item.skus)}:规格:{fake.sku_name}",
                outer_id=fake.merchant_code,
                price=fake.price_fen,
                quantity=gen.rng.randint(0, 300),
                modified=now,
            )
        )
    return items


def _item(fake: FakeSku, now: datetime) -> Item:
    return Item(
        num_iid=int(fake.product_id),
        title=fake.title,
        outer_id=fake.merchant_code.rsplit("-", 1)[0],
        price=fake.price_fen,
        pic_url=f"https://img.alicdn.com/imgextra/i1/{fake.product_id}.jpg",
        modified=now,
    )


def branches(gen: DataGen, address_ids: int) -> list[Branch]:
    warehouse = gen.person()
    return [
        Branch("ZTO", 2, "571001", f"{warehouse.city}中通{warehouse.district}网点", 500, warehouse, address_ids),
        Branch("YUNDA", 2, "571002", f"{warehouse.city}韵达{warehouse.district}分部", 0, warehouse, address_ids),
        Branch("SF", 1, "", "", 0, warehouse, address_ids),
    ]


def trade(
    gen: DataGen, items: dict[int, Item], ids: tuple[int, list[int]], seller: tuple[str, str], modified: datetime
) -> Trade:
    rng = gen.rng
    tid, oids = ids
    status = _status(rng, len(oids))
    created = modified - timedelta(seconds=rng.randint(60, 3 * 86400))
    skus = [sku for item in items.values() for sku in item.skus]
    lines = [_line(rng.choice(skus), items, oid, rng) for oid in oids]
    _split_promotion(rng.choice(PROMOTIONS), lines)
    buyer = gen.fake.user_name()
    result = Trade(
        tid=tid,
        seller_id=seller[0],
        seller_nick=seller[1],
        buyer_nick=buyer[0] + "**",
        buyer_open_uid="AAH" + gen.fake.sha1()[:21],
        receiver=gen.person(),
        oaid="1" + gen.fake.sha256()[:47],
        lines=lines,
        status=status,
        created=created,
        modified=modified,
        post_fee=rng.choice([0, 0, 0, 600, 1000]),
        type=rng.choice(["fixed"] * 8 + ["step", "cod"]),
        buyer_message=gen.memo(),
    )
    _settle(result, rng, status)
    return result


def _status(rng: random.Random, lines: int) -> str:
    names = [name for name, _ in STATUSES if lines > 1 or name != "SELLER_CONSIGNED_PART"]
    return rng.choices(names, weights=[w for name, w in STATUSES if name in names])[0]


def _line(sku: Sku, items: dict[int, Item], oid: int, rng: random.Random) -> Line:
    item = items[sku.num_iid]
    return Line(
        oid=oid,
        num_iid=item.num_iid,
        sku_id=sku.sku_id,
        outer_iid=item.outer_id,
        outer_sku_id=sku.outer_id,
        title=item.title,
        sku_properties_name=sku.properties_name.rsplit(":", 2)[-2] + ":" + sku.properties_name.rsplit(":", 1)[-1],
        num=rng.choice([1, 1, 1, 2, 3]),
        price=sku.price,
    )


def _split_promotion(amount: int, lines: list[Line]) -> None:
    total = sum(line.total for line in lines)
    amount = min(amount, total // 2)
    for line in lines[:-1]:
        line.discount = amount * line.total // total
    lines[-1].discount = amount - sum(line.discount for line in lines[:-1])


def _settle(trade: Trade, rng: random.Random, status: str) -> None:
    """Fill pay/consign/end times and line states so they agree with the trade status."""
    if status in ("WAIT_BUYER_PAY", "TRADE_CLOSED_BY_TAOBAO"):
        for line in trade.lines:
            line.status = status
        trade.end_time = trade.modified if status == "TRADE_CLOSED_BY_TAOBAO" else None
        return
    trade.pay_time = trade.created + (trade.modified - trade.created) * 0.1
    shipped = (
        trade.lines
        if status in ("WAIT_BUYER_CONFIRM_GOODS", "TRADE_FINISHED")
        else trade.lines[:1]
        if status == "SELLER_CONSIGNED_PART"
        else []
    )
    line_status = "TRADE_FINISHED" if status == "TRADE_FINISHED" else "WAIT_BUYER_CONFIRM_GOODS"
    consigned = (trade.pay_time + (trade.modified - trade.pay_time) * 0.5).replace(microsecond=0)
    code = rng.choice(["ZTO", "YTO", "YUNDA"])
    for line in trade.lines:
        line.status = "WAIT_SELLER_SEND_GOODS"
    for line in shipped:
        line.status, line.company_code, line.logistics_company = line_status, code, CARRIER_NAME[code]
        line.invoice_no, line.consign_time = f"{rng.randint(10**12, 10**13 - 1)}", consigned
    trade.pay_time = trade.pay_time.replace(microsecond=0)
    trade.consign_time = consigned if shipped else None
    trade.end_time = trade.modified if status == "TRADE_FINISHED" else None
