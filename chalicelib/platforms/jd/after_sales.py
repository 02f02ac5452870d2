"""JD after-sales: pre-shipment refund applies (jingdong.pop.afs.soa.refundapply.*) and after-sale
service orders (jingdong.asc.*). Case ids: "RA<id>" for refund applies, the bare serviceId otherwise.

Every write reads the case first (service orders need its `sysVersion`) and, when JD refuses the
action because of the state, reads it again: a case already in the state we asked for is success, so
a retried write is harmless.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Set
from datetime import datetime
from typing import Any

from chalicelib.domain.status import AfterSaleStatus
from chalicelib.platforms.jd.canonical import REFUND_APPLY_PREFIX, to_refund_apply, to_service
from chalicelib.platforms.jd.gateway import JdGateway, checked
from chalicelib.platforms.jd.paging import WindowWalker
from chalicelib.platforms.jd.signing import format_timestamp
from chalicelib.services.platform_errors import NotAllowedError, NotFoundError
from chalicelib.services.platform_types import Address, CanonicalAfterSale, RejectReason, ResendRequest, ShopCredentials

REFUND_PAGE_SIZE = 50      # queryPageList: pageSize 1-50, pageIndex 1-100
SERVICE_PAGE_SIZE = 50     # asc: pageSize 1-50
MAX_PAGES = 100
APPROVE, REJECT = 1, 2     # replyRefund status
OTHER_REJECT_TYPE = 5
_DONE_AFTER_RECEIPT = frozenset({AfterSaleStatus.SELLER_PROCESSING, AfterSaleStatus.REFUNDED,
                                 AfterSaleStatus.RESHIPPED})


class JdAfterSales:
    def __init__(self, gateway: JdGateway, credentials: ShopCredentials) -> None:
        self.gateway = gateway
        self.operator = {"buId": credentials.seller_id,
                         "operatePin": credentials.extra.get("operate_pin", "oms"),
                         "operateNick": credentials.extra.get("operate_nick", "OMS")}

    # ------------------------------------------------------------ reads
    def list_cases(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]:
        """Refund applies by apply time and by check time (their only time filters), then service
        orders by update time (jingdong.asc.sync.list: asc.query.list filters by apply/approve/finish
        time only, which misses a case moved by the buyer)."""
        seen: set[str] = set()
        walks = (self._refund_walk("applyTime"), self._refund_walk("checkTime"), self._service_walk())
        for walk in walks:
            for case in walk.walk(start, end):
                if case.case_id not in seen:
                    seen.add(case.case_id)
                    yield case

    def get(self, case_id: str) -> CanonicalAfterSale:
        if case_id.startswith(REFUND_APPLY_PREFIX):
            _, rows = self._refund_page({"ids": case_id[len(REFUND_APPLY_PREFIX):]}, 1)
        else:
            _, rows = self._service_page("jingdong.asc.query.list", {"serviceId": int(case_id)}, 1)
        if not rows:
            raise NotFoundError(f"JD after-sale {case_id} not found", platform="jd")
        return rows[0]

    def _refund_walk(self, field: str) -> WindowWalker[CanonicalAfterSale]:
        def fetch(start: datetime, end: datetime, page: int) -> tuple[int, list[CanonicalAfterSale]]:
            window = {f"{field}Start": format_timestamp(start), f"{field}End": format_timestamp(end)}
            return self._refund_page(window, page)
        return _walker(fetch, REFUND_PAGE_SIZE)

    def _refund_page(self, params: dict[str, Any], page: int) -> tuple[int, list[CanonicalAfterSale]]:
        body = self.gateway.call("jingdong.pop.afs.soa.refundapply.queryPageList",
                                 {**params, "pageIndex": page, "pageSize": REFUND_PAGE_SIZE})
        result = checked(body, "queryResult")
        rows = [to_refund_apply(row) for row in result.get("result") or []]
        return int(result.get("totalCount") or 0), rows

    def _service_walk(self) -> WindowWalker[CanonicalAfterSale]:
        def fetch(start: datetime, end: datetime, page: int) -> tuple[int, list[CanonicalAfterSale]]:
            window = {"updateTimeBegin": format_timestamp(start), "updateTimeEnd": format_timestamp(end)}
            return self._service_page("jingdong.asc.sync.list", window, page)
        return _walker(fetch, SERVICE_PAGE_SIZE)

    def _service_page(self, method: str, params: dict[str, Any],
                      page: int) -> tuple[int, list[CanonicalAfterSale]]:
        body = self.gateway.call(method, {**self.operator, **params, "pageNumber": page,
                                          "pageSize": SERVICE_PAGE_SIZE})
        result = checked(body, "pageResult")
        return int(result.get("totalCount") or 0), [to_service(row) for row in result.get("data") or []]

    # ------------------------------------------------------------ writes
    def approve_refund(self, case_id: str) -> None:
        if case_id.startswith(REFUND_APPLY_PREFIX):
            self._reply(case_id, APPROVE, "同意退款", {"outWareStatus": 2},
                        AfterSaleStatus.PLATFORM_PROCESSING)
            return
        # [I] the refund step of a service order; not in the 2019 JOS API list, see the report
        self._service_action(case_id, "jingdong.asc.process.refund", lambda _case: {},
                             done={AfterSaleStatus.REFUNDED})

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        if case_id.startswith(REFUND_APPLY_PREFIX):
            known = reason.code.isdigit() and 1 <= int(reason.code) <= OTHER_REJECT_TYPE
            reject_type = int(reason.code) if known else OTHER_REJECT_TYPE
            self._reply(case_id, REJECT, reason.text, {"rejectType": reject_type}, AfterSaleStatus.REJECTED)
            return
        self._service_action(case_id, "jingdong.asc.audit.refuse", lambda _case: {
            "approveNotes": reason.text,
            "approveReasonCid1": int(reason.code) if reason.code.isdigit() else 0,
        }, done={AfterSaleStatus.REJECTED})

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        if case_id.startswith(REFUND_APPLY_PREFIX):
            raise NotAllowedError("a pre-shipment refund apply has no goods to return", platform="jd")
        # JD wants its own region ids here; we hold names, so ids go as 0 and the names in the detail line
        self._service_action(case_id, "jingdong.asc.audit.send", lambda case: {
            "approveNotes": "同意退货", "approveReasonCid1": 0, "returnContactName": contact,
            "returnContactTel": phone, "returnContactMobile": phone, "returnZipcode": "000000",
            "returnProvince": 0, "returnCity": 0, "returnCounty": 0, "returnAddressType": 1,
            "returnDetailAddress": _one_line(address),
            "applyDetailIdList": [int(case.raw.get("afsApplyId") or 0)],
        }, done={AfterSaleStatus.AWAITING_BUYER_RETURN, AfterSaleStatus.AWAITING_SELLER_RECEIPT,
                 *_DONE_AFTER_RECEIPT})

    def confirm_return_received(self, case_id: str) -> None:
        if case_id.startswith(REFUND_APPLY_PREFIX):
            raise NotAllowedError("a pre-shipment refund apply has no goods to receive", platform="jd")
        self._service_action(case_id, "jingdong.asc.receive.register", lambda _case: {
            "receivePin": self.operator["operatePin"], "receiveName": self.operator["operateNick"],
            "packingState": 1, "qualityState": 1, "invoiceRecord": 1, "judgmentReason": 1,
            "accessoryOrGift": 1, "appearanceState": 1, "receiveRemark": "已收货",
        }, done=_DONE_AFTER_RECEIPT)

    def resend(self, request: ResendRequest) -> None:
        """The exchange / reissue / repair parcel the seller sends himself: jingdong.asc.process.offline.change
        (its params as in JD's SDK: shipWayId = the delivery-company id, expressCode = the waybill no.;
        [I] opFlag 1 = the new goods are sent)."""
        if request.case_id.startswith(REFUND_APPLY_PREFIX):
            raise NotAllowedError("a pre-shipment refund apply has no parcel to send", platform="jd")
        self._service_action(request.case_id, "jingdong.asc.process.offline.change", lambda _case: {
            "opFlag": 1, "shipWayId": int(request.carrier_code), "shipWayName": request.carrier_code,
            "expressCode": request.tracking_no, "operateRemark": "换新/补发已寄出",
        }, done={AfterSaleStatus.RESHIPPED})

    def _reply(self, case_id: str, status: int, remark: str, extra: dict[str, Any],
               done: AfterSaleStatus) -> None:
        params = {"id": int(case_id[len(REFUND_APPLY_PREFIX):]), "status": status,
                  "checkUserName": self.operator["operateNick"], "remark": remark, **extra}
        done_states = {done, AfterSaleStatus.REFUNDED} if status == APPROVE else {done}
        self._idempotent(case_id, done_states, lambda: checked(
            self.gateway.call("jingdong.pop.afs.soa.refundapply.replyRefund", params), "replyResult"))

    def _service_action(self, case_id: str, method: str,
                        params: Callable[[CanonicalAfterSale], dict[str, Any]],
                        done: Set[AfterSaleStatus]) -> None:
        case = self.get(case_id)
        if case.status in done:
            return
        call = {**self.operator, "serviceId": int(case_id), "orderId": int(case.order_no),
                "sysVersion": int(case.raw.get("sysVersion") or 0), **params(case)}
        self._idempotent(case_id, done, lambda: checked(self.gateway.call(method, call), "result"))

    def _idempotent(self, case_id: str, done: Set[AfterSaleStatus], write: Callable[[], object]) -> None:
        try:
            write()
        except NotAllowedError:
            if self.get(case_id).status not in done:
                raise


def _walker(fetch: Callable[[datetime, datetime, int], tuple[int, list[CanonicalAfterSale]]],
            page_size: int) -> WindowWalker[CanonicalAfterSale]:
    return WindowWalker(fetch=fetch, page_size=page_size, max_pages=MAX_PAGES,
                        key=lambda case: case.case_id, modified=lambda case: case.modified_at)


def _one_line(address: Address) -> str:
    return f"{address.province}{address.city}{address.district}{address.town}{address.detail}"
