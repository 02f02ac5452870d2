"""The WeChat Channels shop client (PlatformClient). One shop = one app (appid/secret); the token life
cycle replaces OAuth (see token.py)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.platforms.http import Transport
from chalicelib.platforms.wechat import waybill
from chalicelib.platforms.wechat.errors import ALREADY_SHIPPED, PLATFORM
from chalicelib.platforms.wechat.gateway import Gateway
from chalicelib.platforms.wechat.mapping import to_after_sale, to_order, to_product
from chalicelib.platforms.wechat.paging import walk_ids
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError, NotFoundError
from chalicelib.services.platform_ports import TokenCache
from chalicelib.services.platform_types import (
    SHANGHAI,
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

ORDER_PAGE = 100
PRODUCT_PAGE = 30
AFTER_SALE_WINDOW = timedelta(hours=24)  # getaftersalelist refuses longer ranges (10020004)
COURIER = 1  # deliver_type 1: shipped by courier with a tracking no.
SET_STOCK = 3  # stock/update diff_type 3: set the absolute quantity
ACCEPT_RETURN, ACCEPT_RECEIPT = 1, 2  # acceptapply accept_type for RETURN cases
REFUND_DONE = frozenset({"MERCHANT_REFUND_SUCCESS", "MERCHANT_RETURN_SUCCESS", "PLATFORM_REFUNDING"})
RETURN_AGREED = REFUND_DONE | {"USER_WAIT_RETURN", "MERCHANT_WAIT_RECEIPT"}
REJECTED = frozenset({"MERCHANT_REJECT_REFUND", "MERCHANT_REJECT_RETURN"})


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def _seconds(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def create_client(
    credentials: ShopCredentials, transport: Transport, *, token_cache: TokenCache | None = None
) -> WechatClient:
    return WechatClient(credentials, transport, token_cache=token_cache)


# exchange parcel sent, buyer receiving, done [I: the status names of the exchange flow]
RESENT = frozenset({"MERCHANT_EXCHANGE_SHIPPED", "USER_WAIT_CONFIRM", "MERCHANT_REFUND_SUCCESS"})


class WechatClient:
    platform = Platform.WECHAT
    max_window = timedelta(days=7)  # order/list/get update_time_range [I]
    settle_lag = timedelta(minutes=2)

    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        *,
        token_cache: TokenCache | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._gateway = Gateway(credentials, transport, token_cache=token_cache, clock=clock)
        self._clock = clock
        self._return_addresses: dict[tuple[str, ...], str] = {}
        self._product_of_sku: dict[str, str] = {}

    # ------------------------------------------------------------ orders
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        window = {"start_time": _seconds(start), "end_time": _seconds(end)}
        order_ids = self._walk_ids(
            "/channels/ec/order/list/get",
            {"update_time_range": window, "page_size": ORDER_PAGE},
            "order_id_list",
        )
        for order_id in order_ids:
            yield self.get_order(order_id)

    def get_order(self, order_no: str) -> CanonicalOrder:
        return to_order(self._raw_order(order_no))

    def _raw_order(self, order_no: str) -> Mapping[str, Any]:
        payload = self._gateway.call("/channels/ec/order/get", {"order_id": order_no, "encode_sensitive_info": True})
        return payload["order"]

    def ship(self, request: ShipRequest) -> None:
        order = self._raw_order(request.order_no)
        products = _products_to_ship(order, request.line_ids)
        if _already_shipped(order, request.tracking_no, products):
            return
        parcel = {
            "delivery_id": request.carrier_code,
            "waybill_id": request.tracking_no,
            "deliver_type": COURIER,
            "product_infos": products,
        }
        try:
            self._gateway.call(
                "/channels/ec/order/delivery/send", {"order_id": request.order_no, "delivery_list": [parcel]}
            )
        except NotAllowedError as exc:
            # a retry after a lost answer: the platform already holds this very parcel
            if exc.code != str(ALREADY_SHIPPED) or not _already_shipped(
                self._raw_order(request.order_no), request.tracking_no, products
            ):
                raise

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        # WeChat has no seller flag: only the note is kept
        self._gateway.call("/channels/ec/order/merchantnotes/update", {"order_id": order_no, "merchant_notes": memo})

    # ------------------------------------------------------------ after-sales
    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        seen: set[str] = set()
        cursor = start
        while cursor < end:
            stop = min(end, cursor + AFTER_SALE_WINDOW)
            body = {"begin_update_time": _seconds(cursor), "end_update_time": _seconds(stop)}
            for case_id in self._walk_ids("/channels/ec/aftersale/getaftersalelist", body, "after_sale_order_id_list"):
                if case_id not in seen:
                    seen.add(case_id)
                    yield self.get_after_sale(case_id)
            cursor = stop

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return to_after_sale(self._raw_after_sale(case_id), fetched_at=self._clock())

    def _raw_after_sale(self, case_id: str) -> Mapping[str, Any]:
        payload = self._gateway.call("/channels/ec/aftersale/getaftersaleorder", {"after_sale_order_id": case_id})
        return payload["after_sale_order"]

    def approve_refund(self, case_id: str) -> None:
        self._act(case_id, "/channels/ec/aftersale/acceptapply", {}, REFUND_DONE)

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        body: dict[str, Any] = {"reject_reason": reason.text}
        if reason.code.isdigit():
            body["reject_reason_type"] = int(reason.code)  # from /aftersale/rejectreason/get
        self._act(case_id, "/channels/ec/aftersale/rejectapply", body, REJECTED)

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        address_id = self._return_address_id(address, contact, phone)
        self._act(
            case_id,
            "/channels/ec/aftersale/acceptapply",
            {"address_id": address_id, "accept_type": ACCEPT_RETURN},
            RETURN_AGREED,
        )

    def confirm_return_received(self, case_id: str) -> None:
        self._act(case_id, "/channels/ec/aftersale/acceptapply", {"accept_type": ACCEPT_RECEIPT}, REFUND_DONE)

    def resend(self, request: ResendRequest) -> None:
        """acceptexchangereship {after_sale_order_id, waybill_id, delivery_id} (WxJava): the exchange's new goods
        once the buyer's parcel is back. WeChat Channels documents no reissue (补发) case."""
        self._act(request.case_id, "/channels/ec/aftersale/acceptexchangereship",
                  {"waybill_id": request.tracking_no, "delivery_id": request.carrier_code}, RESENT)

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        """WeChat Channels has no route query: order/get carries the waybill and carrier only (the path
        /channels/ec/order/deliveryinfo/get is not in the API list)."""
        raise NotAllowedError("WeChat Channels offers no tracking: no route query API for sellers",
                              code="no_trace", platform=PLATFORM)

    def _act(self, case_id: str, path: str, body: Mapping[str, Any], done: frozenset[str]) -> None:
        try:
            self._gateway.call(path, {"after_sale_order_id": case_id, **body})
        except NotAllowedError:
            if str(self._raw_after_sale(case_id)["status"]) not in done:  # not a retry of a done action
                raise

    def _return_address_id(self, address: Address, contact: str, phone: str) -> str:
        wanted = {
            "user_name": contact,
            "tel_number": phone,
            "province_name": address.province,
            "city_name": address.city,
            "county_name": address.district,
            "detail_info": address.detail,
        }
        key = tuple(wanted.values())
        if key not in self._return_addresses:
            self._return_addresses[key] = self._find_address(wanted) or str(
                self._gateway.call(
                    "/channels/ec/merchant/address/add",
                    {"address_detail": {"name": contact, "address_info": wanted, "recv_addr": 1}},
                )["address_id"]
            )
        return self._return_addresses[key]

    def _find_address(self, wanted: Mapping[str, str]) -> str:
        listing = self._gateway.call("/channels/ec/merchant/address/list", {"offset": 0, "limit": 100})
        for address_id in listing.get("address_id_list") or ():
            detail = self._gateway.call("/channels/ec/merchant/address/get", {"address_id": address_id})
            info = (detail.get("address_detail") or {}).get("address_info") or {}
            if all(str(info.get(k, "")) == v for k, v in wanted.items()):
                return str(address_id)
        return ""

    # ------------------------------------------------------------ catalog and stock
    def list_products(self) -> Iterator[CanonicalProduct]:
        for product_id in self._walk_ids("/channels/ec/product/list/get", {"page_size": PRODUCT_PAGE}, "product_ids"):
            payload = self._gateway.call("/channels/ec/product/get", {"product_id": product_id, "data_type": 1})
            product = to_product(payload["product"])
            self._product_of_sku.update({sku.platform_sku_id: product_id for sku in product.skus})
            yield product

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        product_id = platform_product_id or self._product_for(platform_sku_id)
        self._gateway.call(
            "/channels/ec/product/stock/update",
            {"product_id": product_id, "sku_id": platform_sku_id, "diff_type": SET_STOCK, "num": quantity},
        )

    def _product_for(self, sku_id: str) -> str:
        if sku_id not in self._product_of_sku:
            for _ in self.list_products():
                pass
        if sku_id not in self._product_of_sku:
            raise NotFoundError(f"no product holds sku {sku_id}", platform=PLATFORM)
        return self._product_of_sku[sku_id]

    def list_carriers(self) -> list[Carrier]:
        payload = self._gateway.call("/channels/ec/order/deliverycompanylist/get", {})
        return [
            Carrier(code=str(c["delivery_id"]), name=str(c.get("delivery_name") or ""))
            for c in payload.get("company_list") or ()
        ]

    # ------------------------------------------------------------ tokens (WeChat's stand-in for OAuth)
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        raise BadRequestError(
            "WeChat Channels shops are authorised by their appid and secret, not by a "
            "redirect: enter them in the shop settings",
            platform=PLATFORM,
        )

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        return self._gateway.tokens.renew()

    def refresh(self, refresh_token: str) -> TokenSet:
        return self._gateway.tokens.renew()

    # ------------------------------------------------------------ e-waybills
    def waybill_accounts(self) -> list[WaybillAccount]:
        return waybill.accounts(self._gateway)

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        return waybill.issue(self._gateway, request)

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        waybill.cancel(self._gateway, carrier_code, waybill_no)

    def _walk_ids(self, path: str, body: Mapping[str, Any], key: str) -> list[str]:
        return walk_ids(self._gateway.call, path, body, key)


def _products_to_ship(order: Mapping[str, Any], line_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    products = (order.get("order_detail") or {}).get("product_infos") or []
    chosen = [p for p in products if not line_ids or str(p["sku_id"]) in line_ids]
    if line_ids and len(chosen) != len(set(line_ids)):
        raise BadRequestError(f"order {order.get('order_id')} has no line(s) {sorted(line_ids)}", platform=PLATFORM)
    return [
        {"product_id": str(p["product_id"]), "sku_id": str(p["sku_id"]), "product_cnt": int(p["sku_cnt"])}
        for p in chosen
    ]


def _already_shipped(order: Mapping[str, Any], tracking_no: str, products: list[dict[str, Any]]) -> bool:
    parcels = ((order.get("order_detail") or {}).get("delivery_info") or {}).get("delivery_product_info") or []
    shipped = {
        str(p.get("sku_id"))
        for parcel in parcels
        if parcel.get("waybill_id") == tracking_no
        for p in parcel.get("product_infos") or ()
    }
    return bool(shipped) and all(p["sku_id"] in shipped for p in products)
