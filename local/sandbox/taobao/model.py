"""The sandbox's state records, in TOP's own terms. Money in fen; times aware, whole seconds."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime

from local.sandbox.core import FakePerson

UNSHIPPED = ("WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART")
OPEN_REFUND = ("WAIT_SELLER_AGREE", "WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS", "SELLER_REFUSE_BUYER")


@dataclass
class Line:
    oid: int
    num_iid: int
    sku_id: int
    outer_iid: str
    outer_sku_id: str
    title: str
    sku_properties_name: str
    num: int
    price: int
    discount: int = 0
    status: str = "WAIT_SELLER_SEND_GOODS"
    refund_status: str = "NO_REFUND"
    refund_id: int = 0
    company_code: str = ""
    logistics_company: str = ""
    invoice_no: str = ""
    consign_time: datetime | None = None

    @property
    def total(self) -> int:
        return self.price * self.num

    @property
    def payment(self) -> int:
        return self.total - self.discount

    @property
    def closed(self) -> bool:
        return self.status == "TRADE_CLOSED"


@dataclass
class Trade:
    tid: int
    seller_id: str
    seller_nick: str
    buyer_nick: str
    buyer_open_uid: str
    receiver: FakePerson
    oaid: str
    lines: list[Line]
    status: str
    created: datetime
    modified: datetime
    post_fee: int = 0
    type: str = "fixed"
    pay_time: datetime | None = None
    consign_time: datetime | None = None
    end_time: datetime | None = None
    buyer_message: str = ""
    seller_memo: str = ""
    seller_flag: int = 0

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def payment(self) -> int:
        return sum(line.payment for line in self.lines) + self.post_fee

    def line(self, oid: int) -> Line | None:
        return next((line for line in self.lines if line.oid == oid), None)


@dataclass
class Refund:
    refund_id: int
    tid: int
    oid: int
    seller_id: str
    dispute_type: str
    has_good_return: bool
    status: str
    good_status: str
    refund_fee: int
    reason: str
    desc: str
    created: datetime
    modified: datetime
    refund_phase: str
    company_name: str = ""
    sid: str = ""
    refuse_message: str = ""
    return_address: str = ""
    resend_sid: str = ""            # the seller's reissue / exchange parcel (tmall.exchange.consigngoods)
    resend_company: str = ""

    @property
    def refund_version(self) -> int:
        return int(self.modified.timestamp() * 1000)


@dataclass
class Sku:
    sku_id: int
    num_iid: int
    properties_name: str
    outer_id: str
    price: int
    quantity: int
    modified: datetime


@dataclass
class Item:
    num_iid: int
    title: str
    outer_id: str
    price: int
    pic_url: str
    modified: datetime
    skus: list[Sku] = field(default_factory=list)

    @property
    def num(self) -> int:
        return sum(sku.quantity for sku in self.skus)


@dataclass
class Branch:
    cp_code: str
    cp_type: int  # 1 直营, 2 加盟
    branch_code: str
    branch_name: str
    quantity: int
    address: FakePerson
    address_id: int
    allocated: int = 0
    cancelled: int = 0


@dataclass
class Waybill:
    code: str
    cp_code: str
    object_id: str
    order_nos: tuple[str, ...]
    cancelled: bool = False


@dataclass
class Grant:
    seller_id: str
    access_token: str
    refresh_token: str
    expires_at: datetime
    refresh_expires_at: datetime
    revoked: bool = False


class ModifiedIndex:
    """Ids sorted by (modified, id): a window is two bisects and a slice, a touch a remove and insert."""

    def __init__(self) -> None:
        self._keys: list[tuple[datetime, int]] = []
        self._at: dict[int, datetime] = {}

    def put(self, key: int, modified: datetime) -> None:
        if key in self._at:
            old = (self._at[key], key)
            del self._keys[bisect.bisect_left(self._keys, old)]
        self._at[key] = modified
        bisect.insort(self._keys, (modified, key))

    def newest_first(self, start: datetime, end: datetime) -> list[int]:
        """Ids with start <= modified <= end (TOP's bounds are inclusive), newest first."""
        low = bisect.bisect_left(self._keys, (start, -1))
        high = bisect.bisect_right(self._keys, (end, 2**63))
        return [key for _, key in reversed(self._keys[low:high])]

    def __len__(self) -> int:
        return len(self._keys)
