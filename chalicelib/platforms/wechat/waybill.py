"""E-waybill (电子面单) calls: accounts, precreate + create, cancel (reference §2.3 'E-waybill')."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.platforms.wechat.gateway import Gateway
from chalicelib.services.platform_types import Address, WaybillAccount, WaybillRequest, WaybillResult

BASE = "/channels/ec/logistics/ewaybill/biz"


def accounts(gateway: Gateway) -> list[WaybillAccount]:
    payload = gateway.call(f"{BASE}/account/get", {"limit": 100, "need_balance": True})
    return [to_account(a) for a in payload.get("account_list") or ()]


def to_account(account: Mapping[str, Any]) -> WaybillAccount:
    site = account.get("site_info") or {}
    sender = account.get("sender_address") or {}
    site_address = site.get("address") or {}
    contact = site.get("contact") or {}
    return WaybillAccount(
        account_id=str(account["acct_id"]),
        carrier_code=str(account["delivery_id"]),
        carrier_name=str(account.get("delivery_name") or account["delivery_id"]),
        branch_code=str(site.get("site_code") or ""),
        branch_name=str(site.get("site_name") or ""),
        remaining=int(account.get("available") or 0),
        sender_address=Address(
            province=str(sender.get("province") or site_address.get("province_name") or ""),
            city=str(sender.get("city") or site_address.get("city_name") or ""),
            district=str(sender.get("county") or site_address.get("district_name") or ""),
            detail=str(sender.get("address") or site_address.get("detail_address") or ""),
            town=str(sender.get("street") or site_address.get("street_name") or ""),
        ),
        sender_name=str(contact.get("name") or ""),
        sender_phone=str(contact.get("mobile") or ""),
        raw=account,
    )


def issue(gateway: Gateway, request: WaybillRequest) -> WaybillResult:
    body = _order_body(request)
    precreated = gateway.call(f"{BASE}/order/precreate", body)
    # precreate hands out the id that makes create idempotent: a retried create returns the same waybill
    created = gateway.call(f"{BASE}/order/create", {**body, "ewaybill_order_id": precreated["ewaybill_order_id"]})
    return WaybillResult(
        order_nos=request.order_nos,
        carrier_code=request.account.carrier_code,
        waybill_no=str(created["waybill_id"]),
        print_data=created.get("print_info") or "",
        platform_waybill_id=str(created["ewaybill_order_id"]),
    )


def cancel(gateway: Gateway, carrier_code: str, waybill_no: str) -> None:
    gateway.call(f"{BASE}/order/cancel", {"delivery_id": carrier_code, "waybill_id": waybill_no})


def _order_body(request: WaybillRequest) -> dict[str, Any]:
    account, receiver = request.account, request.receiver
    sender = account.sender_address
    body: dict[str, Any] = {
        "delivery_id": account.carrier_code,
        "site_code": account.branch_code,
        "ewaybill_acct_id": account.account_id,
        "sender": {
            "name": request.sender_name or account.sender_name,
            "mobile": request.sender_phone or account.sender_phone,
            "province": sender.province,
            "city": sender.city,
            "county": sender.district,
            "street": sender.town,
            "address": sender.detail,
        },
        # masked text only: WeChat fills the real address in from ec_order_id on its side
        "receiver": {
            "name": receiver.name_masked,
            "mobile": receiver.phone_masked,
            "province": receiver.province,
            "city": receiver.city,
            "county": receiver.district,
            "street": receiver.town,
            "address": receiver.address_masked,
        },
        "ec_order_list": [
            {
                "ec_order_id": _order_id(no),
                "goods_list": [{"good_name": name, "good_count": count} for name, count in request.items],
            }
            for no in request.order_nos
        ],
    }
    if request.template_url:
        body["template_id"] = request.template_url
    return body


def _order_id(order_no: str) -> int | str:
    return int(order_no) if order_no.isdigit() else order_no  # WeChat order ids are uint64 numbers
