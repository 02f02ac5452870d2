"""Electronic waybills: subscriptions (pdd.waybill.search), cloud-print apply (pdd.waybill.get), cancel."""

from __future__ import annotations

from chalicelib.platforms.pdd.canonical import to_waybill_accounts
from chalicelib.platforms.pdd.errors import PLATFORM
from chalicelib.platforms.pdd.gateway import Gateway
from chalicelib.platforms.pdd.mapping import as_int
from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.platform_types import WaybillAccount, WaybillRequest, WaybillResult

STANDARD_TEMPLATE = (
    "https://file-link.pinduoduo.com/{}_std"  # the seed hard-coded yunda_std for every carrier
)


def accounts(gateway: Gateway) -> list[WaybillAccount]:
    body = gateway.call("pdd.waybill.search", {})
    return [
        account
        for subscription in body.get("waybill_apply_subscription_cols") or ()
        for account in to_waybill_accounts(subscription)
    ]


def get(gateway: Gateway, request: WaybillRequest, seller_id: str) -> WaybillResult:
    account, receiver = request.account, request.receiver
    sender = account.sender_address
    cipher = receiver.ciphertext
    if request.channel:             # another channel's order: its receiver in plaintext
        plain = request.plaintext
        cipher = {"receiver_name": plain.get("name", ""), "receiver_phone": plain.get("phone", ""),
                  "receiver_address": plain.get("address", "")}
    apply = {
        "wp_code": account.carrier_code,
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
                # the same object_id returns the same waybill: re-applying after a lost answer is safe
                "object_id": request.parcel_id or request.order_nos[0],
                "order_info": {"order_channels_type": request.channel or "PDD",
                               "trade_order_list": list(request.order_nos)},
                "package_info": {
                    "id": request.parcel_id or request.order_nos[0],
                    "items": [{"name": name, "count": count} for name, count in request.items],
                },
                # PDD orders travel as the platform's ciphertext; masked text only when there is none
                "recipient": {
                    "name": cipher.get("receiver_name", receiver.name_masked),
                    "mobile": cipher.get("receiver_phone", receiver.phone_masked),
                    "address": {
                        "province": receiver.province,
                        "city": receiver.city,
                        "district": receiver.district,
                        "town": receiver.town,
                        "detail": cipher.get("receiver_address", receiver.address_masked),
                    },
                },
                "template_url": request.template_url
                or STANDARD_TEMPLATE.format(account.carrier_code.lower()),
                "user_id": as_int(seller_id),
            }
        ],
    }
    body = gateway.call("pdd.waybill.get", {"param_waybill_cloud_print_apply_new_request": apply})
    modules = list(body.get("modules") or ())
    if not modules or not modules[0].get("waybill_code"):
        raise NotAllowedError("pdd.waybill.get returned no waybill", platform=PLATFORM)
    return WaybillResult(
        order_nos=request.order_nos,
        carrier_code=account.carrier_code,
        waybill_no=str(modules[0]["waybill_code"]),
        print_data=modules[0].get("print_data") or "",
    )


def cancel(gateway: Gateway, carrier_code: str, waybill_no: str) -> None:
    body = gateway.call("pdd.waybill.cancel", {"wp_code": carrier_code, "waybill_code": waybill_no})
    if body.get("cancel_result") is False:
        raise NotAllowedError(f"waybill {waybill_no} cannot be cancelled", platform=PLATFORM)
