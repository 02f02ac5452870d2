"""Sandbox handlers: the exchange / reissue parcel of a service order (jingdong.asc.process.offline.change,
the seller sends the new goods himself) and JD Express's route query (jingdong.ldop.receive.trace.get,
keyed by the 青龙 customer code and the waybill: JD offers no trace for other carriers' parcels)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from local.sandbox.core import SandboxResponse
from local.sandbox.jd.api_afs import _service_action
from local.sandbox.jd.model import CARRIERS, Service, Shop
from local.sandbox.jd.wire import BAD_PARAM, success

if TYPE_CHECKING:
    from local.sandbox.jd.app import JdSandbox

JD_EXPRESS = "2087"
EXCHANGE, REPAIR, REISSUE = 20, 30, 80
RECEIVED = frozenset({10005, 10007})   # an exchange / repair sends the new goods once the old are back (or on the way)
TRACE_OK, TRACE_NONE, TRACE_BAD_CUSTOMER = 100, 101, 102


def customer_code(shop: Shop) -> str:
    return f"010K{shop.seller_id}"


def _may_send(service: Service) -> bool:
    if service.expect == REISSUE:
        return service.status == 10001
    return service.expect in (EXCHANGE, REPAIR) and service.status in RECEIVED


def process_offline_change(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    required = ("serviceId", "orderId", "sysVersion", "opFlag", "shipWayId", "expressCode")
    carrier, waybill = str(params.get("shipWayId") or ""), str(params.get("expressCode") or "")
    if params.get("shipWayId") and carrier not in dict(CARRIERS):
        return success(method, {"result": {"success": False, "code": BAD_PARAM, "msg": "配送方式不正确"}})

    def change(service: Service) -> None:
        service.status, service.finished = 10010, sb.now()
        service.resend_carrier, service.resend_waybill = carrier, waybill
        sb.tracks.ensure(waybill, dict(CARRIERS)[carrier], sb.now())
    return _service_action(method, sb, shop, params, _may_send, required, change)


def receive_trace_get(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    waybill = str(params.get("waybillCode") or "")
    if str(params.get("customerCode") or "") != customer_code(shop):
        return _trace(method, TRACE_BAD_CUSTOMER, "商家编码与授权商家不符", [])
    track = sb.tracks.get(waybill) if jd_express_waybill(shop, sb, waybill) else None
    if track is None:
        return _trace(method, TRACE_NONE, "未查询到该运单的跟踪信息", [])
    rows = [{"opeTitle": "妥投" if "签收" in text else "运输中", "opeRemark": text, "opeName": "京东快递",
             "opeTime": at.strftime("%Y/%m/%d %H:%M:%S"), "waybillCode": waybill}
            for at, text in track.events]   # JD lists the route oldest first
    return _trace(method, TRACE_OK, "成功", rows)


def jd_express_waybill(shop: Shop, sb: JdSandbox, waybill: str) -> bool:
    shipped = any(o.waybill == waybill and o.logistics_id == JD_EXPRESS for o in shop.orders.values())
    return shipped or any(s.resend_waybill == waybill and s.resend_carrier == JD_EXPRESS
                          for s in sb.services(shop.seller_id))


def advance(sb: JdSandbox, shop: Shop, waybill: str, to: str) -> str:
    if sb.tracks.get(waybill) is None or not jd_express_waybill(shop, sb, waybill):
        raise KeyError(f"no JD Express parcel {waybill} shipped by {shop.seller_id}")
    return sb.tracks.advance(waybill, sb.now(), to).state


def _trace(method: str, code: int, message: str, rows: list[dict[str, Any]]) -> SandboxResponse:
    return success(method, {"querytrace_result": {"code": code, "messsage": message, "data": rows}})

