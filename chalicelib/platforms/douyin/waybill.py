"""E-waybills through Douyin's logistics APIs (reference §1.6, §1.8): newCreateOrder issues the number,
waybillApply returns the encrypted print data the Douyin print component takes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from chalicelib.services.platform_errors import BadRequestError
from chalicelib.services.platform_types import Address, WaybillRequest

ORDER_CHANNEL_DOUYIN = "1"  # the receiver is a Douyin order's ciphertext, decrypted by the carrier


def create_order_params(request: WaybillRequest) -> dict[str, Any]:
    account = request.account
    order_info: dict[str, Any] = {
        "order_id": request.order_nos[0],
        "pack_id": pack_id((*request.order_nos, request.parcel_id) if request.parcel_id else request.order_nos),
        "receiver_info": _receiver(request),
        "items": [{"item_name": name, "item_count": count} for name, count in request.items],
    }
    params: dict[str, Any] = {
        "logistics_code": account.carrier_code,
        "order_channel": ORDER_CHANNEL_DOUYIN,
        "sender_info": {
            "address": _address(account.sender_address),
            "contact": {
                "name": request.sender_name or account.sender_name,
                "mobile": request.sender_phone or account.sender_phone,
            },
        },
        "order_infos": [order_info],
    }
    if account.branch_code:
        params["net_info"] = {"net_code": account.branch_code}
    return params


def pack_id(order_nos: tuple[str, ...]) -> str:
    """Stable per parcel, so a retried request gets the same waybill number back instead of a second one."""
    return "P" + hashlib.sha1("|".join(sorted(order_nos)).encode()).hexdigest()[:16]


def _receiver(request: WaybillRequest) -> dict[str, Any]:
    receiver, cipher = request.receiver, request.receiver.ciphertext
    address = Address(
        province=receiver.province,
        city=receiver.city,
        district=receiver.district,
        town=receiver.town,
        detail=cipher.get("encrypt_detail") or receiver.address_masked,
    )
    return {
        "address": _address(address),
        "contact": {
            "name": cipher.get("encrypt_post_receiver") or receiver.name_masked,
            "mobile": cipher.get("encrypt_post_tel") or receiver.phone_masked,
        },
    }


def _address(address: Address) -> dict[str, str]:
    return {
        "country_code": "CHN",
        "province_name": address.province,
        "city_name": address.city,
        "district_name": address.district,
        "street_name": address.town,
        "detail_address": address.detail,
    }


def track_no_from(data: Mapping[str, Any]) -> str:
    errors = data.get("err_infos") or []
    if errors:
        first = errors[0]
        raise BadRequestError(
            str(first.get("err_msg") or "waybill refused"),
            code=str(first.get("err_code") or ""),
            platform="douyin",
        )
    infos = data.get("ebill_infos") or []
    if not infos or not infos[0].get("track_no"):
        raise BadRequestError("newCreateOrder returned no waybill number", platform="douyin")
    return str(infos[0]["track_no"])


def print_contents(data: Mapping[str, Any], template_url: str) -> dict[str, Any]:
    """One `contents` entry of the print component's `print` command."""
    errors = data.get("err_infos") or []
    infos = data.get("waybill_infos") or []
    if errors or not infos:
        message = str(errors[0].get("err_msg")) if errors else "waybillApply returned no print data"
        raise BadRequestError(message, platform="douyin")
    info = infos[0]
    return {
        "encryptedData": info.get("print_data", ""),
        "signature": info.get("sign", ""),
        "templateURL": template_url,
    }
