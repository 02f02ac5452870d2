"""The Douyin shop client: PlatformClient over the signed gateway (reference §1)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.platform import Platform
from chalicelib.platforms.douyin import after_sales, canonical, mapping, trace, waybill
from chalicelib.platforms.douyin.gateway import Gateway
from chalicelib.platforms.douyin.paging import PAGE_SIZE, Page, once_in_window, walk_last_to_first, window_seconds
from chalicelib.platforms.http import Transport
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError
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

AUTHORIZE_URL = "https://fuwu.jinritemai.com/authorize"
DECRYPT_BATCH = 50  # order.batchDecrypt takes at most 50 cipher_infos
PRODUCT_OFFSET_LIMIT = 10000  # product.listV2: page x size <= 10000


class DouyinClient:
    platform = Platform.DOUYIN
    max_window = timedelta(days=1)  # [I] no maximum is documented; one day keeps a page walk short
    settle_lag = timedelta(minutes=2)

    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
    ) -> None:
        self.credentials = credentials
        self.gateway = Gateway(credentials, transport)
        self._now = clock

    # ------------------------------------------------------------ orders
    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]:
        first, last = window_seconds(start, end)

        def fetch(page: int, size: int) -> Page:
            data = self._call(
                "order.searchList",
                {
                    "update_time_start": first,
                    "update_time_end": last,
                    "order_by": "update_time",
                    "order_asc": True,
                    "page": page,
                    "size": size,
                },
            )
            return list(data.get("shop_order_list") or []), int(data.get("total") or 0)

        pages = walk_last_to_first(fetch, PAGE_SIZE)
        yield from once_in_window(pages, lambda r: str(r["order_id"]), mapping.order_from_payload, start, end)

    def get_order(self, order_no: str) -> CanonicalOrder:
        data = self._call("order.orderDetail", {"shop_order_id": order_no})
        return mapping.order_from_payload(data["shop_order_detail"])

    def ship(self, request: ShipRequest) -> None:
        try:
            if request.line_ids:
                self._call(
                    "order.logisticsAddSinglePack",
                    {
                        "order_id_list": list(request.line_ids),
                        "company_code": request.carrier_code,
                        "logistics_code": request.tracking_no,
                        "request_id": _ship_request_id(request),
                    },
                )
            else:
                self._call(
                    "order.logisticsAdd",
                    {
                        "order_id": request.order_no,
                        "company_code": request.carrier_code,
                        "logistics_code": request.tracking_no,
                        "is_refund_reject": False,
                    },
                )
        except NotAllowedError:
            if not self._already_shipped_with(request):
                raise

    def _already_shipped_with(self, request: ShipRequest) -> bool:
        raw = self.get_order(request.order_no).raw
        return any(str(p.get("tracking_no")) == request.tracking_no for p in raw.get("logistics_info") or ())

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None:
        self._call(
            "order.addOrderRemark",
            {
                "order_id": order_no,
                "remark": memo,
                "is_add_star": "true" if flag else "false",
                "star": str(flag),
            },
        )

    def decrypt_receiver(self, order_no: str, ciphertexts: Iterable[str]) -> dict[str, str]:
        """Plaintext for the seller's own fulfilment where Douyin allows it; batches of 50 (the limit)."""
        texts = [c for c in dict.fromkeys(ciphertexts) if c]
        plain: dict[str, str] = {}
        for i in range(0, len(texts), DECRYPT_BATCH):
            batch = [{"auth_id": order_no, "cipher_text": c} for c in texts[i : i + DECRYPT_BATCH]]
            data = self._call("order.batchDecrypt", {"cipher_infos": batch})
            for info in data.get("decrypt_infos") or ():
                if int(info.get("err_no") or 0) == 0:
                    plain[str(info["cipher_text"])] = str(info.get("decrypt_text") or "")
        return plain

    # ------------------------------------------------------------ after-sales
    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        first, last = window_seconds(start, end)

        def fetch(page: int, size: int) -> Page:
            data = self._call(
                "afterSale.List",
                {
                    "update_start_time": first,
                    "update_end_time": last,
                    "order_by": ["update_time asc"],
                    "page": page,
                    "size": size,
                },
            )
            return list(data.get("items") or []), int(data.get("total") or 0)

        pages = walk_last_to_first(fetch, PAGE_SIZE)
        yield from once_in_window(
            pages,
            lambda r: str(r["aftersale_info"]["aftersale_id"]),
            canonical.after_sale_from_list_item,
            start,
            end,
        )

    def get_after_sale(self, case_id: str) -> CanonicalAfterSale:
        return canonical.after_sale_from_detail(self._after_sale_detail(case_id))

    def approve_refund(self, case_id: str) -> None:
        self._operate(case_id, after_sales.AGREE_REFUND, {})

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        status, kind = self._case_state(case_id)
        self._operate(case_id, after_sales.refusal_for(status, kind), after_sales.refusal_item(reason))

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        item = after_sales.return_address_item(
            address, contact, phone, self.credentials.extra.get("return_address_id", "")
        )
        self._operate(case_id, after_sales.AGREE_RETURN, item)

    def confirm_return_received(self, case_id: str) -> None:
        self._operate(case_id, after_sales.AGREE_AFTER_RETURN, {})

    def resend(self, request: ResendRequest) -> None:
        """The reissue parcel (补寄) or the exchange replacement, on the after-sale (types 301 / 311)."""
        detail = self._after_sale_detail(request.case_id)
        if after_sales.reshipped_with(detail, request.tracking_no):
            return                                   # a retried write: the parcel is already on the case
        info = (detail.get("process_info") or {}).get("after_sale_info") or {}
        status, kind = mapping.as_int(info.get("after_sale_status")), mapping.as_int(info.get("after_sale_type"))
        logistics = {"logistics": {"company_code": request.carrier_code, "logistics_code": request.tracking_no}}
        self._operate(request.case_id, after_sales.reship_for(status, kind), logistics)

    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking:
        data = self._call("logistics.trackNoRouteDetail", {"logistics_code": carrier_code, "track_no": waybill_no})
        return trace.tracking_from(carrier_code, waybill_no, data)

    def _operate(self, case_id: str, op_type: int, item: dict[str, Any]) -> None:
        try:
            data = self._call("afterSale.operate", {"type": op_type, "items": [{"aftersale_id": case_id, **item}]})
            after_sales.raise_for_items(data)
        except NotAllowedError:
            if self._case_state(case_id)[0] not in after_sales.DONE_STATUSES.get(op_type, frozenset()):
                raise

    def _case_state(self, case_id: str) -> tuple[int, int]:
        info = (self._after_sale_detail(case_id).get("process_info") or {}).get("after_sale_info") or {}
        return mapping.as_int(info.get("after_sale_status")), mapping.as_int(info.get("after_sale_type"))

    def _after_sale_detail(self, case_id: str) -> dict[str, Any]:
        data: dict[str, Any] = self._call(
            "afterSale.Detail", {"after_sale_id": case_id, "need_operation_record": False}
        )
        return data

    # ------------------------------------------------------------ catalog and stock
    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None:
        params: dict[str, Any] = {"sku_id": platform_sku_id, "stock_num": quantity, "incremental": False}
        if platform_product_id:
            params["product_id"] = platform_product_id
        self._call("sku.syncStock", params)  # a full overwrite: retrying it is harmless

    def list_products(self) -> Iterator[CanonicalProduct]:
        page = 1
        while page * PAGE_SIZE <= PRODUCT_OFFSET_LIMIT:
            data = self._call("product.listV2", {"page": page, "size": PAGE_SIZE})
            products = data.get("data") or []
            for product in products:
                skus = self._call("sku.list", {"product_id": str(product["product_id"])}) or []
                yield canonical.product_from_payload(product, skus)
            if len(products) < PAGE_SIZE or page * PAGE_SIZE >= int(data.get("total") or 0):
                return
            page += 1

    def list_carriers(self) -> list[Carrier]:
        return [canonical.carrier_from_payload(c) for c in self._call("order.logisticsCompanyList", {}) or ()]

    # ------------------------------------------------------------ OAuth
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        base = f"{self.credentials.base_url.rstrip('/')}/authorize" if self.credentials.base_url else AUTHORIZE_URL
        service_id = self.credentials.extra.get("service_id", self.credentials.app_key)
        return f"{base}?{urlencode({'service_id': service_id, 'state': state, 'redirect_uri': redirect_uri})}"

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        """An empty code means a self-built app (自用型): the token comes from the shop id alone."""
        if code:
            params = {"code": code, "grant_type": "authorization_code"}
        else:
            params = {"code": "", "grant_type": "authorization_self", "shop_id": self.credentials.seller_id}
        return self._take_token(self._call("token.create", params, with_token=False))

    def refresh(self, refresh_token: str) -> TokenSet:
        data = self._call(
            "token.refresh", {"grant_type": "refresh_token", "refresh_token": refresh_token}, with_token=False
        )
        return self._take_token(data)

    def _take_token(self, data: dict[str, Any]) -> TokenSet:
        tokens = canonical.token_from_payload(data, self._now())
        self.gateway.access_token = tokens.access_token
        return tokens

    # ------------------------------------------------------------ e-waybills
    def waybill_accounts(self) -> list[WaybillAccount]:
        return canonical.waybill_accounts_from_payload(self._call("logistics.listShopNetsite", {}) or {})

    def get_waybill(self, request: WaybillRequest) -> WaybillResult:
        if not request.order_nos:
            raise BadRequestError("a waybill needs at least one order", platform="douyin")
        track_no = waybill.track_no_from(self._call("logistics.newCreateOrder", waybill.create_order_params(request)))
        carrier = request.account.carrier_code
        data = self._call(
            "logistics.waybillApply", {"waybill_applies": [{"logistics_code": carrier, "track_no": track_no}]}
        )
        return WaybillResult(
            order_nos=request.order_nos,
            carrier_code=carrier,
            waybill_no=track_no,
            print_data=waybill.print_contents(data, request.template_url),
        )

    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None:
        self._call("logistics.cancelOrder", {"logistics_code": carrier_code, "track_no": waybill_no})

    # ------------------------------------------------------------ plumbing
    def _call(self, method: str, params: dict[str, Any], *, with_token: bool = True) -> Any:
        return self.gateway.call(method, params, with_token=with_token)


def create_client(credentials: ShopCredentials, transport: Transport) -> DouyinClient:
    return DouyinClient(credentials, transport)


def _ship_request_id(request: ShipRequest) -> str:
    """Douyin de-duplicates a pack by request_id: the same parcel must always send the same one."""
    parcel = "|".join([request.order_no, request.tracking_no, *sorted(request.line_ids)])
    return hashlib.sha1(parcel.encode()).hexdigest()[:32]
