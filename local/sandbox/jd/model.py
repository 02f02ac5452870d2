"""The JD sandbox's state: shops, SKUs, orders (indexed by modified time), after-sales, waybills."""
from __future__ import annotations

import bisect
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from local.sandbox.core import DataGen, FakePerson, FakeSku, mask_name, mask_phone
from local.sandbox.jd.wire import Tde, jd_time, yuan

# (state, weight): most orders await shipment; JD lists no unpaid orders in enSearch (they live in
# jingdong.pop.order.notPayOrderInfo), so none are generated here. LOCKED comes from a buyer's
# cancel request (request_after_sale), never at generation.
STATE_MIX = (("WAIT_SELLER_STOCK_OUT", 76), ("WAIT_GOODS_RECEIVE_CONFIRM", 10), ("FINISHED_L", 8),
             ("TRADE_CANCELED", 6))
STATE_REMARK = {"WAIT_SELLER_STOCK_OUT": "等待出库", "WAIT_GOODS_RECEIVE_CONFIRM": "等待确认收货",
                "FINISHED_L": "完成", "TRADE_CANCELED": "取消", "LOCKED": "已锁定", "POP_ORDER_PAUSE": "暂停"}
SHIPPED_STATES = frozenset({"WAIT_GOODS_RECEIVE_CONFIRM", "FINISHED_L"})
CARRIERS = (("1499", "中通快递"), ("463", "圆通快递"), ("470", "申通快递"), ("1327", "韵达快递"), ("467", "顺丰快递"),
            ("2087", "京东快递"), ("465", "EMS"), ("3046", "德邦快递"), ("1274", "厂家自送"))


@dataclass
class Order:
    order_id: str
    seller_id: str
    state: str
    created: datetime
    modified: datetime
    paid_at: datetime
    items: list[dict[str, Any]]
    coupons: list[dict[str, Any]]
    freight_fen: int
    buyer: FakePerson
    cipher: dict[str, str]
    buyer_pin: str
    buyer_memo: str = ""
    vender_remark: str = ""
    flag: int = 0
    waybill: str = ""
    logistics_id: str = ""
    end_time: datetime | None = None

    @property
    def total_fen(self) -> int:
        return sum(i["price_fen"] * i["qty"] for i in self.items)

    @property
    def seller_discount_fen(self) -> int:
        return sum(c["fen"] for c in self.coupons if c["type"] in ("30", "100"))

    @property
    def payment_fen(self) -> int:
        platform = sum(c["fen"] for c in self.coupons if c["type"] not in ("30", "100"))
        return self.total_fen - self.seller_discount_fen - platform + self.freight_fen

    def info(self) -> dict[str, Any]:
        """orderInfo as enSearch/enGet return it (money in yuan strings, consignee as TDE ciphertext)."""
        b = self.buyer
        return {
            "orderId": self.order_id, "venderId": self.seller_id, "orderType": "22", "payType": "4",
            "orderTotalPrice": yuan(self.total_fen),
            "orderSellerPrice": yuan(self.total_fen - self.seller_discount_fen),
            "orderPayment": yuan(self.payment_fen), "freightPrice": yuan(self.freight_fen),
            "sellerDiscount": yuan(self.seller_discount_fen), "balanceUsed": "0.00",
            "orderState": self.state, "orderStateRemark": STATE_REMARK.get(self.state, ""),
            "orderRemark": self.buyer_memo, "venderRemark": self.vender_remark,
            "orderStartTime": jd_time(self.created), "orderEndTime": jd_time(self.end_time) or "0001-01-01 00:00:00",
            "modified": jd_time(self.modified), "paymentConfirmTime": jd_time(self.paid_at),
            "waybill": self.waybill, "logisticsId": self.logistics_id, "pin": self.buyer_pin,
            "open_id_buyer": hashlib.md5(self.buyer_pin.encode()).hexdigest(), "xid_buyer": "",
            "parentOrderId": "0", "storeId": "0",
            "consigneeInfo": {"fullname": self.cipher["fullname"], "mobile": self.cipher["mobile"],
                              "telephone": self.cipher["telephone"], "fullAddress": self.cipher["fullAddress"],
                              "province": b.province, "city": b.city, "county": b.district, "town": b.town,
                              "provinceId": "1", "cityId": "72", "countyId": "2799", "townId": "0"},
            "itemInfoList": [{"skuId": i["sku_id"], "outerSkuId": i["outer_id"], "wareId": i["ware_id"],
                              "skuName": i["name"], "jdPrice": yuan(i["price_fen"]), "itemTotal": str(i["qty"]),
                              "productNo": i["outer_id"], "giftPoint": "0"} for i in self.items],
            "couponDetailList": [{"orderId": self.order_id, "skuId": c["sku_id"], "couponType": c["type"],
                                  "couponPrice": yuan(c["fen"])} for c in self.coupons],
            "invoiceEasyInfo": {"invoiceType": "0", "invoiceTitle": ""},
        }


@dataclass
class Sku:
    sku: FakeSku
    stock: int
    status: int = 1   # 1 上架 2 下架 4 删除


@dataclass
class Shop:
    seller_id: str
    app_key: str
    app_secret: str
    access_token: str
    refresh_token: str
    token_expired: bool = False
    refresh_dead: bool = False
    codes: set[str] = field(default_factory=set)
    skus: dict[str, Sku] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    index: list[tuple[datetime, str]] = field(default_factory=list)   # (modified, orderId), sorted

    def put(self, order: Order) -> None:
        self.orders[order.order_id] = order
        bisect.insort(self.index, (order.modified, order.order_id))

    def touch(self, order: Order, at: datetime) -> None:
        key = (order.modified, order.order_id)
        position = bisect.bisect_left(self.index, key)
        if position < len(self.index) and self.index[position] == key:
            del self.index[position]
        order.modified = at.replace(microsecond=0)
        bisect.insort(self.index, (order.modified, order.order_id))

    def window(self, start: datetime, end: datetime) -> list[str]:
        """Order ids with start <= modified <= end (JOS takes both ends inclusive), oldest first."""
        low = bisect.bisect_left(self.index, (start, ""))
        high = bisect.bisect_right(self.index, (end, "\uffff"))
        return [order_id for _, order_id in self.index[low:high]]


@dataclass
class RefundApply:
    apply_id: int
    order_id: str
    seller_id: str
    buyer_pin: str
    buyer_name: str
    applied: datetime
    refund_fen: int
    status: int = 0
    checked: datetime | None = None
    check_user: str = ""
    remark: str = ""

    def row(self) -> dict[str, Any]:
        return {"id": self.apply_id, "orderId": self.order_id, "buyerId": self.buyer_pin, "buyerName": self.buyer_name,
                "applyTime": jd_time(self.applied), "applyRefundSum": self.refund_fen, "status": self.status,
                "checkTime": jd_time(self.checked), "checkUserName": self.check_user}

    @property
    def modified(self) -> datetime:
        return self.checked or self.applied


@dataclass
class Service:
    service_id: int
    apply_id: int
    order_id: str
    seller_id: str
    sku_id: str
    ware_id: str
    ware_name: str
    count: int
    expect: int
    applied: datetime
    updated: datetime
    refund_fen: int
    question: str
    customer_pin: str
    customer_name: str
    status: int = 10001
    version: int = 1
    approved: datetime | None = None
    finished: datetime | None = None
    return_address: str = ""
    resend_carrier: str = ""       # the exchange / reissue parcel (jingdong.asc.process.offline.change)
    resend_waybill: str = ""

    def row(self) -> dict[str, Any]:
        return {"serviceId": self.service_id, "afsApplyId": self.apply_id, "orderId": int(self.order_id),
                "skuId": int(self.sku_id), "wareId": int(self.ware_id), "wareName": self.ware_name,
                "serviceCount": self.count, "customerExpect": self.expect, "serviceStatus": self.status,
                "applyTime": jd_time(self.applied), "updateDate": jd_time(self.updated),
                "approveTime": jd_time(self.approved), "applyRefundSum": self.refund_fen,
                "questionDesc": self.question, "customerPin": self.customer_pin,
                "customerName": self.customer_name, "sysVersion": self.version,
                "shipWayId": self.resend_carrier, "expressCode": self.resend_waybill}


@dataclass
class Waybill:
    code: str
    provider_code: str
    order_no: str
    seller_id: str
    bound: bool = True
    vendor_order_code: str = ""        # the seller's key of the parcel: one live waybill per key


class OrderFactory:
    """Realistic JD orders: zh_CN buyers (TDE-encrypted), 1-3 lines, coupons, memos, a state mix."""

    def __init__(self, data: DataGen, tde: Tde, rng: random.Random) -> None:
        self.data, self.tde, self.rng = data, tde, rng
        self._next_id = 290_000_000_000 + rng.randrange(1_000_000)

    def make(self, shop: Shop, modified: datetime) -> Order:
        self._next_id += self.rng.randint(1, 9)
        buyer = self.data.person()
        state = self.rng.choices([s for s, _ in STATE_MIX], [w for _, w in STATE_MIX])[0]
        created = modified - timedelta(minutes=self.rng.randint(5, 3 * 24 * 60))
        items = self._items(shop)
        order = Order(order_id=str(self._next_id), seller_id=shop.seller_id, state=state, created=created,
                      modified=modified, paid_at=created + timedelta(minutes=self.rng.randint(1, 30)), items=items,
                      coupons=self._coupons(items), freight_fen=self.rng.choice([0, 0, 0, 600, 1000]), buyer=buyer,
                      cipher=self._cipher(buyer), buyer_pin=f"jd_{self.rng.getrandbits(40):010x}",
                      buyer_memo=self.data.memo())
        if state in SHIPPED_STATES:
            order.logistics_id, order.waybill = "1499", f"7{self.rng.randrange(10**13):013d}"
        if state == "FINISHED_L":
            order.end_time = modified
        return order

    def _items(self, shop: Shop) -> list[dict[str, Any]]:
        picks = self.rng.sample(list(shop.skus.values()), k=self.rng.choice([1, 1, 1, 2, 2, 3]))
        return [{"sku_id": s.sku.sku_id, "ware_id": s.sku.product_id, "outer_id": s.sku.merchant_code,
                 "name": f"{s.sku.title} {s.sku.sku_name}", "price_fen": s.sku.price_fen,
                 "qty": self.rng.choice([1, 1, 2, 3])} for s in picks]

    def _coupons(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        coupons = []
        if self.rng.random() < 0.3:   # 单品促销 on the first line
            coupons.append({"sku_id": items[0]["sku_id"], "type": "30", "fen": items[0]["price_fen"] // 10})
        if self.rng.random() < 0.2:   # 店铺优惠, order level
            coupons.append({"sku_id": "", "type": "100", "fen": 300})
        if self.rng.random() < 0.2:   # 京东券, borne by JD
            coupons.append({"sku_id": "", "type": "41", "fen": 200})
        return coupons

    def _cipher(self, buyer: FakePerson) -> dict[str, str]:
        address = f"{buyer.province}{buyer.city}{buyer.district}{buyer.town}{buyer.detail}"
        return {"fullname": self.tde.encrypt(buyer.name), "mobile": self.tde.encrypt(buyer.phone),
                "telephone": "", "fullAddress": self.tde.encrypt(address),
                "masked_name": mask_name(buyer.name), "masked_phone": mask_phone(buyer.phone)}


def spread_seconds(rng: random.Random, start: datetime, end: datetime, count: int) -> Iterator[datetime]:
    """Whole-second times in [start, end): JD keeps `modified` to the second."""
    first = start.replace(microsecond=0) + (timedelta(seconds=1) if start.microsecond else timedelta())
    span = max(1, int((end - first).total_seconds()))
    for _ in range(count):
        yield first + timedelta(seconds=rng.randrange(span))
