"""JD 无界电子面单 (jingdong.ldop.alpha.*), the print-data pull for the JD print component, and carriers.

The inner `content` of waybill.receive and the print-data shapes are [I] in the reference (§2.4, §7):
field names follow the seed's WaybillReceiveRequest and the 3P print-center notes.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.platforms.jd.canonical import to_carriers
from chalicelib.platforms.jd.gateway import JdGateway, checked
from chalicelib.platforms.jd.signing import format_timestamp
from chalicelib.services.platform_errors import NotAllowedError, TransientError
from chalicelib.services.platform_types import (
    Address,
    Carrier,
    ShopCredentials,
    WaybillAccount,
    WaybillRequest,
    WaybillResult,
)

SALE_PLATFORM_JD = "0010001"   # salePlatform code of JD's own mall
STANDARD_TEMPLATE = "https://template-content.jd.com/template-oss?tempCode=jdkd76x130"


class JdLogistics:
    def __init__(self, gateway: JdGateway, credentials: ShopCredentials) -> None:
        self.gateway = gateway
        self.vendor_code = credentials.seller_id
        self.operator = credentials.extra.get("operate_nick", "OMS")

    def carriers(self) -> list[Carrier]:
        body = self.gateway.call("360buy.get.vender.all.delivery.company", {"fields": "id,name,description"})
        rows = next((v for v in body.values() if isinstance(v, list)), [])
        return to_carriers(rows)

    def accounts(self) -> list[WaybillAccount]:
        body = self.gateway.call("jingdong.ldop.alpha.provider.sign.success",
                                 {"vendorCode": self.vendor_code})
        return [_account(row) for row in checked(body, "resultInfo").get("data") or []]

    def get(self, request: WaybillRequest) -> WaybillResult:
        account = request.account.raw
        order_no = request.order_nos[0]
        content = {
            "waybillType": 1, "waybillCount": 1, "providerId": account.get("providerId"),
            "providerCode": request.account.carrier_code, "branchCode": request.account.branch_code,
            "settlementCode": account.get("settlementCode", ""), "salePlatform": SALE_PLATFORM_JD,
            # the seller's key of the parcel: JD hands the live waybill back for a key it knows, so a split
            # order's second parcel needs its own (the parcel key) or it gets the first parcel's number
            "platformOrderNo": order_no, "vendorCode": self.vendor_code,
            "vendorOrderCode": request.parcel_id or order_no,
            "weight": 1, "volume": 0, "payType": 0, "goodsMoney": 0, "shouldPayMoney": 0,
            "needGuarantee": False,
            "fromAddress": _from_address(request.account.sender_address,
                                         request.sender_name or request.account.sender_name,
                                         request.sender_phone or request.account.sender_phone),
            "toAddress": _to_address(request),
        }
        body = self.gateway.call("jingdong.ldop.alpha.waybill.receive",
                                 {"content": json.dumps(content, ensure_ascii=False, separators=(",", ":"))})
        codes = checked(body, "resultInfo").get("data", {}).get("waybillCodeList") or []
        if not codes:
            raise TransientError("JD issued no waybill code", platform="jd")
        print_data = self._print_data(request.account.carrier_code, order_no, codes[0])
        return WaybillResult(order_nos=request.order_nos, carrier_code=request.account.carrier_code,
                             waybill_no=codes[0], print_data=print_data)

    def _print_data(self, provider_code: str, order_no: str, waybill_no: str) -> dict[str, Any]:
        param = {"cpCode": provider_code, "objectId": f"{order_no}-{waybill_no}", "parameters": {},
                 "wayBillInfos": [{"orderNo": order_no, "popFlag": 1, "wayBillCode": waybill_no}]}
        body = self.gateway.call("jingdong.printing.printData.pullData", {"param1": param})
        entries = checked(body, "returnType").get("prePrintDatas") or []
        entry = next((e for e in entries if e.get("wayBillNo") == waybill_no), None)
        if entry is None:
            raise TransientError(f"no print data for waybill {waybill_no}", platform="jd")
        return dict(entry)

    def cancel(self, carrier_code: str, waybill_no: str) -> None:
        """waybill.unbind needs the order number: look it up by waybill first. Cancelling a waybill JD
        already shows unbound is success."""
        waybill = self._query(carrier_code, waybill_no)
        if str(waybill.get("status")) == "unbound":
            return
        params = {"platformOrderNo": str(waybill.get("platformOrderNo", "")), "providerCode": carrier_code,
                  "operatorName": self.operator,
                  "operatorTime": format_timestamp(datetime.now().astimezone()),
                  "waybillCodeList": [waybill_no]}
        try:
            checked(self.gateway.call("jingdong.ldop.alpha.waybill.unbind", params), "resultInfo")
        except NotAllowedError:
            if str(self._query(carrier_code, waybill_no).get("status")) != "unbound":
                raise

    def _query(self, carrier_code: str, waybill_no: str) -> dict[str, Any]:
        body = self.gateway.call("jingdong.ldop.alpha.waybill.query",
                                 {"providerCode": carrier_code, "waybillCode": waybill_no})
        return dict(checked(body, "resultInfo").get("data") or {})


def _account(row: dict[str, Any]) -> WaybillAccount:
    address = row.get("address") or {}
    return WaybillAccount(
        account_id=f"{row.get('providerCode')}:{row.get('branchCode')}:{row.get('settlementCode')}",
        carrier_code=str(row.get("providerCode", "")), carrier_name=str(row.get("providerName", "")),
        branch_code=str(row.get("branchCode", "")), branch_name=str(row.get("branchName", "")),
        remaining=int(str(row.get("amount", -1))),
        sender_address=Address(province=str(address.get("provinceName", "")),
                               city=str(address.get("cityName", "")),
                               district=str(address.get("countryName", "")),
                               town=str(address.get("countrysideName", "")),
                               detail=str(address.get("address", ""))),
        raw=dict(row),
    )


def _from_address(address: Address, name: str, phone: str) -> dict[str, Any]:
    return {"provinceName": address.province, "cityName": address.city, "countryName": address.district,
            "countrysideName": address.town, "address": address.detail, "contact": name, "phone": phone,
            "mobile": phone}


def _to_address(request: WaybillRequest) -> dict[str, Any]:
    """The receiver travels as JD's own TDE ciphertext: JD decrypts it on its side for the label."""
    receiver = request.receiver
    cipher = receiver.ciphertext
    return {"provinceName": receiver.province, "cityName": receiver.city, "countryName": receiver.district,
            "countrysideName": receiver.town, "address": cipher.get("fullAddress", receiver.address_masked),
            "contact": cipher.get("fullname", receiver.name_masked),
            "mobile": cipher.get("mobile", receiver.phone_masked), "phone": cipher.get("telephone", "")}
