"""Cainiao cloud-print waybills through TOP: cainiao.waybill.ii.search / .get / .cancel (reference §1.4,
seed §4.6). Recipients travel as OAID + tid so Cainiao decrypts them itself; we never hold plaintext."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.platforms.taobao.gateway import items
from chalicelib.services.platform_types import Address, WaybillAccount, WaybillRequest

DEFAULT_TEMPLATE = "http://cloudprint.cainiao.com/template/standard/101"
CP_NAMES = {
    "ZTO": "中通快递",
    "YTO": "圆通速递",
    "STO": "申通快递",
    "YUNDA": "韵达快递",
    "SF": "顺丰速运",
    "EMS": "EMS",
    "JD": "京东快递",
    "JTSD": "极兔速递",
    "DBKD": "德邦快递",
    "POSTB": "邮政快递包裹",
}
DIRECT_CP = 1  # cp_type 1 直营: no prepaid balance to count down


def accounts(body: Mapping[str, Any]) -> list[WaybillAccount]:
    result: list[WaybillAccount] = []
    for subscription in items(body.get("waybill_apply_subscription_cols"), "waybill_apply_subscription_info"):
        cp_code = str(subscription["cp_code"])
        for branch in items(subscription.get("branch_account_cols"), "waybill_branch_account"):
            for address in items(branch.get("shipp_address_cols"), "address_dto"):
                result.append(_account(subscription, cp_code, branch, address))
    return result


def _account(
    subscription: Mapping[str, Any], cp_code: str, branch: Mapping[str, Any], address: Mapping[str, Any]
) -> WaybillAccount:
    direct = int(subscription.get("cp_type") or 0) == DIRECT_CP
    branch_code = str(branch.get("branch_code") or "")
    return WaybillAccount(
        account_id=f"{cp_code}:{branch_code}:{address.get('waybill_address_id', '')}",
        carrier_code=cp_code,
        carrier_name=CP_NAMES.get(cp_code, cp_code),
        branch_code=branch_code,
        branch_name=str(branch.get("branch_name") or ""),
        remaining=-1 if direct else int(branch.get("quantity") or 0),
        sender_address=Address(
            province=str(address.get("province") or ""),
            city=str(address.get("city") or ""),
            district=str(address.get("district") or ""),
            town=str(address.get("town") or ""),
            detail=str(address.get("detail") or ""),
        ),
        raw={
            "subscription": {k: v for k, v in subscription.items() if k != "branch_account_cols"},
            "branch": {k: v for k, v in branch.items() if k != "shipp_address_cols"},
            "address": dict(address),
        },
    )


def apply_request(request: WaybillRequest, seller_id: str) -> dict[str, Any]:
    account, receiver = request.account, request.receiver
    sender = account.sender_address
    recipient: dict[str, Any] = {
        "name": receiver.name_masked,
        "mobile": receiver.phone_masked,
        "address": {
            "province": receiver.province,
            "city": receiver.city,
            "district": receiver.district,
            "town": receiver.town,
            "detail": receiver.address_masked,
        },
    }
    recipient.update({k: receiver.ciphertext[k] for k in ("oaid", "tid") if k in receiver.ciphertext})
    if request.channel:             # another channel's order: Cainiao takes the receiver in plaintext
        plain = request.plaintext
        recipient = {"name": plain.get("name", ""), "mobile": plain.get("phone", ""),
                     "address": {**recipient["address"], "detail": plain.get("address", "")}}
    return {
        "cp_code": account.carrier_code,
        "sender": {
            "name": request.sender_name or account.sender_name,
            "mobile": request.sender_phone or account.sender_phone,
            "address": {
                "province": sender.province,
                "city": sender.city,
                "district": sender.district,
                "town": sender.town,
                "detail": sender.detail,
            },
        },
        "trade_order_info_dtos": [
            {
                "object_id": request.parcel_id or request.order_nos[0],
                "order_info": {"order_channels_type": request.channel or "TB",
                               "trade_order_list": list(request.order_nos)},
                "package_info": {
                    "id": "1",
                    "items": [{"name": name, "count": count} for name, count in request.items],
                },
                "recipient": recipient,
                "template_url": request.template_url or DEFAULT_TEMPLATE,
                "user_id": seller_id,
            }
        ],
        "need_encrypt": True,
    }
