"""The Xiaohongshu client: PlatformClient over the common_controller (reference §4)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.platform import Platform
from chalicelib.platforms.epoch import from_ms, from_ms_or_none, to_ms, windows
from chalicelib.platforms.http import Transport
from chalicelib.platforms.waybills import DelegatedWaybills
from chalicelib.platforms.writes import idempotent
from chalicelib.platforms.xhs import mapping, trace
from chalicelib.platforms.xhs.gateway import Gateway
from chalicelib.platforms.xhs.waybill import Waybills
from chalicelib.services.platform_types import (
    Address,
    CanonicalAfterSale,
    CanonicalOrder,
    CanonicalProduct,
    Carrier,
    RejectReason,
    ResendRequest,
    ShipRequest,
    ShopCredentials,
    TokenSet,
    Tracking,
)

AUTHORIZE_URL = "https://ark.xiaohongshu.com/ark/authorization"
ORDER_WINDOW_S = 30 * 60  # timeType 2 (update time): at most 30 minutes per query
AFTER_SALE_WINDOW = timedelta(days=1)
PAGE_SIZE = 50
DESENSITISE_BATCH = 100
REFUNDED, REFUSED = 4, 9
RETURN_AGREED = frozenset({2, 3, 4, 12, 13})
RECEIVED = frozenset({4, 12, 13})


class XhsClient(DelegatedWaybills):
    platform = Platform.XHS
    max_window = timedelta(seconds=ORDER_WINDOW_S)
    settle_lag = timedelta(minutes=2)

    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.credentials = credentials
        self.gateway = Gateway(credentials, transport)
        self.waybills = Waybills(self.gateway)

    # ------------------------------------------------------------ reads
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        seen: set[str] = set()
        first, last = math.floor(start.timestamp()), math.ceil(end.timestamp())
        for lo in range(first, last, ORDER_WINDOW_S):
            params = {"startTime": lo, "endTime": min(last, lo + ORDER_WINDOW_S), "timeType": 2}
            for rows in self._pages_backwards("order.getOrderList", params, "orderList"):
                ids = [
                    str(r["orderId"])
                    for r in rows
                    if start <= from_ms(r["updateTime"]) < end and str(r["orderId"]) not in seen
                ]
                seen.update(ids)
                yield from self._orders(ids)

    def get_order(self, order_no: str) -> CanonicalOrder:
        [order] = self._orders([order_no])
        return order

    def _orders(self, ids: list[str]) -> list[CanonicalOrder]:
        details = [self.gateway.call("order.getOrderDetail", {"orderId": order_id}) for order_id in ids]
        masked = self._desensitise(details)
        return [mapping.order(detail, masked) for detail in details]

    def _desensitise(self, details: list[dict[str, Any]]) -> dict[str, str]:
        infos = [{"dataTag": str(d["orderId"]), "encryptedData": c} for d in details for c in mapping.ciphertexts(d)]
        masked: dict[str, str] = {}
        for i in range(0, len(infos), DESENSITISE_BATCH):
            data = (
                self.gateway.call(
                    "data.batchDesensitise",
                    {
                        "baseInfos": infos[i : i + DESENSITISE_BATCH],
                        "actionType": "1",
                        "appUserId": self.credentials.seller_id,
                    },
                )
                or {}
            )
            masked.update(
                {
                    str(row["encryptedData"]): str(row.get("desensitisedData", ""))
                    for row in data.get("desensitiseInfoList") or []
                    if not row.get("errorCode")
                }
            )
        return masked

    def _pages_backwards(self, method: str, params: dict[str, Any], list_key: str) -> Iterator[list[dict]]:
        """Last page to first (the platform's own advice for update-time queries): a record leaving the
        window shifts later records onto pages already read, so it causes a duplicate, never a skip.
        Page 1 is read again at the end for the same reason."""
        head = self.gateway.call(method, {**params, "pageNo": 1, "pageSize": PAGE_SIZE}) or {}
        total = int(head.get("total") or head.get("totalCount") or 0)
        pages = int(head.get("maxPageNo") or math.ceil(total / PAGE_SIZE) or 1)
        if pages == 1:
            yield head.get(list_key) or []
            return
        for page in range(pages, 0, -1):
            data = self.gateway.call(method, {**params, "pageNo": page, "pageSize": PAGE_SIZE}) or {}
            yield data.get(list_key) or []

    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        seen: set[str] = set()
        for lo, hi in windows(start, end, AFTER_SALE_WINDOW):
            params = {"startTime": to_ms(lo), "endTime": to_ms(hi), "timeType": 2}
            for rows in self._pages_backwards("afterSale.listAfterSaleInfos", params, "afterSaleBasicInfos"):
                for row in rows:
                    case_id = str(row["returnsId"])
                    if start <= from_ms(row["updatedAt"]) < end and case_id not in seen:
                        seen.add(case_id)
                        yield self.get_after_sale(case_id)

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return mapping.after_sale(self._case(case_id))

    def _case(self, case_id: str) -> dict[str, Any]:
        return dict(
            self.gateway.call("afterSale.getAfterSaleInfo", {"returnsId": case_id, "needNegotiateRecord": False})
        )

    def _status(self, case_id: str) -> int:
        return int(self._case(case_id)["afterSaleInfo"]["status"])

    # ------------------------------------------------------------ write-backs
    def ship(self, request: ShipRequest) -> None:
        params: dict[str, Any] = {
            "orderId": request.order_no,
            "expressNo": request.tracking_no,
            "expressCompanyCode": request.carrier_code,
            "unpack": bool(request.line_ids),
        }
        if request.line_ids:
            params["skuIdList"] = list(request.line_ids)
        idempotent(
            lambda: self.gateway.call("order.orderDeliver", params),
            lambda: self._shipped_with(request.order_no, request.tracking_no),
        )

    def _shipped_with(self, order_no: str, tracking_no: str) -> bool:
        order = self.get_order(order_no)
        packages = order.raw.get("simpleDeliveryOrderList") or []
        return order.tracking_no == tracking_no or any(p.get("expressTrackingNo") == tracking_no for p in packages)

    def approve_refund(self, case_id: str) -> None:
        if self._status(case_id) == REFUNDED:
            return
        idempotent(
            lambda: self.gateway.call("afterSale.auditReturns", {"returnsId": case_id, "action": 1}),
            lambda: self._status(case_id) == REFUNDED,
        )

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        if self._status(case_id) == REFUSED:
            return
        code = reason.code if reason.code.isdigit() else self.reject_reasons(case_id)[0].code
        params = {"returnsId": case_id, "action": 2, "reason": int(code), "description": reason.text}
        idempotent(
            lambda: self.gateway.call("afterSale.auditReturns", params), lambda: self._status(case_id) == REFUSED
        )

    def reject_reasons(self, case_id: str) -> list[RejectReason]:
        data = self.gateway.call("afterSale.rejectReasons", {"returnsId": case_id, "rejectReasonType": 1}) or {}
        return [
            RejectReason(code=str(r["reasonId"]), text=str(r.get("reasonName", "")))
            for r in data.get("rejectReasons") or []
        ]

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        if self._status(case_id) in RETURN_AGREED:
            return
        receiver_info = {
            "country": "中国",
            "province": address.province,
            "city": address.city,
            "district": address.district,
            "street": f"{address.town}{address.detail}",
            "receiverName": contact,
            "receiverPhone": phone,
        }
        params = {"returnsId": case_id, "action": 1, "receiverInfo": receiver_info}
        idempotent(
            lambda: self.gateway.call("afterSale.auditReturns", params), lambda: self._status(case_id) in RETURN_AGREED
        )

    def confirm_return_received(self, case_id: str) -> None:
        if self._status(case_id) in RECEIVED:
            return
        idempotent(
            lambda: self.gateway.call("afterSale.confirmReceive", {"returnsId": case_id, "action": 1}),
            lambda: self._status(case_id) in RECEIVED,
        )

    def resend(self, request: ResendRequest) -> None:
        """afterSale.receiveAndShip {returnsId, expressCompanyCode, expressNo} (the ark SDK's request): the
        exchange's new goods, with the receipt of the returned ones. xhs documents no reissue case."""
        params = {"returnsId": request.case_id, "expressCompanyCode": request.carrier_code,
                  "expressNo": request.tracking_no}
        idempotent(lambda: self.gateway.call("afterSale.receiveAndShip", params),
                         lambda: request.tracking_no in str(self._case(request.case_id)))

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        """order.getOrderTracking {orderId}: one entry per parcel of the order (records newest first)."""
        data = self.gateway.call("order.getOrderTracking", {"orderId": order_no}) or {}
        return trace.tracking(carrier_code, waybill_no, data)

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        self.gateway.call(
            "order.modifySellerMarkInfo",
            {"orderId": order_no, "sellerMarkNote": memo, "operator": "OMS", "sellerMarkPriority": flag},
        )

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        # qty is the TOTAL stock (reference §4.5): the platform derives the sellable stock from it
        self.gateway.call("inventory.syncSkuStock", {"skuId": platform_sku_id, "qty": quantity})

    # ------------------------------------------------------------ catalog
    def list_products(self) -> Iterator[CanonicalProduct]:
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            data = self.gateway.call("product.getDetailSkuList", {"pageNo": page, "pageSize": PAGE_SIZE}) or {}
            batch = data.get("skuList") or []
            rows.extend(batch)
            if len(batch) < PAGE_SIZE:
                break
            page += 1
        yield from mapping.products(rows)

    def list_carriers(self) -> list[Carrier]:
        data = self.gateway.call("common.getExpressCompanyList", {}) or {}
        return [
            Carrier(code=str(c["expressCompanyCode"]), name=str(c.get("expressCompanyName", "")))
            for c in data.get("expressCompanyInfos") or []
        ]

    # ------------------------------------------------------------ auth
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        base = (
            self.credentials.base_url.rstrip("/") + "/ark/authorization" if self.credentials.base_url else AUTHORIZE_URL
        )
        return f"{base}?{urlencode({'appId': self.credentials.app_key, 'redirectUri': redirect_uri, 'state': state})}"

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        return self._tokens(self.gateway.call("oauth.getAccessToken", {"code": code}, with_token=False))

    def refresh(self, refresh_token: str) -> TokenSet:
        """Store the returned refresh token too: treat it as rotating, like Kuaishou's."""
        return self._tokens(self.gateway.call("oauth.refreshToken", {"refreshToken": refresh_token}, with_token=False))

    @staticmethod
    def _tokens(data: dict[str, Any]) -> TokenSet:
        return TokenSet(
            access_token=str(data["accessToken"]),
            expires_at=from_ms(data["accessTokenExpiresAt"]),
            refresh_token=str(data.get("refreshToken", "")),
            refresh_expires_at=from_ms_or_none(data.get("refreshTokenExpiresAt")),
            seller_id=str(data.get("sellerId", "")),
            raw=data,
        )


def create_client(credentials: ShopCredentials, transport: Transport) -> XhsClient:
    return XhsClient(credentials, transport)
