"""Goods, stock, logistics companies and electronic waybills."""

from __future__ import annotations

import hashlib
import json
from base64 import b64encode
from typing import Any

from local.sandbox.core import SandboxResponse
from local.sandbox.pdd import render
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.gen import COMPANIES, RETIRED_COMPANY_IDS
from local.sandbox.pdd.model import Mall, Waybill
from local.sandbox.pdd.wire import GatewayError, business_refusal, int_param, json_param, ok

MAX_PACKAGES = 10


def goods_list(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    page, size = int_param(params, "page", 1), int_param(params, "page_size", 100)
    if page < 1 or not 1 <= size <= 100:
        raise GatewayError(21001, "业务参数错误", "page>=1, 1<=page_size<=100")
    on_sale, name, outer_id = (
        params.get("is_onsale", ""),
        params.get("goods_name", ""),
        params.get("outer_id", ""),
    )
    rows = [
        g
        for _, g in sorted(ctx.mall.goods.items())
        if (not on_sale or str(g.is_onsale) == on_sale)
        and name in g.goods_name
        and (not outer_id or any(s.outer_id == outer_id for s in g.skus.values()))
    ]
    return ok(
        "goods_list_get_response",
        {
            "total_count": len(rows),
            "goods_list": [render.goods(g) for g in rows[(page - 1) * size : page * size]],
        },
    )


def quantity_update(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    goods = ctx.mall.goods.get(int_param(params, "goods_id"))
    if goods is None:
        raise business_refusal("商品不存在")
    quantity, mode = int_param(params, "quantity"), int_param(params, "update_type", 1)
    sku_id, outer_id = params.get("sku_id", ""), params.get("outer_id", "")
    skus = [
        s for s in goods.skus.values() if str(s.sku_id) == sku_id or (not sku_id and s.outer_id == outer_id)
    ]
    if not skus or not (sku_id or outer_id):
        raise business_refusal("sku不存在")
    target = quantity if mode == 1 else skus[0].quantity + quantity
    if mode not in (1, 2) or target < 0:
        raise GatewayError(21001, "业务参数错误", "库存不能小于0，update_type取1或2")
    skus[0].quantity = target
    return ok("goods_quantity_update_response", {"is_success": True})


def companies(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    return ok(
        "logistics_companies_get_response",
        {
            "logistics_companies": [
                {
                    "id": cid,
                    "code": code,
                    "logistics_company": name,
                    "available": 0 if cid in RETIRED_COMPANY_IDS else 1,
                }
                for cid, code, name in COMPANIES
            ]
        },
    )


def waybill_search(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    wp_code = params.get("wp_code", "")
    cols = [s for s in ctx.mall.subscriptions if not wp_code or s["wp_code"] == wp_code]
    return ok("pdd_waybill_search_response", {"waybill_apply_subscription_cols": cols})


def waybill_get(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    apply = json_param(params, "param_waybill_cloud_print_apply_new_request")
    branch = _branch(ctx.mall, str(apply.get("wp_code") or ""))
    _require(apply.get("sender"), ("name", "mobile", "address"), "sender")
    packages = apply.get("trade_order_info_dtos") or []
    if not isinstance(packages, list) or not 1 <= len(packages) <= MAX_PACKAGES:
        raise GatewayError(21001, "业务参数错误", "trade_order_info_dtos需要1到10个")
    modules = [_issue(ctx, str(apply["wp_code"]), branch, package) for package in packages]
    return ok("pdd_waybill_get_response", {"modules": modules})


def _branch(mall: Mall, wp_code: str) -> dict[str, Any]:
    for subscription in mall.subscriptions:
        if subscription["wp_code"] == wp_code:
            branch: dict[str, Any] = subscription["branch_account_cols"][0]
            return branch
    raise business_refusal(f"未订购{wp_code or '该'}快递的电子面单服务")


def _require(section: Any, keys: tuple[str, ...], label: str) -> None:
    if not isinstance(section, dict) or any(not section.get(k) for k in keys):
        raise GatewayError(21002, "业务参数为空", f"{label}需要{'/'.join(keys)}")


def _issue(ctx: Ctx, wp_code: str, branch: dict[str, Any], package: dict[str, Any]) -> dict[str, Any]:
    object_id = str(package.get("object_id") or "")
    _require(
        package, ("object_id", "order_info", "package_info", "recipient", "template_url"), "trade_order_info"
    )
    _check_recipient(ctx, package["recipient"])
    _check_channel(package)
    for waybill in ctx.mall.waybills.values():  # the same object_id gets the same number back
        if waybill.object_id == object_id and waybill.wp_code == wp_code and not waybill.cancelled:
            return _module(waybill)
    if branch["quantity"] <= 0:
        raise business_refusal("电子面单余额不足")
    code = f"{wp_code[:2]}{ctx.rng.randrange(10**13):013d}"
    order_sns = tuple(str(sn) for sn in (package["order_info"].get("trade_order_list") or [object_id]))
    print_data = json.dumps(
        {
            "encryptedData": b64encode(
                json.dumps(
                    {"waybillCode": code, "recipient": package["recipient"]}, ensure_ascii=False
                ).encode()
            ).decode(),
            "signature": hashlib.md5(f"{code}{object_id}".encode()).hexdigest(),
            "templateUrl": package["template_url"],
            "ver": "3",
        },
        ensure_ascii=False,
    )
    waybill = Waybill(
        code=code, wp_code=wp_code, object_id=object_id, order_sns=order_sns, print_data=print_data
    )
    ctx.mall.waybills[code] = waybill
    branch["quantity"] -= 1
    branch["allocated_quantity"] += 1
    return _module(waybill)


def _check_recipient(ctx: Ctx, recipient: Any) -> None:
    _require(recipient, ("name", "mobile", "address"), "recipient")
    wrapped = [recipient["name"], recipient["mobile"], recipient["address"].get("detail", "")]
    for value in wrapped:
        if (
            str(value)[:1] in "~$#"
            and len(str(value)) > 2
            and ctx.sandbox.ciphers.open(ctx.mall.mall_id, value) is None
        ):
            raise business_refusal("收件人密文解密失败")


def _check_channel(package: dict[str, Any]) -> None:
    """A PDD order's receiver travels as PDD's ciphertext (its plaintext is refused); an order of another
    channel (OTHERS, TB, JD...) comes in plaintext, which PDD cannot check against an order of its own."""
    channel = str(package["order_info"].get("order_channels_type") or "")
    if not channel:
        raise GatewayError(21002, "业务参数为空", "order_info需要order_channels_type")
    recipient = package["recipient"]
    wrapped = [recipient["name"], recipient["mobile"], recipient["address"].get("detail", "")]
    ciphered = [str(v)[:1] in "~$#" and len(str(v)) > 2 for v in wrapped]
    if channel == "PDD" and not all(ciphered):
        raise business_refusal("拼多多订单的收件人须传密文")
    if channel != "PDD" and any(ciphered):
        raise business_refusal("非拼多多订单的收件人须传明文")


def _module(waybill: Waybill) -> dict[str, Any]:
    return {
        "object_id": waybill.object_id,
        "waybill_code": waybill.code,
        "parent_waybill_code": "",
        "print_data": waybill.print_data,
    }


def waybill_cancel(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    waybill = ctx.mall.waybills.get(params.get("waybill_code", ""))
    if waybill is None or waybill.wp_code != params.get("wp_code"):
        raise business_refusal("面单不存在")
    if not waybill.cancelled:
        waybill.cancelled = True
        branch = _branch(ctx.mall, waybill.wp_code)
        branch["cancel_quantity"] += 1
        branch["quantity"] += 1
    return ok("pdd_waybill_cancel_response", {"cancel_result": True})
