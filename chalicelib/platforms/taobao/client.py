"""The TOP client: orders, refunds, write-backs, catalog, carriers, OAuth and Cainiao waybills."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from chalicelib.domain.platform import Platform
from chalicelib.platforms.http import Transport
from chalicelib.platforms.refund_actions import DelegatedRefundActions
from chalicelib.platforms.taobao import oauth, queries, waybill
from chalicelib.platforms.taobao.after_sales import RefundDesk
from chalicelib.platforms.taobao.catalog import Catalog
from chalicelib.platforms.taobao.gateway import TopGateway, items
from chalicelib.platforms.taobao.mapping import TRACE_STATES, refund_to_after_sale, top_time, trade_to_order
from chalicelib.platforms.tracking import tracking
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError
from chalicelib.services.platform_types import (
    SHANGHAI,
    CanonicalAfterSale,
    CanonicalOrder,
    CanonicalProduct,
    Carrier,
    ResendRequest,
    ShipRequest,
    ShopCredentials,
    TokenSet,
    Tracking,
    WaybillAccount,
    WaybillRequest,
    WaybillResult,
)


class TaobaoClient(DelegatedRefundActions):
    platform = Platform.TAOBAO
    max_window = queries.INCREMENT_SPAN
    settle_lag = timedelta(minutes=2)

    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.credentials = credentials
        self.gateway = TopGateway(credentials, transport)
        self.refunds = RefundDesk(self.gateway)
        self.refund_actions = self.refunds
        self.catalog = Catalog(self.gateway)

    # ------------------------------------------------------------ reads
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        for row in queries.trade_rows(self.gateway, start, end):
            order = trade_to_order(row)
            if start <= order.modified_at < end:
                yield order

    def get_order(self, order_no: str) -> CanonicalOrder:
        return trade_to_order(queries.trade(self.gateway, order_no))

    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        for row in queries.refund_rows(self.gateway, start, end):
            case = refund_to_after_sale(row)
            if start <= case.modified_at < end:
                yield case

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return refund_to_after_sale(queries.refund(self.gateway, case_id))

    # ------------------------------------------------------------ write-backs
    def ship(self, request: ShipRequest) -> None:
        params: dict[str, object] = {
            "tid": request.order_no,
            "out_sid": request.tracking_no,
            "company_code": request.carrier_code,
        }
        if request.line_ids:
            params.update(is_split=1, sub_tid=",".join(request.line_ids))
        try:
            body = self.gateway.call("taobao.logistics.offline.send", params)
        except NotAllowedError:
            if self._already_shipped(request):  # a retry after a lost answer: same waybill, done
                return
            raise
        if not (body.get("shipping") or {}).get("is_success", False):
            raise NotAllowedError("logistics.offline.send returned is_success=false", platform="taobao")

    def _already_shipped(self, request: ShipRequest) -> bool:
        lines = items(queries.trade(self.gateway, request.order_no).get("orders"), "order")
        if request.line_ids:
            wanted = [line for line in lines if str(line["oid"]) in request.line_ids]
        else:
            wanted = [line for line in lines if line.get("status") != "TRADE_CLOSED"]
        return bool(wanted) and all(line.get("invoice_no") == request.tracking_no for line in wanted)

    def resend(self, request: ResendRequest) -> None:
        """tmall.exchange.consigngoods: the exchange's new goods (also taken for a RESHIPPING case [I])."""
        if queries.refund(self.gateway, request.case_id)["status"] == "SUCCESS":
            return                                   # a retry after a lost answer: the case is done
        body = self.gateway.call("tmall.exchange.consigngoods", {
            "dispute_id": request.case_id, "logistics_no": request.tracking_no,
            "logistics_type": request.carrier_code, "logistics_company_name": request.carrier_code})
        if not (body.get("result") or {}).get("success", False):
            raise NotAllowedError("exchange.consigngoods returned success=false", platform="taobao")

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        """taobao.logistics.trace.search traces by trade: the order no. is needed."""
        if not order_no:
            raise BadRequestError("taobao traces a parcel by its trade: order_no is required", platform="taobao")
        body = self.gateway.call("taobao.logistics.trace.search", {"tid": order_no, "out_sid": waybill_no})
        steps = items(body.get("trace_list"), "transit_step_info")
        events = [(_at(s["status_time"]), str(s.get("status_desc") or "")) for s in steps]
        return tracking(carrier_code, waybill_no, events, TRACE_STATES.get(str(body.get("status") or ""), ""))

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        params: dict[str, object] = {"tid": order_no, "flag": flag}
        params.update({"memo": memo} if memo else {"reset": True})
        self.gateway.call("taobao.trade.memo.update", params)

    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        self.catalog.update_stock(platform_sku_id, quantity, platform_product_id)

    # ------------------------------------------------------------ catalog and carriers
    def list_products(self) -> Iterator[CanonicalProduct]:
        return self.catalog.products()

    def list_carriers(self) -> list[Carrier]:
        body = self.gateway.call(
            "taobao.logistics.companies.get", {"fields": "id,code,name,reg_mail_no"}, session=False
        )
        return [
            Carrier(code=str(company["code"]), name=str(company["name"]))
            for company in items(body.get("logistics_companies"), "logistics_company")
        ]

    # ------------------------------------------------------------ OAuth
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return oauth.authorize_url(self.credentials, redirect_uri, state)

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        # taobao.top.auth.token.create takes no redirect_uri: the code is already bound to the app
        body = self.gateway.call("taobao.top.auth.token.create", {"code": code}, session=False)
        return oauth.token_set(body, datetime.now(SHANGHAI))

    def refresh(self, refresh_token: str) -> TokenSet:
        body = self.gateway.call(
            "taobao.top.auth.token.refresh", {"refresh_token": refresh_token}, session=False
        )
        return oauth.token_set(body, datetime.now(SHANGHAI))

    # ------------------------------------------------------------ waybills
    def waybill_accounts(self) -> list[WaybillAccount]:
        return waybill.accounts(self.gateway.call("cainiao.waybill.ii.search", {}))

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        param = waybill.apply_request(request, self.credentials.seller_id)
        body = self.gateway.call(
            "cainiao.waybill.ii.get", {"param_waybill_cloud_print_apply_new_request": param}
        )
        module = items(body.get("modules"), "waybill_cloud_print_response")[0]
        return WaybillResult(
            order_nos=request.order_nos,
            carrier_code=request.account.carrier_code,
            waybill_no=str(module["waybill_code"]),
            print_data=str(module.get("print_data") or ""),
        )

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        body = self.gateway.call(
            "cainiao.waybill.ii.cancel", {"cp_code": carrier_code, "waybill_code": waybill_no}
        )
        if body.get("cancel_result") is not True:
            raise NotAllowedError(f"waybill {waybill_no} was not cancelled", platform="taobao")


def _at(value: object) -> datetime:
    at = top_time(value)
    if at is None:
        raise BadRequestError(f"trace step without a time: {value!r}", platform="taobao")
    return at


def create_client(credentials: ShopCredentials, transport: Transport) -> TaobaoClient:
    return TaobaoClient(credentials, transport)
