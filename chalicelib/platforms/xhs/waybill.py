"""Xiaohongshu e-waybills (reference §4.5): subscriptions, createEbillOrders with a stable objectId
(a retried call returns the same waybill), cancelEbillOrder. billVersion 2, the new print component."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chalicelib.platforms.waybills import parcel_key
from chalicelib.platforms.xhs.gateway import PLATFORM, Gateway
from chalicelib.services.platform_errors import BadRequestError
from chalicelib.services.platform_types import Address, WaybillAccount, WaybillRequest, WaybillResult

BILL_VERSION = 2


def _address(raw: Mapping[str, Any]) -> Address:
    return Address(
        province=str(raw.get("province", "")),
        city=str(raw.get("city", "")),
        district=str(raw.get("district", "")),
        town=str(raw.get("town", "")),
        detail=str(raw.get("detail", "")),
    )


def account(raw: Mapping[str, Any]) -> WaybillAccount:
    senders = raw.get("senderAddressList") or [{}]
    usage = raw.get("usage") or {}
    return WaybillAccount(
        account_id=f"{raw['cpCode']}:{raw.get('branchCode', '')}:{raw.get('customerCode', '')}",
        carrier_code=str(raw["cpCode"]),
        carrier_name=str(raw.get("cpName", "")),
        branch_code=str(raw.get("branchCode", "")),
        branch_name=str(raw.get("branchName", "")),
        remaining=int(usage.get("quantity", -1)),
        sender_address=_address(senders[0]),
        raw=dict(raw),
    )


def _address_body(address: Address) -> dict[str, str]:
    return {
        "province": address.province,
        "city": address.city,
        "district": address.district,
        "town": address.town,
        "detail": address.detail,
    }


class Waybills:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def accounts(self) -> list[WaybillAccount]:
        data = self.gateway.call("express.queryEbillSubscribes", {"billVersion": BILL_VERSION}) or {}
        return [account(raw) for raw in data.get("subscribeList") or []]

    def get(self, request: WaybillRequest) -> WaybillResult:
        data = self.gateway.call("express.createEbillOrders", self._body(request)) or {}
        issued = data.get("waybillList") or []
        if not issued:
            raise BadRequestError("no waybill returned", platform=PLATFORM)
        print_data = issued[0].get("printData")
        return WaybillResult(
            order_nos=request.order_nos,
            carrier_code=request.account.carrier_code,
            waybill_no=str(issued[0]["waybillCode"]),
            print_data=json.loads(print_data) if isinstance(print_data, str) else print_data,
        )

    def cancel(self, carrier_code: str, waybill_no: str) -> None:
        self.gateway.call(
            "express.cancelEbillOrder", {"cpCode": carrier_code, "waybillCode": waybill_no, "billVersion": BILL_VERSION}
        )

    def _body(self, request: WaybillRequest) -> dict[str, Any]:
        acct, receiver = request.account, request.receiver
        recipient_address = Address(
            province=receiver.province,
            city=receiver.city,
            district=receiver.district,
            town=receiver.town,
            detail=receiver.ciphertext.get("receiverAddress", receiver.address_masked),
        )
        return {
            "cpCode": acct.carrier_code,
            "customerCode": acct.raw.get("customerCode", ""),
            "brandCode": acct.raw.get("brandCode", ""),
            "productCode": acct.raw.get("productCode", ""),
            "branchCode": acct.branch_code,
            "billVersion": BILL_VERSION,
            "callDoorPickUp": False,
            "sender": {
                "name": request.sender_name or acct.sender_name,
                "mobile": request.sender_phone or acct.sender_phone,
                "address": _address_body(acct.sender_address),
            },
            "tradeOrderInfoList": [
                {
                    "objectId": parcel_key(request),
                    "orderInfo": {"orderChannelsType": "XIAO_HONG_SHU", "tradeOrderList": list(request.order_nos)},
                    "packageInfo": {"items": [{"name": name, "count": count} for name, count in request.items]},
                    # ciphertext and openAddressId travel; the platform decrypts for the carrier
                    "recipient": {
                        "name": receiver.ciphertext.get("receiverName", receiver.name_masked),
                        "mobile": receiver.ciphertext.get("receiverPhone", receiver.phone_masked),
                        "openAddressId": receiver.ciphertext.get("openAddressId", ""),
                        "address": _address_body(recipient_address),
                    },
                    "templateUrl": request.template_url,
                }
            ],
        }
