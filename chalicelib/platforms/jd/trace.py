"""JD's parcel route: jingdong.ldop.receive.trace.get {customerCode (the 青龙 customer code), waybillCode}
-> querytrace_result{code (100 = found), messsage, data[{opeTitle, opeRemark, opeName, opeTime, waybillCode}]}
(JD's SDK: LdopReceiveTraceGetResponse / TraceQueryResultDTO). JD's router offers no order-level trace: only
JD Express (京东快递) parcels can be followed; other carriers are refused before any call."""
from __future__ import annotations

from typing import Any

from chalicelib.platforms.tracking import rows_to_tracking
from chalicelib.services.platform_errors import BadRequestError, NotAllowedError
from chalicelib.services.platform_types import Tracking

METHOD = "jingdong.ldop.receive.trace.get"
JD_EXPRESS = "2087"          # the logiCoprId of 京东快递 (mapping.CARRIERS["JD"])
FOUND, NOTHING_YET = 100, 101   # [I] the result codes besides "found": 101 = no route recorded yet


def request_params(carrier_code: str, waybill_no: str, customer_code: str) -> dict[str, Any]:
    if carrier_code != JD_EXPRESS:
        raise NotAllowedError(f"JD offers no tracking for carrier {carrier_code}: only JD Express parcels",
                              code="no_trace", platform="jd")
    if not customer_code:
        raise NotAllowedError("JD Express tracking needs the shop's customer code (extra.customer_code)",
                              code="no_customer_code", platform="jd")
    return {"customerCode": customer_code, "waybillCode": waybill_no}


def parse(carrier_code: str, waybill_no: str, body: dict[str, Any]) -> Tracking:
    result = (body or {}).get("querytrace_result") or {}
    code = int(result.get("code") or 0)
    if code == NOTHING_YET:
        return Tracking(carrier_code=carrier_code, waybill_no=waybill_no, state="unknown")
    if code != FOUND:
        raise BadRequestError(str(result.get("messsage") or result.get("message") or "trace refused"),
                              code=str(code), platform="jd")
    return rows_to_tracking(carrier_code, waybill_no, result.get("data") or (), "opeTime", "opeRemark")
