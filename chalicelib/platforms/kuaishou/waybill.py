"""Kuaishou e-waybills (电子面单, reference §3.5): subscriptions, issuing with an idempotent requestId,
cancelling. Print data is returned as the 快手打印组件 takes it (reference §3.7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.platforms.kuaishou.gateway import PLATFORM, Gateway
from chalicelib.platforms.waybills import parcel_key
from chalicelib.services.platform_errors import BadRequestError
from chalicelib.services.platform_types import Address, WaybillAccount, WaybillRequest, WaybillResult

PRINT_KEYS = ("encryptedData", "signature", "key", "templateURL", "addData")


def _address(raw: Mapping[str, Any]) -> Address:
    return Address(
        province=str(raw.get("provinceName", "")),
        city=str(raw.get("cityName", "")),
        district=str(raw.get("districtName", "")),
        town=str(raw.get("streetName", "")),
        detail=str(raw.get("detailAddress", "")),
    )


def account(raw: Mapping[str, Any]) -> WaybillAccount:
    senders = raw.get("senderAddress") or [{}]
    return WaybillAccount(
        account_id=f"{raw['expressCompanyCode']}:{raw.get('netSiteCode', '')}:{raw.get('settleAccount', '')}",
        carrier_code=str(raw["expressCompanyCode"]),
        carrier_name=str(raw.get("expressCompanyName", "")),
        branch_code=str(raw.get("netSiteCode", "")),
        branch_name=str(raw.get("netSiteName", "")),
        remaining=int(raw.get("availableQuantity", -1)),
        sender_address=_address(senders[0]),
        raw=dict(raw),
    )


class Waybills:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def accounts(self) -> list[WaybillAccount]:
        data = self.gateway.call("open.express.subscribe.query", {})
        return [account(raw) for raw in data or []]

    def get(self, request: WaybillRequest) -> WaybillResult:
        data = self.gateway.call("open.express.ebill.get", {"getEbillOrderRequest": [self._order(request)]}, post=True)
        if not data:
            raise BadRequestError("no waybill returned", platform=PLATFORM)
        issued = data[0]
        return WaybillResult(
            order_nos=request.order_nos,
            carrier_code=request.account.carrier_code,
            waybill_no=str(issued["waybillCode"]),
            print_data={k: issued[k] for k in PRINT_KEYS if k in issued},
        )

    def cancel(self, carrier_code: str, waybill_no: str) -> None:
        self.gateway.call(
            "open.express.ebill.cancel",
            {"expressCompanyCode": carrier_code, "waybillCode": waybill_no},
            post=True,
        )

    def _order(self, request: WaybillRequest) -> dict[str, Any]:
        acct, receiver = request.account, request.receiver
        sender = acct.sender_address
        return {
            "merchantCode": self.gateway.credentials.seller_id,
            "merchantName": acct.raw.get("merchantName", ""),
            "expressCompanyCode": acct.carrier_code,
            "netSiteCode": acct.branch_code,
            "netSiteName": acct.branch_name,
            "templateUrl": request.template_url,
            "totalPackageQuantity": 1,
            "packageCode": "",
            "tradeOrderCode": request.order_nos[0],
            "orderChannel": "KUAISHOU",
            "senderContract": {
                "name": request.sender_name or acct.sender_name,
                "mobile": request.sender_phone or acct.sender_phone,
            },
            "senderAddress": {
                "provinceName": sender.province,
                "cityName": sender.city,
                "districtName": sender.district,
                "streetName": sender.town,
                "detailAddress": sender.detail,
            },
            # the platform's ciphertext travels; it decrypts for the carrier (never our plaintext)
            "receiverContract": {
                "name": receiver.ciphertext.get("encryptedConsignee", receiver.name_masked),
                "mobile": receiver.ciphertext.get("encryptedMobile", receiver.phone_masked),
            },
            "receiverAddress": {
                "provinceName": receiver.province,
                "cityName": receiver.city,
                "districtName": receiver.district,
                "streetName": receiver.town,
                "detailAddress": receiver.ciphertext.get("encryptedAddress", receiver.address_masked),
            },
            "itemList": [{"itemTitle": name, "itemQuantity": count} for name, count in request.items],
            "settleAccount": acct.raw.get("settleAccount", ""),
            "requestId": parcel_key(request),
        }
