"""Sandbox handlers: pre-shipment refund applies (jingdong.pop.afs.soa.refundapply.*) and after-sale
service orders (jingdong.asc.*), moving through JD's states and refusing actions in the wrong one."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from local.sandbox.core import SandboxResponse
from local.sandbox.jd.model import RefundApply, Service, Shop
from local.sandbox.jd.wire import BAD_PARAM, BAD_STATE, NOT_FOUND, BusinessRefusal, parse_timestamp, success

if TYPE_CHECKING:
    from local.sandbox.jd.app import JdSandbox

REFUND_PAGE_MAX, REFUND_SIZE_MAX, SERVICE_SIZE_MAX = 100, 50, 50
RETURN_EXPECTS = frozenset({10, 20, 30})


def _window(params: dict[str, Any], low: str, high: str) -> tuple[datetime, datetime] | None:
    if not params.get(low) and not params.get(high):
        return None
    try:
        return parse_timestamp(str(params[low])), parse_timestamp(str(params[high]))
    except (KeyError, ValueError) as exc:
        raise BusinessRefusal(BAD_PARAM, f"{low}/{high}须成对且格式正确") from exc


def _inside(moment: datetime | None, window: tuple[datetime, datetime] | None) -> bool:
    return window is None or (moment is not None and window[0] <= moment <= window[1])


def _page(rows: list[Any], page: int, size: int) -> list[Any]:
    return rows[(page - 1) * size: page * size]


# ---------------------------------------------------------------- refund applies
def refund_query_page_list(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    try:
        page, size = int(params.get("pageIndex", 0)), int(params.get("pageSize", 0))
        if not 1 <= page <= REFUND_PAGE_MAX or not 1 <= size <= REFUND_SIZE_MAX:
            raise BusinessRefusal(BAD_PARAM, "pageIndex须为1-100，pageSize须为1-50")
        applied = _window(params, "applyTimeStart", "applyTimeEnd")
        checked = _window(params, "checkTimeStart", "checkTimeEnd")
    except (BusinessRefusal, ValueError) as exc:
        code = exc.code if isinstance(exc, BusinessRefusal) else BAD_PARAM
        return success(method, {"queryResult": {"success": False, "code": code, "errorMsg": str(exc)}})
    ids = {i.strip() for i in str(params.get("ids") or "").split(",") if i.strip()}
    hits = [a for a in sb.refund_applies(shop.seller_id)
            if (not ids or str(a.apply_id) in ids) and _inside(a.applied, applied) and _inside(a.checked, checked)
            and str(params.get("orderId") or a.order_id) == a.order_id
            and str(params.get("status", a.status)) == str(a.status)]
    hits.sort(key=lambda a: ((a.checked if checked else a.applied), a.apply_id))
    return success(method, {"queryResult": {"success": True, "totalCount": len(hits),
                                            "result": [a.row() for a in _page(hits, page, size)]}})


def refund_reply(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    try:
        apply = sb.refund_apply(shop.seller_id, params.get("id"))
        status = int(params.get("status", -1))
        if status not in (1, 2, 6, 9, 10) or not params.get("checkUserName"):
            raise BusinessRefusal(BAD_PARAM, "status或checkUserName不合法")
        if status != 9 and not params.get("remark"):
            raise BusinessRefusal(BAD_PARAM, "除强制关单外审核备注必填")
        if apply.status != 0:
            raise BusinessRefusal(BAD_STATE, f"退款单状态为{apply.status}，已审核")
    except (BusinessRefusal, ValueError) as exc:
        code = exc.code if isinstance(exc, BusinessRefusal) else BAD_PARAM
        return success(method, {"replyResult": {"success": False, "code": code, "errorMsg": str(exc)}})
    sb.decide_refund_apply(shop, apply, status, str(params.get("checkUserName")), str(params.get("remark") or ""))
    return success(method, {"replyResult": {"success": True}})


# ---------------------------------------------------------------- service orders
def _operator(shop: Shop, params: dict[str, Any]) -> None:
    if not params.get("operatePin") or not params.get("operateNick"):
        raise BusinessRefusal(BAD_PARAM, "operatePin/operateNick必填")
    if str(params.get("buId")) != shop.seller_id:
        raise BusinessRefusal(BAD_PARAM, "buId与授权商家不符")


def _listing(method: str, params: dict[str, Any], shop: Shop, services: Iterable[Service],
             keep: Callable[[Service], bool], order_by: Callable[[Service], Any]) -> SandboxResponse:
    page, size = int(params.get("pageNumber") or 1), int(params.get("pageSize") or 10)
    if not 1 <= size <= SERVICE_SIZE_MAX or page < 1:
        raise BusinessRefusal(BAD_PARAM, "pageSize须为1-50")
    hits = sorted((s for s in services if keep(s)), key=lambda s: (order_by(s), s.service_id))
    return success(method, {"pageResult": {"success": True, "code": "0", "msg": "成功", "pageNumber": page,
                                           "pageSize": size, "totalCount": len(hits),
                                           "data": [s.row() for s in _page(hits, page, size)]}})


def _guarded(method: str, container: str, act: Callable[[], SandboxResponse]) -> SandboxResponse:
    try:
        return act()
    except (BusinessRefusal, ValueError) as exc:
        code = exc.code if isinstance(exc, BusinessRefusal) else BAD_PARAM
        message = exc.message if isinstance(exc, BusinessRefusal) else "参数错误"
        return success(method, {container: {"success": False, "code": code, "msg": message}})


def asc_query_list(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    def act() -> SandboxResponse:
        _operator(shop, params)
        applied = _window(params, "applyTimeBegin", "applyTimeEnd")
        approved = _window(params, "approveTimeBegin", "approveTimeEnd")
        finished = _window(params, "finishTimeBegin", "finishTimeEnd")
        service_id, order_id = str(params.get("serviceId") or ""), str(params.get("orderId") or "")
        return _listing(method, params, shop, sb.services(shop.seller_id), lambda s: (
            (not service_id or str(s.service_id) == service_id) and (not order_id or s.order_id == order_id)
            and _inside(s.applied, applied) and _inside(s.approved, approved) and _inside(s.finished, finished)),
            lambda s: s.applied)
    return _guarded(method, "pageResult", act)


def asc_sync_list(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    def act() -> SandboxResponse:
        _operator(shop, params)
        updated = _window(params, "updateTimeBegin", "updateTimeEnd")
        return _listing(method, params, shop, sb.services(shop.seller_id),
                        lambda s: _inside(s.updated, updated), lambda s: s.updated)
    return _guarded(method, "pageResult", act)


def _service_for_action(sb: JdSandbox, shop: Shop, params: dict[str, Any], allowed: Callable[[Service], bool],
                        required: Iterable[str]) -> Service:
    _operator(shop, params)
    missing = [name for name in required if params.get(name) in (None, "")]
    if missing:
        raise BusinessRefusal(BAD_PARAM, f"缺少参数{','.join(missing)}")
    service = sb.service(shop.seller_id, params.get("serviceId"))
    if str(params.get("orderId")) != service.order_id:
        raise BusinessRefusal(NOT_FOUND, "服务单与订单不匹配")
    if "sysVersion" in required and int(params["sysVersion"]) != service.version:
        raise BusinessRefusal(BAD_STATE, "服务单版本号不一致，请刷新后重试")
    if not allowed(service):
        raise BusinessRefusal(BAD_STATE, f"服务单状态为{service.status}，不允许此操作")
    return service


def _service_action(method: str, sb: JdSandbox, shop: Shop, params: dict[str, Any],
                    allowed: Callable[[Service], bool], required: Iterable[str],
                    change: Callable[[Service], None]) -> SandboxResponse:
    def act() -> SandboxResponse:
        service = _service_for_action(sb, shop, params, allowed, required)
        change(service)
        sb.service_changed(shop, service)
        return success(method, {"result": {"success": True, "code": "0", "msg": "成功"}})
    return _guarded(method, "result", act)


AUDIT = ("serviceId", "orderId", "approveNotes", "sysVersion", "approveReasonCid1")


def asc_audit_refuse(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    def change(s: Service) -> None:
        s.status, s.approved = 10004, sb.now()
    return _service_action(method, sb, shop, params, lambda s: s.status == 10001, AUDIT, change)


def asc_audit_send(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    required = (*AUDIT, "returnContactName", "returnContactTel", "returnDetailAddress", "applyDetailIdList")

    def change(s: Service) -> None:
        s.status, s.approved, s.return_address = 10005, sb.now(), str(params["returnDetailAddress"])
    return _service_action(method, sb, shop, params,
                           lambda s: s.status == 10001 and s.expect in RETURN_EXPECTS, required, change)


def asc_receive_register(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    required = ("serviceId", "orderId", "receivePin", "receiveName", "receiveRemark")

    def change(s: Service) -> None:
        s.status = 10007
    return _service_action(method, sb, shop, params, lambda s: s.status == 10005, required, change)


def asc_process_refund(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    """[I] JD's refund step for a service order: refund-only cases at review, returns once received."""
    def change(s: Service) -> None:
        s.status, s.finished = 10010, sb.now()
        s.approved = s.approved or s.finished
    return _service_action(method, sb, shop, params,
                           lambda s: (s.expect == 11 and s.status == 10001) or (s.expect == 10 and s.status == 10007),
                           ("serviceId", "orderId", "sysVersion"), change)


def new_refund_apply(apply_id: int, shop: Shop, order_id: str, now: datetime) -> RefundApply:
    order = shop.orders[order_id]
    return RefundApply(apply_id=apply_id, order_id=order_id, seller_id=shop.seller_id, buyer_pin=order.buyer_pin,
                       buyer_name=order.cipher["masked_name"], applied=now, refund_fen=order.payment_fen)
