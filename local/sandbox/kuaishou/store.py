"""The Kuaishou sandbox's state: shops, tokens, catalog, orders and refunds, with per-seller
indexes sorted by update time so a window is a bisect, not a scan."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from local.sandbox.core import FakePerson, FakeSku
from local.sandbox.timeline import TimeIndex

# order status: 10 unpaid, 30 paid, 40 shipped, 50 signed, 70 success, 80 closed
UNPAID, PAID, SHIPPED, SIGNED, SUCCESS, CLOSED = 10, 30, 40, 50, 70, 80
# refund status
APPLIED, REFUSED, AWAIT_RETURN, RETURNED, REFUNDED, REFUND_CLOSED = 10, 12, 30, 40, 60, 70
RETURN_AND_REFUND, REFUND_ONLY = 1, 10
EXCHANGE = 3          # [I] handlingWay of 换货
EXCHANGE_SENT = 45    # seller shipped the exchange, awaiting the buyer


class Cipherer:
    """Opaque ciphertext for buyer PII, as the platform hands out (and can decrypt) but we cannot."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def seal(self, text: str) -> str:
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        data = padder.update(text.encode("utf-8")) + padder.finalize()
        enc = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
        return "#" + base64.b64encode(iv + enc.update(data) + enc.finalize()).decode() + "#"


@dataclass
class Shop:
    seller_id: str
    app_key: str
    app_secret: str
    sign_secret: str
    message_key: str  # base64 AES key for pushes
    access_tokens: dict[str, int] = field(default_factory=dict)  # token -> expires ms
    refresh_tokens: dict[str, int] = field(default_factory=dict)  # token -> dies ms (rotation grace)
    refresh_expires_ms: int = 0  # the 180-day expiry every rotated token inherits
    codes: dict[str, int] = field(default_factory=dict)  # code -> expires ms
    skus: dict[int, FakeSku] = field(default_factory=dict)
    stock: dict[int, int] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    refunds: dict[int, Refund] = field(default_factory=dict)
    order_index: TimeIndex[int] = field(default_factory=TimeIndex)
    refund_index: TimeIndex[int] = field(default_factory=TimeIndex)
    waybills: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # no -> (cp, orders)
    waybill_requests: dict[str, dict] = field(default_factory=dict)  # requestId -> answer


@dataclass
class Order:
    oid: int
    item_id: int
    sku: FakeSku
    num: int
    discount: int
    express_fee: int
    status: int
    create_ms: int
    pay_ms: int
    update_ms: int
    buyer: FakePerson
    sealed: dict[str, str]
    remark: str
    notes: list[dict] = field(default_factory=list)
    flag: int = 0
    logistics: list[dict] = field(default_factory=list)
    send_ms: int = 0
    refund_ids: list[int] = field(default_factory=list)
    delivered: int = 0                 # units out through split deliveries
    presale_days: int = 0              # a presale (预售): ships this many days after payment

    @property
    def total_fee(self) -> int:
        return self.sku.price_fen * self.num - self.discount + self.express_fee


@dataclass
class Refund:
    refund_id: int
    oid: int
    handling_way: int
    status: int
    refund_fee: int
    create_ms: int
    update_ms: int
    reason_desc: str
    desc: str
    negotiate_status: int = 1
    return_express: dict = field(default_factory=dict)
    exchange_express: dict = field(default_factory=dict)
    reject_reason: str = ""
