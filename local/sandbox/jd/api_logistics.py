"""Sandbox handlers: 无界电子面单 accounts, issue / query / unbind, and the print-data pull."""
from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from local.sandbox.core import SandboxResponse
from local.sandbox.jd.model import Shop, Waybill
from local.sandbox.jd.wire import BAD_PARAM, BAD_STATE, NOT_FOUND, BusinessRefusal, success

if TYPE_CHECKING:
    from local.sandbox.jd.app import JdSandbox

# providerCode -> (providerId, name, type 1 快递, branch, settlement, starting balance)
PROVIDERS = {
    "ZTO": (1499, "中通快递", 1, "021001", "ZTO-SETTLE-01", 500),
    "YUNDA": (1327, "韵达快递", 1, "021088", "YD-SETTLE-01", 300),
    "JD": (2087, "京东快递", 1, "", "010K000001", -1),
}
VENDOR_ORDER_MAX = 50    # vendorOrderCode (商家订单号): required, String(50) [I]
SENDER = {"provinceId": 2, "provinceName": "上海", "cityId": 2813, "cityName": "上海市", "countryId": 51976,
          "countryName": "浦东新区", "countrysideId": 0, "countrysideName": "", "address": "张江路88号3号楼"}


def _result(method: str, status: int = 0, message: str = "成功", data: Any = None) -> SandboxResponse:
    return success(method, {"resultInfo": {"statusCode": status, "statusMessage": message, "data": data}})


def _refused(method: str, refusal: BusinessRefusal) -> SandboxResponse:
    return _result(method, int(refusal.code), refusal.message)


def provider_sign_success(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    if str(params.get("vendorCode")) != shop.seller_id:
        return _result(method, int(BAD_PARAM), "vendorCode与授权商家不符")
    balances = sb.waybill_balances(shop.seller_id)
    accounts = [{"providerId": pid, "providerCode": code, "providerName": name, "providerType": kind,
                 "branchCode": branch, "branchName": f"{name}上海{branch or '直营'}网点", "settlementCode": settle,
                 "amount": balances[code], "supportCod": False, "operationType": 1 if branch else 2,
                 "address": SENDER} for code, (pid, name, kind, branch, settle, _) in PROVIDERS.items()]
    return _result(method, data=accounts)


def waybill_receive(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    try:
        content = json.loads(str(params.get("content") or ""))
        code, order_no = str(content.get("providerCode")), str(content.get("platformOrderNo") or "")
        vendor_order = str(content.get("vendorOrderCode") or "")
        if code not in PROVIDERS or not order_no or not content.get("toAddress"):
            raise BusinessRefusal(BAD_PARAM, "providerCode/platformOrderNo/toAddress不合法")
        if not vendor_order or len(vendor_order) > VENDOR_ORDER_MAX:
            raise BusinessRefusal(BAD_PARAM, f"vendorOrderCode必填且不超过{VENDOR_ORDER_MAX}位")
        if str(content.get("vendorCode")) != shop.seller_id:
            raise BusinessRefusal(BAD_PARAM, "vendorCode与授权商家不符")
        if order_no not in shop.orders:
            raise BusinessRefusal(NOT_FOUND, "平台订单不存在")
        waybill = sb.issue_waybill(shop, code, order_no, vendor_order)
    except json.JSONDecodeError:
        return _result(method, int(BAD_PARAM), "content不是合法JSON")
    except BusinessRefusal as refusal:
        return _refused(method, refusal)
    return _result(method, data={"platformOrderNo": order_no, "waybillCodeList": [waybill.code]})


def waybill_query(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    waybill = sb.waybills.get(str(params.get("waybillCode")))
    if waybill is None or waybill.seller_id != shop.seller_id or waybill.provider_code != params.get("providerCode"):
        return _result(method, int(NOT_FOUND), "运单不存在")
    status = "bound" if waybill.bound else "unbound"
    return _result(method, data={"waybillCode": waybill.code, "providerCode": waybill.provider_code,
                                 "platformOrderNo": waybill.order_no, "status": status})


def waybill_unbind(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    codes = params.get("waybillCodeList") or []
    try:
        if not params.get("operatorName") or not params.get("operatorTime") or not codes:
            raise BusinessRefusal(BAD_PARAM, "operatorName/operatorTime/waybillCodeList必填")
        found = [sb.waybills.get(str(c)) for c in codes]
        for waybill in found:
            order_no = params.get("platformOrderNo")
            if waybill is None or waybill.seller_id != shop.seller_id or waybill.order_no != order_no:
                raise BusinessRefusal(NOT_FOUND, "运单不存在或与订单不匹配")
            if not waybill.bound:
                raise BusinessRefusal(BAD_STATE, "运单已回收")
    except BusinessRefusal as refusal:
        return _refused(method, refusal)
    for waybill in found:
        if waybill is not None:
            waybill.bound = False
    return _result(method, data=True)


def print_data_pull(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    request = params.get("param1") or {}
    infos = request.get("wayBillInfos") or []
    datas = []
    for info in infos:
        waybill = sb.waybills.get(str(info.get("wayBillCode")))
        if waybill is None or waybill.seller_id != shop.seller_id or not waybill.bound:
            return success(method, {"returnType": {"success": False, "code": NOT_FOUND, "message": "运单不存在"}})
        datas.append({"wayBillNo": waybill.code, "code": "1", "msg": "成功", "perPrintData": _sealed(waybill)})
    return success(method, {"returnType": {"success": True, "code": "1", "message": "成功",
                                           "objectId": request.get("objectId", ""), "prePrintDatas": datas}})


def _sealed(waybill: Waybill) -> str:
    # stands in for JD's encrypted print payload: opaque to the OMS, decoded only by the print component
    payload = {"waybillCode": waybill.code, "providerCode": waybill.provider_code, "orderNo": waybill.order_no}
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
