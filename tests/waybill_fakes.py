"""Hand-written fakes for the waybill ports and a platform client's waybill side."""
from __future__ import annotations

import base64
import copy
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.waybills import ShopWaybillAccount, Waybill, tracking_shard
from chalicelib.services.platform_errors import BadRequestError
from chalicelib.services.platform_errors import NotFoundError as PlatformNotFound
from chalicelib.services.platform_types import (
    Address,
    Carrier,
    Tracking,
    TrackingEvent,
    WaybillAccount,
    WaybillRequest,
    WaybillResult,
)
from chalicelib.services.ports import Page
from tests.fakes import _page

# the factories' platform SKU linked: an unlinked line holds its order, and a held order gets no waybill
LINKED = {"sku-1": (SkuLink("MC-1"),), "s1": (SkuLink("MC-A"),), "s2": (SkuLink("MC-B"),)}


class NoDropshipShops:
    """No shop sends its linked orders to a supplier (bootstrap's "dropship_auto"): a linked order stays the
    seller's to print."""

    def shops(self) -> set[str]:
        return set()


def links_for(order: Any) -> dict[str, tuple[SkuLink, ...]]:
    """Every line of a canonical order linked (to an ERP SKU named after it): a sandbox order takes a waybill."""
    return {line.platform_sku_id: (SkuLink(line.merchant_code or line.platform_sku_id),) for line in order.lines}


class InMemoryWaybillAccountRepository:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], ShopWaybillAccount] = {}
        self.defaults: dict[str, str] = {}

    def for_shop(self, shop_id: str) -> list[ShopWaybillAccount]:
        return [copy.deepcopy(a) for (s, _), a in sorted(self.rows.items()) if s == shop_id]

    def get(self, shop_id: str, account_id: str) -> ShopWaybillAccount | None:
        return copy.deepcopy(self.rows.get((shop_id, account_id)))

    def add(self, account: ShopWaybillAccount) -> None:
        key = (account.shop_id, account.account_id)
        if key in self.rows:
            raise ConflictError(f"{key} exists")
        self.rows[key] = replace(account, revision=1)

    def save(self, account: ShopWaybillAccount, expected_revision: int) -> None:
        key = (account.shop_id, account.account_id)
        current = self.rows.get(key)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"{key} changed meanwhile")
        self.rows[key] = replace(account, revision=expected_revision + 1)

    def default_id(self, shop_id: str) -> str:
        return self.defaults.get(shop_id, "")

    def set_default(self, shop_id: str, account_id: str) -> None:
        self.defaults[shop_id] = account_id


class InMemoryWaybillRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Waybill] = {}
        self.links: dict[str, list[str]] = {}

    def get(self, waybill_id: str) -> Waybill | None:
        return copy.deepcopy(self.rows.get(waybill_id))

    def add(self, waybill: Waybill) -> None:
        for order_id in waybill.order_ids:
            ids = self.links.setdefault(order_id, [])
            if waybill.waybill_id not in ids:
                ids.append(waybill.waybill_id)
        if waybill.waybill_id in self.rows:
            raise ConflictError(f"{waybill.waybill_id} exists")
        self.rows[waybill.waybill_id] = replace(waybill, revision=1)

    def save(self, waybill: Waybill, expected_revision: int) -> None:
        current = self.rows.get(waybill.waybill_id)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"{waybill.waybill_id} changed meanwhile")
        self.rows[waybill.waybill_id] = replace(waybill, revision=expected_revision + 1)

    def for_order(self, order_id: str) -> list[Waybill]:
        return [copy.deepcopy(self.rows[i]) for i in self.links.get(order_id, []) if i in self.rows]

    def query(self, q: Any) -> Page[Waybill]:
        found = [w for w in self.rows.values() if (not q.shop_id or w.shop_id == q.shop_id)
                 and (q.status is None or w.status is q.status)]
        found.sort(key=lambda w: w.issued_at, reverse=True)
        return _page([copy.deepcopy(w) for w in found], q.limit, q.cursor)

    def due_for_tracking(self, shard: str, until: datetime, limit: int) -> list[Waybill]:
        due = [w for w in self.rows.values() if w.next_track_at is not None and w.next_track_at <= until
               and tracking_shard(w.waybill_id) == shard]
        return [copy.deepcopy(w) for w in sorted(due, key=lambda w: w.next_track_at or until)[:limit]]


class FakeWaybillClient:
    """The waybill side of a platform client: numbers per parcel (the same parcel gets the same number
    again, as the platforms do), a refusal for scripted order nos., and scripted tracking."""

    def __init__(self, platform: Platform = Platform.TAOBAO) -> None:
        self.platform = platform
        self.issued: dict[tuple[str, ...], str] = {}
        self.cancelled: list[str] = []
        self.requests: list[WaybillRequest] = []
        self.refuse: set[str] = set()
        self.tracking: dict[str, Tracking] = {}
        self.track_calls = 0
        self.accounts = [
            WaybillAccount("ZTO-310000", "ZTO", "中通快递", "310000", "杭州西湖网点", 500,
                           Address("浙江省", "杭州市", "西湖区", "文三路 1 号"), "王仓管", "13800001111",
                           raw={"branch": "310000"}),
            WaybillAccount("SF-0", "SF", "顺丰速运", "", "", -1, Address("浙江省", "杭州市", "余杭区", "仓库 2 号"),
                           "王仓管", "13800001111"),
        ]

    def list_carriers(self) -> list[Carrier]:
        return [Carrier("ZTO", "中通快递"), Carrier("SF", "顺丰速运")]

    def waybill_accounts(self) -> list[WaybillAccount]:
        return list(self.accounts)

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        self.requests.append(request)
        if set(request.order_nos) & self.refuse:
            raise BadRequestError("receiver ciphertext cannot be decrypted", platform=self.platform.value)
        key = (*request.order_nos, request.parcel_id) if request.parcel_id else request.order_nos
        number = self.issued.setdefault(key, f"ZT{7000000000 + len(self.issued)}")
        data = {"encryptedData": base64.b64encode(number.encode()).decode(), "signature": "sig",
                "templateURL": "http://cloudprint.cainiao.com/template/standard/101", "ver": "1"}
        return WaybillResult(request.order_nos, request.account.carrier_code, number, data)

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        if waybill_no not in self.issued.values():
            raise PlatformNotFound(f"no waybill {waybill_no}", platform=self.platform.value)
        self.cancelled.append(waybill_no)

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        self.track_calls += 1
        return self.tracking.get(waybill_no, Tracking(carrier_code, waybill_no, "in_transit", (
            TrackingEvent(datetime(2026, 11, 21, 9, 0).astimezone() - timedelta(hours=1), "快件已揽收"),)))
