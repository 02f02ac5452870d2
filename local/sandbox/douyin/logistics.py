"""Sandbox e-waybills (reference §1.6, §1.8): netsites, issuing numbers (idempotent per order and pack),
encrypted print data and cancelling."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import TYPE_CHECKING, Any

from local.sandbox.douyin.model import Shop, Waybill
from local.sandbox.douyin.orders import find_order, need
from local.sandbox.douyin.wire import bad_param

if TYPE_CHECKING:
    from local.sandbox.douyin.app import DouyinSandbox

TRACK_PREFIX = {"zhongtong": "78", "yuantong": "YT", "shentong": "77", "yunda": "43", "shunfeng": "SF"}
_track_seq = itertools.count(3_100_000_001)


def list_netsites(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    company = str(p.get("logistics_code") or "")
    sites = [n for n in shop.netsites if not company or n.company == company]
    return {
        "logistics_code": company,
        "company_type": sites[0].company_type if sites else 0,
        "netsites": [
            {
                "netsite_code": n.netsite_code,
                "netsite_name": n.netsite_name,
                "amount": str(n.amount),
                "sender_address": [n.sender],
                "allocated_quantity": -1,
                "cancelled_quantity": -1,
                "recycled_quantity": -1,
                "company": n.company,
                "company_type": n.company_type,
            }
            for n in sites
        ],
    }


def create_order(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    company = str(need(p, "logistics_code"))
    sites = [n for n in shop.netsites if n.company == company]
    if not sites:
        raise bad_param(f"未开通{company}电子面单")
    if not (p.get("sender_info") or {}).get("address"):
        raise bad_param("缺少寄件人地址")
    infos, errors = [], []
    for info in need(p, "order_infos"):
        order_id, pack_id = str(info.get("order_id", "")), str(info.get("pack_id") or "")
        problem = _receiver_problem(sb, shop, info)
        if problem:
            errors.append({"order_id": order_id, "pack_id": pack_id, "err_code": "100", "err_msg": problem})
            continue
        waybill = _issue(shop, sites[0], company, order_id, pack_id)
        infos.append(
            {
                "order_id": order_id,
                "pack_id": pack_id,
                "track_no": waybill.track_no,
                "sort_code": "571-A12",
                "package_center_code": "571",
                "package_center_name": "杭州转运中心",
                "short_address_code": "A12",
                "short_address_name": "余杭",
                "extra_resp": "",
                "sub_waybill_codes": "",
            }
        )
    return {"ebill_infos": infos, "err_infos": errors}


def _receiver_problem(sb: DouyinSandbox, shop: Shop, info: dict[str, Any]) -> str:
    order = shop.orders.get(str(info.get("order_id", "")))
    if order is None:
        return "订单不存在"
    contact = (info.get("receiver_info") or {}).get("contact") or {}
    if not contact.get("name") or not (contact.get("mobile") or contact.get("phone")):
        return "收件人信息不完整"
    for value in (contact.get("name"), contact.get("mobile")):
        known = sb.cipher.plain.get(str(value))
        if known is not None and known[0] != order.order_id:
            return "收件人密文与订单不匹配"
    return ""


def _issue(shop: Shop, site: Any, company: str, order_id: str, pack_id: str) -> Waybill:
    for waybill in shop.waybills.values():
        if (waybill.company, waybill.order_id, waybill.pack_id) == (
            company,
            order_id,
            pack_id,
        ) and not waybill.cancelled:
            return waybill  # same order and pack: the number already issued (retry-safe)
    track_no = f"{TRACK_PREFIX.get(company, 'DY')}{next(_track_seq)}"
    shop.waybills[track_no] = Waybill(track_no=track_no, company=company, order_id=order_id, pack_id=pack_id)
    if site.amount > 0:
        site.amount -= 1
    return shop.waybills[track_no]


def waybill_apply(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    infos, errors = [], []
    for apply in need(p, "waybill_applies"):
        track_no = str(apply.get("track_no", ""))
        waybill = shop.waybills.get(track_no)
        if waybill is None or waybill.cancelled or waybill.company != apply.get("logistics_code"):
            errors.append({"track_no": track_no, "err_code": "200", "err_msg": "运单号不存在或已取消"})
            continue
        order = find_order(shop, waybill.order_id)
        document = {
            "waybillCode": track_no,
            "cpCode": waybill.company,
            "orderId": waybill.order_id,
            "recipient": {
                "name": order.ciphers["name"],
                "mobile": order.ciphers["tel"],
                "address": order.ciphers["detail"],
            },
        }
        print_data = base64.b64encode(json.dumps(document, ensure_ascii=False).encode()).decode()
        sign = hashlib.md5((print_data + shop.app_secret).encode()).hexdigest()
        infos.append({"order_id": waybill.order_id, "track_no": track_no, "print_data": print_data, "sign": sign})
    return {"waybill_infos": infos, "err_infos": errors}


def cancel_order(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    waybill = shop.waybills.get(str(need(p, "track_no")))
    if waybill is None or waybill.company != str(need(p, "logistics_code")):
        raise bad_param("运单号不存在")
    waybill.cancelled = True  # cancelling twice answers success, as the first did
    return {"success": True}


HANDLERS = {
    "logistics.listShopNetsite": list_netsites,
    "logistics.newCreateOrder": create_order,
    "logistics.waybillApply": waybill_apply,
    "logistics.cancelOrder": cancel_order,
}
