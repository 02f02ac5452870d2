"""Cainiao e-waybills for a seller: subscriptions (ii.search), issuing (ii.get) and cancelling (ii.cancel)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from local.sandbox.core import FakePerson
from local.sandbox.taobao.errors import invalid, remote
from local.sandbox.taobao.model import Branch, Waybill
from local.sandbox.taobao.store import Seller, Store

MAX_ORDERS_PER_CALL = 10


def subscriptions(seller: Seller) -> dict[str, Any]:
    infos = []
    for cp_code in dict.fromkeys(b.cp_code for b in seller.branches):
        branches = [b for b in seller.branches if b.cp_code == cp_code]
        infos.append(
            {
                "cp_code": cp_code,
                "cp_type": branches[0].cp_type,
                "branch_account_cols": {"waybill_branch_account": [_branch(b) for b in branches]},
            }
        )
    return {"waybill_apply_subscription_cols": {"waybill_apply_subscription_info": infos}}


def _branch(branch: Branch) -> dict[str, Any]:
    a = branch.address
    return {
        "branch_code": branch.branch_code,
        "branch_name": branch.branch_name,
        "quantity": branch.quantity,
        "allocated_quantity": branch.allocated,
        "cancel_quantity": branch.cancelled,
        "print_quantity": 0,
        "branch_status": 0,
        "shipp_address_cols": {
            "address_dto": [
                {
                    "province": a.province,
                    "city": a.city,
                    "district": a.district,
                    "town": a.town,
                    "detail": a.detail,
                    "waybill_address_id": branch.address_id,
                }
            ]
        },
    }


def issue(store: Store, seller: Seller, raw: str) -> list[dict[str, Any]]:
    try:
        request = json.loads(raw)
    except ValueError as exc:
        raise invalid("param_waybill_cloud_print_apply_new_request", "不是合法的JSON") from exc
    branch = _branch_for(seller, str(request.get("cp_code") or ""), request.get("sender") or {})
    dtos = request.get("trade_order_info_dtos") or []
    if not 1 <= len(dtos) <= MAX_ORDERS_PER_CALL:
        raise invalid("trade_order_info_dtos", "一次取号1到10个订单")
    return [_module(store, seller, branch, dto, bool(request.get("need_encrypt"))) for dto in dtos]


def _branch_for(seller: Seller, cp_code: str, sender: dict[str, Any]) -> Branch:
    subscribed = [b for b in seller.branches if b.cp_code == cp_code]
    if not subscribed:
        raise remote("isv.waybill-cp-not-subscribed", f"未开通{cp_code}的电子面单服务")
    address = sender.get("address") or {}
    for branch in subscribed:
        a = branch.address
        if (address.get("province"), address.get("city"), address.get("detail")) == (a.province, a.city, a.detail):
            return branch
    raise remote("isv.waybill-sender-address-mismatch", "发货地址与订购关系中的发货地址不一致")


def _module(store: Store, seller: Seller, branch: Branch, dto: dict[str, Any], encrypt: bool) -> dict[str, Any]:
    object_id = str(dto.get("object_id") or "")
    orders = tuple(str(t) for t in (dto.get("order_info") or {}).get("trade_order_list") or [])
    if not object_id or not orders:
        raise invalid("object_id", "object_id和trade_order_list必填")
    receiver = _recipient(store, seller, _for_channel(dto))
    existing = next(
        (
            w
            for w in seller.waybills.values()
            if not w.cancelled and (w.cp_code, w.object_id, w.order_nos) == (branch.cp_code, object_id, orders)
        ),
        None,
    )
    waybill = existing or _allocate(store, seller, branch, object_id, orders)
    template = str(dto.get("template_url") or "http://cloudprint.cainiao.com/template/standard/101")
    return {
        "object_id": object_id,
        "waybill_code": waybill.code,
        "cp_code": branch.cp_code,
        "real_cp_code": branch.cp_code,
        "parent_waybill_code": "",
        "print_data": _print_data(waybill, receiver, template, encrypt),
    }


# Taobao / Tmall orders are printed through their oaid (the receiver stays encrypted); an order of another
# channel (OTHERS, JD, PDD...) comes with its receiver in plaintext, never an oaid
OWN_CHANNELS = frozenset({"TB", "TM"})


def _for_channel(dto: dict[str, Any]) -> dict[str, Any]:
    recipient = dto.get("recipient") or {}
    channel = str((dto.get("order_info") or {}).get("order_channels_type") or "")
    if not channel:
        raise invalid("order_channels_type", "订单渠道必填")
    if channel in OWN_CHANNELS and not recipient.get("oaid"):
        raise remote("isv.waybill-oaid-required", "淘宝/天猫订单取号须传oaid和tid")
    if channel not in OWN_CHANNELS and recipient.get("oaid"):
        raise remote("isv.waybill-oaid-channel-mismatch", "oaid只能用于淘宝/天猫订单")
    return dict(recipient)


def _recipient(store: Store, seller: Seller, recipient: dict[str, Any]) -> FakePerson:
    if recipient.get("oaid"):
        tid = int(recipient.get("tid") or 0)
        person = store.receiver_by_oaid(seller, str(recipient["oaid"]), tid)
        if person is None:
            raise remote("isv.oaid-decrypt-failed", "oaid与订单不匹配，无法解密收件人")
        return person
    address = recipient.get("address") or {}
    if not (recipient.get("name") and (recipient.get("mobile") or recipient.get("phone")) and address.get("detail")):
        raise invalid("recipient", "收件人姓名、电话、地址必填（或传oaid+tid）")
    return FakePerson(
        name=str(recipient["name"]),
        phone=str(recipient.get("mobile") or recipient.get("phone")),
        province=str(address.get("province") or ""),
        city=str(address.get("city") or ""),
        district=str(address.get("district") or ""),
        town=str(address.get("town") or ""),
        detail=str(address["detail"]),
    )


def _allocate(store: Store, seller: Seller, branch: Branch, object_id: str, orders: tuple[str, ...]) -> Waybill:
    if branch.cp_type == 2 and branch.quantity <= 0:
        raise remote("isv.waybill-quantity-not-enough", f"{branch.branch_name}电子面单余额不足")
    if branch.cp_type == 2:
        branch.quantity -= 1
    branch.allocated += 1
    waybill = Waybill(
        code=store.new_waybill_no(branch.cp_code), cp_code=branch.cp_code, object_id=object_id, order_nos=orders
    )
    seller.waybills[waybill.code] = waybill
    return waybill


def _print_data(waybill: Waybill, receiver: FakePerson, template: str, encrypt: bool) -> str:
    data = {
        "waybillCode": waybill.code,
        "cpCode": waybill.cp_code,
        "recipient": {
            "name": receiver.name,
            "mobile": receiver.phone,
            "address": {
                "province": receiver.province,
                "city": receiver.city,
                "district": receiver.district,
                "town": receiver.town,
                "detail": receiver.detail,
            },
        },
    }
    if not encrypt:
        return json.dumps({"data": data, "templateURL": template}, ensure_ascii=False)
    plain = json.dumps(data, ensure_ascii=False).encode("utf-8")
    # stands in for Cainiao's ciphertext: opaque to us, only the print component reads it
    sealed = base64.b64encode(bytes(b ^ 0x5A for b in plain)).decode("ascii")
    return json.dumps(
        {
            "encryptedData": sealed,
            "signature": hashlib.md5(plain).hexdigest(),
            "templateURL": template,
            "ver": "waybill_print_secret_version_1",
        }
    )


def cancel(seller: Seller, cp_code: str, code: str) -> None:
    waybill = seller.waybills.get(code)
    if waybill is None or waybill.cp_code != cp_code:
        raise remote("isv.waybill-not-exist", f"面单号{code}不存在")
    if waybill.cancelled:
        return  # [I] cancelling twice is treated as done
    waybill.cancelled = True
    for branch in seller.branches:
        if branch.cp_code == cp_code:
            branch.cancelled += 1
            branch.quantity += 1 if branch.cp_type == 2 else 0
            return
