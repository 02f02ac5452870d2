"""The JD POP client: orders, write-backs and catalog here; after-sales, logistics and OAuth delegated."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import OrderStatus
from chalicelib.platforms.http import Transport
from chalicelib.platforms.jd import mapping, trace
from chalicelib.platforms.jd.after_sales import JdAfterSales
from chalicelib.platforms.jd.canonical import to_order, to_products
from chalicelib.platforms.jd.gateway import JdGateway, checked
from chalicelib.platforms.jd.oauth import JdOAuth
from chalicelib.platforms.jd.paging import WindowWalker
from chalicelib.platforms.jd.signing import format_timestamp
from chalicelib.platforms.jd.waybill import JdLogistics
from chalicelib.platforms.oauth import DelegatedOAuth
from chalicelib.platforms.refund_actions import DelegatedRefundActions
from chalicelib.platforms.waybills import DelegatedWaybills
from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.platform_types import (
    CanonicalAfterSale,
    CanonicalOrder,
    CanonicalProduct,
    Carrier,
    ResendRequest,
    ShipRequest,
    ShopCredentials,
    Tracking,
)

ORDER_PAGE_SIZE = 100    # enSearch: page_size <= 100
ORDER_MAX_PAGES = 100    # JOS answers empty pages past page 100
SKU_PAGE_SIZE = 50
OPTIONAL_FIELDS = ",".join((
    "orderId", "venderId", "orderType", "payType", "orderTotalPrice", "orderSellerPrice", "orderPayment",
    "freightPrice", "sellerDiscount", "balanceUsed", "orderState", "orderStateRemark", "orderRemark",
    "venderRemark", "orderStartTime", "orderEndTime", "modified", "paymentConfirmTime", "waybill",
    "logisticsId", "consigneeInfo", "itemInfoList", "couponDetailList", "pin", "open_id_buyer", "xid_buyer",
    "parentOrderId", "storeId", "invoiceEasyInfo",
))


def create_client(credentials: ShopCredentials, transport: Transport) -> JdClient:
    return JdClient(credentials, transport)


class JdClient(DelegatedOAuth, DelegatedRefundActions, DelegatedWaybills):
    platform = Platform.JD
    # enSearch: start_date and end_date at most one month apart; 28 days fits every calendar month
    max_window = timedelta(days=28)
    settle_lag = timedelta(minutes=2)

    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.gateway = JdGateway(credentials, transport)
        self.credentials = credentials
        self.after_sales = JdAfterSales(self.gateway, credentials)
        self.refund_actions = self.after_sales
        self.logistics = JdLogistics(self.gateway, credentials)
        self.waybills = self.logistics
        self.oauth = JdOAuth(credentials, transport)
        self.max_pages = ORDER_MAX_PAGES

    # ------------------------------------------------------------ orders
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        walker: WindowWalker[CanonicalOrder] = WindowWalker(
            fetch=self._order_page, page_size=ORDER_PAGE_SIZE, max_pages=self.max_pages,
            key=lambda order: order.order_no, modified=lambda order: order.modified_at)
        return walker.walk(start, end)

    def _order_page(self, start: datetime, end: datetime, page: int) -> tuple[int, list[CanonicalOrder]]:
        body = self.gateway.call("jingdong.pop.order.enSearch", {
            "start_date": format_timestamp(start), "end_date": format_timestamp(end),
            "order_state": mapping.ORDER_STATES, "optional_fields": OPTIONAL_FIELDS,
            "page": str(page), "page_size": str(ORDER_PAGE_SIZE),
            "sortType": 0, "dateType": 0,   # oldest first, by modified time
        })
        result = checked(body, "searchorderinfo_result")
        orders = [to_order(info) for info in result.get("orderInfoList") or []]
        return int(result.get("orderTotal") or 0), orders

    def get_order(self, order_no: str) -> CanonicalOrder:
        body = self.gateway.call("jingdong.pop.order.enGet", {
            "order_id": order_no, "optional_fields": OPTIONAL_FIELDS, "order_state": mapping.ORDER_STATES})
        return to_order(checked(body, "orderDetailInfo")["orderInfo"])

    # ------------------------------------------------------------ write-backs
    def ship(self, request: ShipRequest) -> None:
        """Whole-order only: JD's shipment API has no line selection, so an order in several parcels is
        shipped once, naming every parcel: carriers joined by `|`, numbers by `,` within one carrier and
        `|` between carriers. Re-shipping an order JD already shows shipped with these numbers is success."""
        carriers, numbers = _logistics(request)
        params = {"orderId": int(request.order_no), "logiCoprId": carriers, "logiNo": numbers}
        try:
            checked(self.gateway.call("jingdong.pop.order.shipment", params), "sopjosshipment_result")
        except NotAllowedError:
            if not self._already_shipped(request):
                raise

    def _already_shipped(self, request: ShipRequest) -> bool:
        order = self.get_order(request.order_no)
        shipped = order.status in {OrderStatus.SHIPPED, OrderStatus.COMPLETED}
        known = set(order.tracking_no.replace("|", ",").split(","))
        wanted = {number for _, number in request.parcels} or {request.tracking_no}
        return shipped and wanted <= known

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        body = self.gateway.call("jingdong.pop.order.modifyVenderRemark",
                                 {"order_id": order_no, "flag": flag, "remark": memo})
        checked(body, "modifyvenderremark_result")

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        body = self.gateway.call("jingdong.stock.write.updateSkuStock",
                                 {"skuId": int(platform_sku_id), "stockNum": quantity})
        checked(body, None)

    # ------------------------------------------------------------ after-sales
    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        return self.after_sales.list_cases(start, end)

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return self.after_sales.get(case_id)

    def resend(self, request: ResendRequest) -> None:
        self.after_sales.resend(request)

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        params = trace.request_params(carrier_code, waybill_no, self.credentials.extra.get("customer_code", ""))
        return trace.parse(carrier_code, waybill_no, self.gateway.call(trace.METHOD, params))

    # ------------------------------------------------------------ catalog
    def list_products(self) -> Iterator[CanonicalProduct]:
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.gateway.call("jingdong.sku.read.searchSkuList",
                                     {"pageNo": page, "page_size": SKU_PAGE_SIZE})
            result = checked(body, "page")
            data = result.get("data") or []
            rows.extend(data)
            if not data or page * SKU_PAGE_SIZE >= int(result.get("totalItem") or 0):
                break
            page += 1
        yield from to_products(rows)

    def list_carriers(self) -> list[Carrier]:
        return self.logistics.carriers()


def _logistics(request: ShipRequest) -> tuple[str, str]:
    parcels = request.parcels or ((request.carrier_code, request.tracking_no),)
    by_carrier: dict[str, list[str]] = {}
    for carrier, number in parcels:
        by_carrier.setdefault(carrier, []).append(number)
    return "|".join(by_carrier), "|".join(",".join(numbers) for numbers in by_carrier.values())
