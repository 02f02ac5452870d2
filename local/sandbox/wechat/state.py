"""The sandbox's WeChat shop state: apps and tokens, orders, after-sale cases, products, e-waybills."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from local.sandbox.core import FakePerson, FakeSku, mask_detail, mask_name, mask_phone

UNPAID, AWAITING, PARTLY_SHIPPED, SHIPPED, COMPLETED, REFUNDED_CANCEL, CANCELLED = 10, 20, 21, 30, 100, 200, 250
PAID = frozenset({AWAITING, PARTLY_SHIPPED, SHIPPED, COMPLETED})


@dataclass
class Line:
    product_id: str
    sku_id: str
    title: str
    sku_code: str
    spec: str
    count: int
    sale_price: int
    real_price: int  # what the buyer paid for the whole line
    on_aftersale: int = 0
    finished_aftersale: int = 0

    def as_json(self) -> dict:
        return {
            "product_id": self.product_id,
            "sku_id": self.sku_id,
            "title": self.title,
            "sku_cnt": self.count,
            "sale_price": self.sale_price,
            "real_price": self.real_price,
            "sku_code": self.sku_code,
            "out_sku_id": self.sku_code,
            "thumb_img": f"https://mmecimage.cn/p/{self.sku_id}.jpg",
            "sku_attrs": [{"attr_key": "规格", "attr_value": self.spec}],
            "is_discounted": self.real_price < self.sale_price * self.count,
            "on_aftersale_sku_cnt": self.on_aftersale,
            "finish_aftersale_sku_cnt": self.finished_aftersale,
        }


@dataclass
class Parcel:
    delivery_id: str
    waybill_id: str
    delivery_time: int
    skus: list[tuple[str, str, int]]  # (product_id, sku_id, count)

    def as_json(self) -> dict:
        return {
            "delivery_id": self.delivery_id,
            "waybill_id": self.waybill_id,
            "delivery_time": self.delivery_time,
            "deliver_type": 1,
            "delivery_name": self.delivery_id,
            "product_infos": [{"product_id": p, "sku_id": s, "product_cnt": c} for p, s, c in self.skus],
        }


@dataclass
class Order:
    order_id: str
    status: int
    create_time: int
    update_time: int
    lines: list[Line]
    person: FakePerson
    openid: str
    freight: int = 0
    merchant_discount: int = 0
    pay_time: int = 0
    customer_notes: str = ""
    merchant_notes: str = ""
    parcels: list[Parcel] = field(default_factory=list)
    case_ids: list[str] = field(default_factory=list)

    @property
    def order_price(self) -> int:
        return sum(line.real_price for line in self.lines) + self.freight

    def shipped_skus(self) -> set[str]:
        return {sku for parcel in self.parcels for _, sku, _ in parcel.skus}

    def as_json(self, masked: bool, open_cases: int) -> dict:
        product_price = sum(line.sale_price * line.count for line in self.lines)
        detail: dict[str, Any] = {
            "product_infos": [line.as_json() for line in self.lines],
            "price_info": {
                "product_price": product_price,
                "order_price": self.order_price,
                "freight": self.freight,
                "discounted_price": self.merchant_discount,
                "merchant_discounted_price": self.merchant_discount,
                "is_discounted": self.merchant_discount > 0,
                "original_order_price": product_price + self.freight,
            },
            "pay_info": {"pay_time": self.pay_time, "transaction_id": f"4200{self.order_id[-12:]}"}
            if self.pay_time
            else {},
            "delivery_info": {
                "address_info": self._address(masked),
                "deliver_method": 0,
                "delivery_product_info": [p.as_json() for p in self.parcels],
                "ewaybill_order_code": f"EOC{self.order_id[::-1]}",
            },
            "ext_info": {"customer_notes": self.customer_notes, "merchant_notes": self.merchant_notes},
        }
        if self.status in (SHIPPED, COMPLETED) and self.parcels:
            detail["delivery_info"]["ship_done_time"] = self.parcels[-1].delivery_time
        return {
            "order_id": self.order_id,
            "status": self.status,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "openid": self.openid,
            "order_detail": detail,
            "aftersale_detail": {
                "aftersale_order_list": [{"aftersale_order_id": c} for c in self.case_ids],
                "on_aftersale_order_cnt": open_cases,
            },
        }

    def _address(self, masked: bool) -> dict:
        p = self.person
        name, phone, detail = (
            (mask_name(p.name), mask_phone(p.phone), mask_detail(p.detail)) if masked else (p.name, p.phone, p.detail)
        )
        return {
            "user_name": name,
            "tel_number": phone,
            "province_name": p.province,
            "city_name": p.city,
            "county_name": p.district,
            "detail_info": detail,
            "postal_code": "",
            "use_tel_number": 0,
            "hash_code": hashlib.md5(f"{p.name}{p.detail}".encode()).hexdigest()[:16],
        }


@dataclass
class Case:
    case_id: str
    order_id: str
    type: str
    status: str
    line: Line
    amount: int
    create_time: int
    update_time: int
    reason: str = "不想要了"
    reject_reason: str = ""
    return_delivery_id: str = ""
    return_waybill_id: str = ""
    exchange_delivery_id: str = ""   # the new goods of an exchange (acceptexchangereship)
    exchange_waybill_id: str = ""

    def as_json(self, openid: str) -> dict:
        return {
            "after_sale_order_id": self.case_id,
            "status": self.status,
            "type": self.type,
            "order_id": self.order_id,
            "openid": openid,
            "product_info": {"product_id": self.line.product_id, "sku_id": self.line.sku_id, "count": self.line.count},
            "refund_info": {"amount": self.amount},
            "return_info": {
                "delivery_id": self.return_delivery_id,
                "waybill_id": self.return_waybill_id,
                "delivery_name": self.return_delivery_id,
            },
            "merchant_upload_info": {"reject_reason": self.reject_reason, "refund_certificates": []},
            "details": {
                "desc": "买家申请售后",
                "receive_product": self.type == "RETURN",
                "prove_imgs": [],
                "tel_number": "",
            },
            "reason": "1",
            "reason_text": self.reason,
            "create_time": self.create_time,
            "update_time": self.update_time,
        }


class TimeIndex:
    """(update_time, id) kept sorted, so a window or a cursor is a bisect, not a scan."""

    def __init__(self) -> None:
        self._keys: list[tuple[int, str]] = []

    def put(self, old_time: int | None, new_time: int, key: str) -> None:
        if old_time is not None:
            at = bisect.bisect_left(self._keys, (old_time, key))
            if at < len(self._keys) and self._keys[at] == (old_time, key):
                del self._keys[at]
        bisect.insort(self._keys, (new_time, key))

    def page(self, start: int, end: int, after: tuple[int, str] | None, size: int) -> tuple[list[str], bool]:
        lo = bisect.bisect_right(self._keys, after) if after else bisect.bisect_left(self._keys, (start, ""))
        hi = bisect.bisect_left(self._keys, (end, ""))
        chosen = self._keys[lo : min(hi, lo + size)]
        return [key for _, key in chosen], lo + size < hi


@dataclass
class Shop:
    appid: str
    secret: str
    gh_id: str
    push_token: str
    encoding_aes_key: str
    skus: list[FakeSku]
    stock: dict[str, int]
    orders: dict[str, Order] = field(default_factory=dict)
    order_index: TimeIndex = field(default_factory=TimeIndex)
    cases: dict[str, Case] = field(default_factory=dict)
    case_index: TimeIndex = field(default_factory=TimeIndex)
    addresses: dict[str, dict] = field(default_factory=dict)
    accounts: list[dict] = field(default_factory=list)
    ewaybills: dict[str, dict] = field(default_factory=dict)
    stable_token: str = ""
    secret_frozen: bool = False
    auth_lapsed: bool = False

    def touch(self, order: Order, now: int) -> None:
        self.order_index.put(order.update_time, now, order.order_id)
        order.update_time = now

    def touch_case(self, case: Case, now: int) -> None:
        self.case_index.put(case.update_time, now, case.case_id)
        case.update_time = now

    def open_cases(self, order: Order) -> int:
        return sum(1 for c in order.case_ids if self.cases[c].status in IN_PROGRESS)


@dataclass
class Token:
    appid: str
    expires_at: datetime
    revoked: bool = False


IN_PROGRESS = frozenset({"MERCHANT_PROCESSING", "USER_WAIT_RETURN", "MERCHANT_WAIT_RECEIPT", "PLATFORM_REFUNDING"})
