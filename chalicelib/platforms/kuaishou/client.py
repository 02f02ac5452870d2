"""The Kuaishou shop client: PlatformClient over the signed gateway (reference §3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.platforms.epoch import to_ms, windows
from chalicelib.platforms.http import Transport
from chalicelib.platforms.kuaishou import mapping
from chalicelib.platforms.kuaishou.gateway import PLATFORM, Gateway
from chalicelib.platforms.kuaishou.oauth import OAuth
from chalicelib.platforms.kuaishou.waybill import Waybills
from chalicelib.platforms.oauth import DelegatedOAuth
from chalicelib.platforms.waybills import DelegatedWaybills
from chalicelib.platforms.writes import idempotent
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError, NotFoundError
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
    Tracking,
)

ORDER_WINDOW = timedelta(days=7)  # open.order.cursor.list: beginTime..endTime <= 7 days
REFUND_WINDOW = timedelta(days=1)  # refund pcursor list: <= 1 day
END_OF_PAGES = "nomore"
NOTE_LIMIT = 200
REFUNDED_OR_PAYING = frozenset({50, 60})
EXCHANGE_SENT = 45   # 换货: seller shipped, awaiting the buyer
RETURN_AGREED = frozenset({22, 30, 40, 45, 50, 60})
SELLER_REFUSED = 12


class KuaishouClient(DelegatedOAuth, DelegatedWaybills):
    """OAuth and e-waybills are their own services' (oauth.py, waybill.py). `refresh` returns the NEW
    refresh token too: store both before use, the old one dies within minutes."""

    platform = Platform.KUAISHOU
    max_window = ORDER_WINDOW
    settle_lag = timedelta(minutes=2)

    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.gateway = Gateway(credentials, transport)
        self.oauth = OAuth(credentials, transport)
        self.waybills = Waybills(self.gateway)

    # ------------------------------------------------------------ reads
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        seen: set[str] = set()
        for lo, hi in windows(start, end, ORDER_WINDOW):
            params = {
                "orderViewStatus": 1,
                "pageSize": 50,
                "sort": 2,
                "queryType": 2,
                "beginTime": to_ms(lo),
                "endTime": to_ms(hi),
            }
            for payload in self._cursor_pages("open.order.cursor.list", params, "cursor", "orderList"):
                order = mapping.order(payload)
                if start <= order.modified_at < end and order.order_no not in seen:
                    seen.add(order.order_no)
                    yield order

    def get_order(self, order_no: str) -> CanonicalOrder:
        return mapping.order(self._required(self.gateway.call("open.order.detail", {"oid": int(order_no)}), order_no))

    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        seen: set[str] = set()
        for lo, hi in windows(start, end, REFUND_WINDOW):
            params = {
                "beginTime": to_ms(lo),
                "endTime": to_ms(hi),
                "type": 9,
                "pageSize": 100,
                "queryType": 2,
                "sort": 2,
            }
            for payload in self._cursor_pages(
                "open.seller.order.refund.pcursor.list", params, "pcursor", "refundOrderInfoList"
            ):
                case = mapping.after_sale(payload)
                if start <= case.modified_at < end and case.case_id not in seen:
                    seen.add(case.case_id)
                    yield case

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return mapping.after_sale(self._refund(case_id))

    def _cursor_pages(
        self, method: str, params: dict[str, Any], cursor_key: str, list_key: str
    ) -> Iterator[dict[str, Any]]:
        """Cursor paging: "" first, then the returned cursor, until "nomore" (reference §3.3)."""
        cursor = ""
        while True:
            data = self.gateway.call(method, {**params, cursor_key: cursor}) or {}
            yield from data.get(list_key) or []
            following = str(data.get(cursor_key) or END_OF_PAGES)
            if following in (END_OF_PAGES, cursor):
                return
            cursor = following

    def _refund(self, case_id: str) -> dict[str, Any]:
        return self._required(self.gateway.call("open.seller.order.refund.detail", {"refundId": int(case_id)}), case_id)

    @staticmethod
    def _required(data: Any, key: str) -> dict[str, Any]:
        if not data:
            raise NotFoundError(f"{key} not found", platform=PLATFORM)
        return dict(data)

    # ------------------------------------------------------------ write-backs
    def ship(self, request: ShipRequest) -> None:
        """The whole order in one parcel: `goods.deliver`. A parcel with part of it (request.lines): the
        split delivery, naming each item's units and whether the item is then all out (40) or not (10)."""
        if not request.carrier_code.isdigit():
            raise BadRequestError(
                f"Kuaishou expressCode must be an integer, got {request.carrier_code!r}", platform=PLATFORM
            )
        if request.lines:
            self._split_deliver(request)
            return
        params = {
            "orderId": int(request.order_no),
            "expressCode": int(request.carrier_code),
            "expressNo": request.tracking_no,
        }
        idempotent(
            lambda: self.gateway.call("open.seller.order.goods.deliver", params, post=True),
            lambda: self.get_order(request.order_no).tracking_no == request.tracking_no,
        )

    def _split_deliver(self, request: ShipRequest) -> None:
        params = {
            "mainOrderId": int(request.order_no),
            "deliveryItemInfoList": [{
                "expressCode": int(request.carrier_code),
                "expressNo": request.tracking_no,
                "deliveryGoodsInfoList": [{"oid": int(x.line_id), "deliveryNum": x.quantity} for x in request.lines],
            }],
            "deliveryStatus": [{"oid": int(x.line_id), "confirmDeliveryStatus": 40 if x.completes else 10}
                               for x in request.lines],
        }
        idempotent(
            lambda: self.gateway.call("open.order.goods.split.deliver", params, post=True),
            lambda: request.tracking_no in self._parcels(request.order_no),
        )

    def _parcels(self, order_no: str) -> set[str]:
        raw = self.get_order(order_no).raw
        return {str(x.get("expressNo")) for x in raw.get("orderLogisticsInfo") or () if isinstance(x, dict)}

    def approve_refund(self, case_id: str) -> None:
        refund = self._refund(case_id)
        if int(refund["status"]) in REFUNDED_OR_PAYING:
            return
        params = {
            "refundId": int(case_id),
            "refundAmount": int(refund.get("refundFee", 0)),
            "status": int(refund["status"]),
            "negotiateStatus": int(refund.get("negotiateStatus", 1)),
            "refundHandingWay": int(refund.get("handlingWay", 10)),
        }
        idempotent(
            lambda: self.gateway.call("open.seller.order.refund.approve", params, post=True),
            lambda: int(self._refund(case_id)["status"]) in REFUNDED_OR_PAYING,
        )

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        refund = self._refund(case_id)
        if int(refund["status"]) == SELLER_REFUSED:
            return
        code = reason.code if reason.code.isdigit() else self.reject_reasons(case_id)[0].code
        params = {
            "refundId": int(case_id),
            "reasonCode": int(code),
            "rejectDesc": reason.text,
            "refundVersion": int(refund["updateTime"]),
        }
        idempotent(
            lambda: self.gateway.call("open.refund.reject", params, post=True),
            lambda: int(self._refund(case_id)["status"]) == SELLER_REFUSED,
        )

    def reject_reasons(self, case_id: str) -> list[RejectReason]:
        data = self.gateway.call("open.refund.reject.reason", {"refundId": int(case_id)}) or []
        return [RejectReason(code=str(r["reasonCode"]), text=str(r.get("reasonDesc", ""))) for r in data]

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        # The API takes an addressId from the seller's address book; without one the platform uses the
        # shop's default return address (the address given here is not sent).
        refund = self._refund(case_id)
        if int(refund["status"]) in RETURN_AGREED:
            return
        params = {"refundId": int(case_id), "refundAmount": int(refund.get("refundFee", 0))}
        idempotent(
            lambda: self.gateway.call("open.seller.order.refund.returngoods.approve", params, post=True),
            lambda: int(self._refund(case_id)["status"]) in RETURN_AGREED,
        )

    def confirm_return_received(self, case_id: str) -> None:
        refund = self._refund(case_id)
        if int(refund["status"]) in REFUNDED_OR_PAYING:
            return
        params = {"refundId": int(case_id), "status": int(refund["status"])}
        idempotent(
            lambda: self.gateway.call("open.seller.order.refund.confirm.receipt", params, post=True),
            lambda: int(self._refund(case_id)["status"]) in REFUNDED_OR_PAYING,
        )

    def resend(self, request: ResendRequest) -> None:
        """open.refund.confirm.and.send {refundId, expressNo, expressCode:int} (the SDK's schema): the exchange's
        new goods, with the receipt of the returned ones. Kuaishou documents no reissue case."""
        params = {"refundId": int(request.case_id), "expressNo": request.tracking_no,
                  "expressCode": int(request.carrier_code)}
        idempotent(
            lambda: self.gateway.call("open.refund.confirm.and.send", params, post=True),
            lambda: int(self._refund(request.case_id)["status"]) == EXCHANGE_SENT,
        )

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        """Kuaishou's logistics APIs only take routes pushed in by carriers (open.logistics.trace.notify):
        there is no route query for a seller."""
        raise NotAllowedError("Kuaishou offers no tracking: no route query API for sellers",
                              code="no_trace", platform=PLATFORM)

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        # the platform refuses notes over 200 characters; a cut note beats a write that never lands
        params = {"orderId": int(order_no), "note": memo[:NOTE_LIMIT], "flag": flag}
        self.gateway.call("open.seller.order.note.add", params, post=True)

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        """The API only takes deltas (reference §3.5 Stock): read, then send the difference. An order
        landing between the read and the write skews the result by its quantity; the next sync fixes it."""
        item_id = platform_product_id or self._item_of(platform_sku_id)
        current = self._sku_stock(item_id, platform_sku_id)
        delta = quantity - current
        if delta == 0:
            return
        params = {
            "kwaiItemId": int(item_id),
            "skuId": int(platform_sku_id),
            "skuChangeStock": abs(delta),
            "changeType": 1 if delta > 0 else 2,
        }
        self.gateway.call("open.item.sku.stock.update", params, post=True)

    def _sku_stock(self, item_id: str, sku_id: str) -> int:
        data = self.gateway.call("open.item.sku.list.get", {"kwaiItemId": int(item_id), "skuStatus": 1}) or {}
        for sku in data.get("skuList") or []:
            if str(sku["kwaiSkuId"]) == sku_id:
                return int(sku.get("skuStock", 0))
        raise NotFoundError(f"sku {sku_id} not in item {item_id}", platform=PLATFORM)

    def _item_of(self, sku_id: str) -> str:
        for product in self.list_products():
            if any(sku.platform_sku_id == sku_id for sku in product.skus):
                return product.platform_product_id
        raise NotFoundError(f"sku {sku_id} not found", platform=PLATFORM)

    # ------------------------------------------------------------ catalog
    def list_products(self) -> Iterator[CanonicalProduct]:
        page, size = 1, 100
        while True:
            data = (
                self.gateway.call(
                    "open.item.list.get",
                    {"itemStatus": 1, "itemType": 1, "pageNumber": page, "pageSize": size},
                )
                or {}
            )
            items = data.get("items") or []
            yield from (mapping.product(item) for item in items)
            if len(items) < size:
                return
            page += 1

    def list_carriers(self) -> list[Carrier]:
        # no carrier-list API is confirmed (reference §7.3): the doc table is the list
        return [Carrier(code=str(code), name=name) for code, name in mapping.EXPRESS_CODES.items()]


def create_client(credentials: ShopCredentials, transport: Transport) -> KuaishouClient:
    return KuaishouClient(credentials, transport)
