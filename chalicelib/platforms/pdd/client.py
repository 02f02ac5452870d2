"""PddClient: the PlatformClient for Pinduoduo POP shops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.platforms.http import Transport
from chalicelib.platforms.pdd import after_sales, oauth, trace, waybill
from chalicelib.platforms.pdd.canonical import to_after_sale, to_order, to_product
from chalicelib.platforms.pdd.errors import PLATFORM
from chalicelib.platforms.pdd.gateway import Gateway
from chalicelib.platforms.pdd.mapping import (
    DETAIL_AFTER_SALE_TYPE,
    LIST_AFTER_SALE_TYPE,
    MEMO_TAGS,
    as_int,
    split_case_id,
)
from chalicelib.platforms.pdd.paging import PAGE_SIZE, Record, second_slices, walk_last_to_first
from chalicelib.services.platform_errors import NotAllowedError, NotFoundError
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
    WaybillAccount,
    WaybillRequest,
    WaybillResult,
)

ALL = 5  # order_status / refund_status query value for "all"
ALL_AFTER_SALES = 1  # after_sales_status / after_sales_type query value for "all"


def create_client(credentials: ShopCredentials, transport: Transport) -> PddClient:
    return PddClient(credentials, transport)


class PddClient:
    platform = Platform.PDD
    max_window = timedelta(minutes=30)
    # the FAQ: keep end_updated_at at least 3 minutes behind PDD's clock
    settle_lag = timedelta(minutes=3)

    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.credentials = credentials
        self.gateway = Gateway(
            client_id=credentials.app_key,
            client_secret=credentials.app_secret,
            access_token=credentials.access_token,
            base_url=credentials.base_url,
            transport=transport,
        )
        self._companies: list[dict[str, Any]] | None = None
        self._product_of_sku: dict[str, str] = {}

    # ------------------------------------------------------------ orders
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        seen: set[str] = set()
        for low, high in second_slices(start, end):
            for record in walk_last_to_first(partial(self._order_page, low, high)):
                order = to_order(record, self._carrier_code)
                if order.order_no not in seen and start <= order.modified_at < end:
                    seen.add(order.order_no)
                    yield order

    def _order_page(
        self, low: int, high: int, page: int, use_has_next: bool
    ) -> tuple[list[Record], int | None]:
        body = self.gateway.call(
            "pdd.order.number.list.increment.get",
            {
                "start_updated_at": low,
                "end_updated_at": high,
                "order_status": ALL,
                "refund_status": ALL,
                "is_lucky_flag": 0,
                "page": page,
                "page_size": PAGE_SIZE,
                "use_has_next": use_has_next,
            },
        )
        return list(body.get("order_sn_list") or ()), _total(body)

    def get_order(self, order_no: str) -> CanonicalOrder:
        body = self.gateway.call("pdd.order.information.get", {"order_sn": order_no})
        if not body.get("order_info"):
            raise NotFoundError(f"order {order_no} not found", platform=PLATFORM)
        return to_order(body["order_info"], self._carrier_code)

    # ------------------------------------------------------------ after-sales
    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        seen: set[str] = set()
        for low, high in second_slices(start, end):
            for record in walk_last_to_first(partial(self._refund_page, low, high)):
                case = to_after_sale(record, LIST_AFTER_SALE_TYPE)
                if case.case_id not in seen and start <= case.modified_at < end:
                    seen.add(case.case_id)
                    yield case

    def _refund_page(
        self, low: int, high: int, page: int, _has_next: bool
    ) -> tuple[list[Record], int | None]:
        body = self.gateway.call(
            "pdd.refund.list.increment.get",
            {
                "after_sales_status": ALL_AFTER_SALES,
                "after_sales_type": ALL_AFTER_SALES,
                "start_updated_at": low,
                "end_updated_at": high,
                "page": page,
                "page_size": PAGE_SIZE,
            },
        )
        return list(body.get("refund_list") or ()), _total(body)

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return to_after_sale(after_sales.detail(self.gateway, case_id), DETAIL_AFTER_SALE_TYPE)

    def approve_refund(self, case_id: str) -> None:
        after_sales.agree_refund(self.gateway, case_id)

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        split_case_id(case_id)
        # POP exposes no API to refuse an after-sale: the seller refuses in the merchant backend (mms)
        raise NotAllowedError(
            "pdd has no open API to refuse an after-sale; refuse it in the merchant backend",
            code="unsupported",
            platform=PLATFORM,
        )

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        after_sales.agree_return(self.gateway, case_id, address, contact, phone)

    def confirm_return_received(self, case_id: str) -> None:
        # after the buyer's parcel arrives, agreeing the refund is the seller's receipt confirmation
        after_sales.agree_refund(self.gateway, case_id)

    # ------------------------------------------------------------ write-backs
    def resend(self, request: ResendRequest) -> None:
        shipping_id = str(self._logistics_id(request.carrier_code))
        after_sales.resend(self.gateway, request.case_id, shipping_id, request.tracking_no)

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        body = self.gateway.call("pdd.logistics.ordertrace.get", {"company_code": carrier_code, "track_no": waybill_no})
        return trace.tracking_from(carrier_code, waybill_no, body)

    def ship(self, request: ShipRequest) -> None:
        """Whole orders only, one number per send: the first parcel's number ships the order, the others
        of an order sent in several parcels (request.parcels) go up as extra parcels (分包发货)."""
        parcels = request.parcels or ((request.carrier_code, request.tracking_no),)
        (carrier, number), extra = parcels[0], parcels[1:]
        params = {
            "order_sn": request.order_no,
            "logistics_id": self._logistics_id(carrier),
            "tracking_number": number,
        }
        try:
            body = self.gateway.call("pdd.logistics.online.send", params)
            refusal = None if _truthy(body.get("is_success")) else NotAllowedError(
                "logistics.online.send refused", platform=PLATFORM)
        except NotAllowedError as exc:
            refusal = exc
        if refusal is not None and self.get_order(request.order_no).tracking_no != number:
            raise refusal
        if extra:
            self._upload_extra(request.order_no, extra)

    def _upload_extra(self, order_no: str, parcels: tuple[tuple[str, str], ...]) -> None:
        tracks = [{"shipping_id": self._logistics_id(c), "tracking_number": n} for c, n in parcels]
        body = self.gateway.call("pdd.order.upload.extra.logistics", {
            "order_sn": order_no, "extra_track_type": 1,
            "extra_track_list": json.dumps(tracks, separators=(",", ":"))})
        if body.get("success") is False:
            raise NotAllowedError("upload.extra.logistics refused", platform=PLATFORM)

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        params: dict[str, Any] = {"order_sn": order_no, "note": memo}
        if flag in MEMO_TAGS:
            params |= {"tag": flag, "tag_name": MEMO_TAGS[flag]}
        body = self.gateway.call("pdd.order.note.update", params)
        if body.get("success") is False:
            raise NotAllowedError(
                str(body.get("error_msg") or "note update refused"),
                code=str(body.get("error_code") or ""),
                platform=PLATFORM,
            )

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        goods_id = platform_product_id or self._goods_of(platform_sku_id)
        body = self.gateway.call(
            "pdd.goods.quantity.update",
            {"goods_id": goods_id, "sku_id": platform_sku_id, "quantity": quantity, "update_type": 1},
        )
        if not _truthy(body.get("is_success", True)):
            raise NotAllowedError("goods.quantity.update refused", platform=PLATFORM)

    # ------------------------------------------------------------ catalog and carriers
    def list_products(self) -> Iterator[CanonicalProduct]:
        seen: set[str] = set()
        page, pages = 1, 1
        while page <= pages:
            body = self.gateway.call("pdd.goods.list.get", {"page": page, "page_size": PAGE_SIZE})
            pages = -(-(_total(body) or 0) // PAGE_SIZE)
            for goods in body.get("goods_list") or ():
                product = to_product(goods)
                if product.platform_product_id not in seen:
                    seen.add(product.platform_product_id)
                    self._product_of_sku |= {
                        sku.platform_sku_id: product.platform_product_id for sku in product.skus
                    }
                    yield product
            page += 1

    def list_carriers(self) -> list[Carrier]:
        return [
            Carrier(code=str(c.get("code") or c["id"]), name=str(c.get("logistics_company") or ""))
            for c in self._logistics_companies()
            if as_int(c.get("available"), 1) == 1
        ]

    def _logistics_companies(self) -> list[dict[str, Any]]:
        if self._companies is None:
            body = self.gateway.call("pdd.logistics.companies.get", authorized=False)
            self._companies = list(body.get("logistics_companies") or ())
        return self._companies

    def _logistics_id(self, carrier_code: str) -> int:
        if carrier_code.isdigit():
            return int(carrier_code)
        for company in self._logistics_companies():
            if str(company.get("code") or "").upper() == carrier_code.upper():
                return int(company["id"])
        raise NotAllowedError(
            f"unknown pdd logistics code {carrier_code!r}", code="carrier", platform=PLATFORM
        )

    def _carrier_code(self, logistics_id: int) -> str:
        for company in self._logistics_companies():
            if as_int(company.get("id")) == logistics_id:
                return str(company.get("code") or logistics_id)
        return str(logistics_id)

    def _goods_of(self, sku_id: str) -> str:
        if sku_id not in self._product_of_sku:
            for _ in self.list_products():
                pass
        if sku_id not in self._product_of_sku:
            raise NotFoundError(f"sku {sku_id} is not in the shop's goods", platform=PLATFORM)
        return self._product_of_sku[sku_id]

    # ------------------------------------------------------------ oauth
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return oauth.authorize_url(self.credentials, redirect_uri, state)

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        return oauth.exchange_code(self.gateway, code)

    def refresh(self, refresh_token: str) -> TokenSet:
        return oauth.refresh(self.gateway, refresh_token)

    # ------------------------------------------------------------ waybills
    def waybill_accounts(self) -> list[WaybillAccount]:
        return waybill.accounts(self.gateway)

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        return waybill.get(self.gateway, request, self.credentials.seller_id)

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        waybill.cancel(self.gateway, carrier_code, waybill_no)


def _total(body: dict[str, Any]) -> int | None:
    value = body.get("total_count")
    return None if value is None else as_int(value)


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "1"}
