"""Products, stock, the seller's address book and e-waybill handlers of the sandbox."""

from __future__ import annotations

import base64
import json

from local.sandbox.core import mask_detail, mask_name, mask_phone
from local.sandbox.wechat.api import CARRIER_NAMES, ApiError, Ctx, _int, bad_args

PRODUCT_PAGE_MAX = 30
ON_SALE = 5
DIFF_ADD, DIFF_REDUCE, DIFF_SET = 1, 2, 3


def _product_ids(ctx: Ctx) -> list[str]:
    return list(dict.fromkeys(sku.product_id for sku in ctx.shop.skus))


def product_list(ctx: Ctx, body: dict) -> dict:
    size = _int(body, "page_size")
    if not 1 <= size <= PRODUCT_PAGE_MAX:
        raise bad_args("page_size must be 1..30")
    ids = _product_ids(ctx)
    offset = int(body.get("next_key") or 0) if str(body.get("next_key") or "0").isdigit() else -1
    if offset < 0:
        raise bad_args("next_key")
    page = ids[offset : offset + size]
    # product ids are uint64 numbers on the wire (reference §2.3)
    return {"product_ids": [int(i) for i in page], "next_key": str(offset + len(page)), "total_num": len(ids)}


def product_get(ctx: Ctx, body: dict) -> dict:
    product_id = str(body.get("product_id", ""))
    skus = [sku for sku in ctx.shop.skus if sku.product_id == product_id]
    if not skus:
        raise ApiError(10020052, "product not exist")
    return {
        "product": {
            "product_id": product_id,
            "out_product_id": f"OUT-{product_id}",
            "title": skus[0].title,
            "status": ON_SALE,
            "skus": [
                {
                    "sku_id": sku.sku_id,
                    "out_sku_id": sku.merchant_code,
                    "sku_code": sku.merchant_code,
                    "sale_price": sku.price_fen,
                    "stock_num": ctx.shop.stock[sku.sku_id],
                    "thumb_img": f"https://mmecimage.cn/p/{sku.sku_id}.jpg",
                    "sku_attrs": [{"attr_key": "规格", "attr_value": sku.sku_name}],
                }
                for sku in skus
            ],
        }
    }


def stock_update(ctx: Ctx, body: dict) -> dict:
    product_id, sku_id = str(body.get("product_id", "")), str(body.get("sku_id", ""))
    diff_type, num = _int(body, "diff_type"), _int(body, "num")
    if not any(s.sku_id == sku_id and s.product_id == product_id for s in ctx.shop.skus) or num < 0:
        raise ApiError(10020054, "product_id and sku_id do not match, or bad num")
    current = ctx.shop.stock[sku_id]
    updated = {DIFF_ADD: current + num, DIFF_REDUCE: current - num, DIFF_SET: num}.get(diff_type, -1)
    if updated < 0 or (diff_type != DIFF_SET and num == 0):
        raise ApiError(10020054, "stock update invalid")
    ctx.shop.stock[sku_id] = updated
    return {}


def stock_get(ctx: Ctx, body: dict) -> dict:
    sku_id = str(body.get("sku_id", ""))
    if sku_id not in ctx.shop.stock:
        raise ApiError(10020054, "sku not exist")
    return {"data": {"normal_stock_num": ctx.shop.stock[sku_id], "total_stock_num": ctx.shop.stock[sku_id]}}


# ------------------------------------------------------------------ e-waybills
def account_get(ctx: Ctx, body: dict) -> dict:
    wanted = body.get("delivery_id")
    accounts = [a for a in ctx.shop.accounts if not wanted or a["delivery_id"] == wanted]
    return {"account_list": accounts, "total_num": len(accounts)}


def delivery_get(ctx: Ctx, body: dict) -> dict:
    ids = dict.fromkeys(a["delivery_id"] for a in ctx.shop.accounts)
    return {"list": [{"delivery_id": d, "delivery_name": CARRIER_NAMES[d]} for d in ids]}


def _account(ctx: Ctx, body: dict) -> dict:
    if body.get("delivery_id") not in CARRIER_NAMES:
        raise ApiError(606004, "invalid delivery_id")
    for account in ctx.shop.accounts:
        if account["acct_id"] == str(body.get("ewaybill_acct_id")) and account["delivery_id"] == body["delivery_id"]:
            return account
    raise bad_args("ewaybill_acct_id")


def precreate(ctx: Ctx, body: dict) -> dict:
    _account(ctx, body)
    orders = body.get("ec_order_list") or []
    if not orders:
        raise bad_args("ec_order_list")
    for entry in orders:
        if str(entry.get("ec_order_id")) not in ctx.shop.orders:
            raise ApiError(100002, "order not exist")
    ewaybill_order_id = str(ctx.next_id())
    ctx.shop.ewaybills[ewaybill_order_id] = {"status": "precreated", "body": body}
    return {"ewaybill_order_id": ewaybill_order_id}


def create(ctx: Ctx, body: dict) -> dict:
    record = ctx.shop.ewaybills.get(str(body.get("ewaybill_order_id", "")))
    if record is None:
        raise bad_args("ewaybill_order_id: call order/precreate first")
    if record["status"] == "precreated":
        account = _account(ctx, body)
        if account["available"] <= 0:
            raise ApiError(9300531, "ewaybill balance not enough")  # [I]
        account["available"] -= 1
        account["allocated"] += 1
        order_ids = tuple(str(e["ec_order_id"]) for e in body["ec_order_list"])
        waybill_id = f"{body['delivery_id']}{ctx.next_id():012d}"
        record.update(
            status="created",
            waybill_id=waybill_id,
            delivery_id=body["delivery_id"],
            order_ids=order_ids,
            acct_id=account["acct_id"],
            print_info=_print_info(ctx, waybill_id, body, order_ids[0]),
        )
    return {
        "ewaybill_order_id": body["ewaybill_order_id"],
        "waybill_id": record["waybill_id"],
        "delivery_error_msg": "",
        "print_info": record["print_info"],
    }


def _print_info(ctx: Ctx, waybill_id: str, body: dict, order_id: str) -> str:
    person = ctx.shop.orders[order_id].person
    # an opaque blob for the print component; the receiver inside stays masked
    blob = {
        "waybill_id": waybill_id,
        "delivery_id": body["delivery_id"],
        "sender": body.get("sender") or {},
        "receiver": {
            "name": mask_name(person.name),
            "mobile": mask_phone(person.phone),
            "province": person.province,
            "city": person.city,
            "county": person.district,
            "address": mask_detail(person.detail),
        },
        "template_id": body.get("template_id", ""),
    }
    return base64.b64encode(json.dumps(blob, ensure_ascii=False).encode()).decode()


def _issued(ctx: Ctx, body: dict) -> dict:
    by_id = ctx.shop.ewaybills.get(str(body.get("ewaybill_order_id", "")))
    if by_id and by_id["status"] != "precreated":
        return by_id
    for record in ctx.shop.ewaybills.values():
        if record.get("waybill_id") == body.get("waybill_id") and body.get("waybill_id"):
            return record
    raise ApiError(606005, "invalid waybill_id")


def cancel(ctx: Ctx, body: dict) -> dict:
    record = _issued(ctx, body)
    if record["status"] == "created":
        record["status"] = "cancelled"
        account = next(a for a in ctx.shop.accounts if a["acct_id"] == record["acct_id"])
        account["available"] += 1
        account["cancel"] += 1
    return {}


def print_get(ctx: Ctx, body: dict) -> dict:
    record = _issued(ctx, body)
    if record["status"] == "cancelled":
        raise ApiError(606005, "waybill cancelled")
    return {"print_info": record["print_info"]}


# ------------------------------------------------------------------ the seller's address book
def address_add(ctx: Ctx, body: dict) -> dict:
    detail = body.get("address_detail")
    if not isinstance(detail, dict) or not isinstance(detail.get("address_info"), dict):
        raise bad_args("address_detail.address_info")
    address_id = str(ctx.next_id())
    ctx.shop.addresses[address_id] = {
        **detail,
        "address_id": address_id,
        "create_time": ctx.now,
        "update_time": ctx.now,
    }
    return {"address_id": address_id}


def address_list(ctx: Ctx, body: dict) -> dict:
    offset, limit = int(body.get("offset") or 0), int(body.get("limit") or 10)
    ids = list(ctx.shop.addresses)
    return {"address_id_list": ids[offset : offset + limit], "total_num": len(ids)}


def address_get(ctx: Ctx, body: dict) -> dict:
    detail = ctx.shop.addresses.get(str(body.get("address_id", "")))
    if detail is None:
        raise bad_args("address_id")
    return {"address_detail": detail}
