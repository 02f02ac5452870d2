"""Catalog and stock, carriers, OAuth token APIs, Cainiao waybills, OAID decryption and TMC."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from local.sandbox.taobao import cainiao, render
from local.sandbox.taobao.call import Call
from local.sandbox.taobao.datagen import CARRIERS
from local.sandbox.taobao.errors import invalid, remote
from local.sandbox.taobao.model import Grant, Item
from local.sandbox.taobao.store import Store


# ---------------------------------------------------------------- catalog and stock
def items_onsale(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.need("fields"))
    page_no, page_size = call.page(200)
    items = sorted(call.seller.items.values(), key=lambda i: (i.modified, i.num_iid), reverse=True)
    chosen = items[(page_no - 1) * page_size : page_no * page_size]
    return {"total_results": len(items), "items": render.wrap("item", [render.item(i, fields) for i in chosen])}


def item_skus(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.need("fields"))
    ids = [int(i) for i in call.need("num_iids").split(",") if i.strip()]
    if len(ids) > 40:
        raise invalid("num_iids", "num_iids最多40个")
    items = [call.seller.items[i] for i in ids if i in call.seller.items]
    return {"skus": render.wrap("sku", [render.sku(s, fields) for item in items for s in item.skus])}


def quantity_update(call: Call) -> dict[str, Any]:
    item = _item(call, call.number("num_iid"))
    quantity, kind = call.number("quantity"), call.number("type", 1, low=1, high=2)
    sku_id, outer_id = call.opt("sku_id"), call.opt("outer_id")
    sku = next(
        (
            s
            for s in item.skus
            if (sku_id and str(s.sku_id) == sku_id) or (not sku_id and outer_id and s.outer_id == outer_id)
        ),
        None,
    )
    if (sku_id or outer_id) and sku is None:
        raise remote("isv.sku-not-exist", f"商品{item.num_iid}下没有该SKU")
    target = sku or (item.skus[0] if len(item.skus) == 1 else None)
    if target is None:
        raise invalid("sku_id", "多SKU商品必须指定sku_id或outer_id")
    new = quantity if kind == 1 else target.quantity + quantity
    if new < 0:
        raise invalid("quantity", "库存不能小于0")
    target.quantity, target.modified = new, call.store.now()
    item.modified = target.modified
    return {
        "item": {
            "num_iid": item.num_iid,
            "num": item.num,
            "modified": render.when(item.modified),
            "skus": render.wrap(
                "sku",
                [{"sku_id": target.sku_id, "quantity": target.quantity, "modified": render.when(target.modified)}],
            ),
        }
    }


def _item(call: Call, num_iid: int) -> Item:
    if num_iid not in call.seller.items:
        raise remote("isv.item-not-exist", f"商品{num_iid}不存在")
    return call.seller.items[num_iid]


def logistics_companies(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.opt("fields") or "id,code,name,reg_mail_no")
    rows = [
        {"id": 100 + n, "code": code, "name": name, "reg_mail_no": reg} for n, (code, name, reg) in enumerate(CARRIERS)
    ]
    return {"logistics_companies": render.wrap("logistics_company", [render.pick(r, fields) for r in rows])}


# ---------------------------------------------------------------- OAuth through the gateway
def token_create(call: Call) -> dict[str, Any]:
    seller_id = call.store.codes.pop(call.need("code"), None)
    if seller_id is None:
        raise remote("isv.code-invalid", "授权码无效或已使用")
    return {"token_result": token_json(call.store, call.store.issue_grant(seller_id))}


def token_refresh(call: Call) -> dict[str, Any]:
    grant = call.store.refresh_grants.get(call.need("refresh_token"))
    if grant is None:
        raise remote("isv.refresh-token-invalid", "refresh_token无效")
    if grant.refresh_expires_at <= call.store.now():
        raise remote("isv.refresh-token-expired", "refresh_token已过期")
    call.store.refresh_grants.pop(grant.refresh_token)
    return {"token_result": token_json(call.store, call.store.issue_grant(grant.seller_id))}


def token_json(store: Store, grant: Grant) -> str:
    now = store.now()
    seller = store.sellers[grant.seller_id]
    expires_in = int((grant.expires_at - now).total_seconds())
    re_expires_in = int((grant.refresh_expires_at - now).total_seconds())
    return json.dumps(
        {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "expire_time": int(grant.expires_at.timestamp() * 1000),
            "refresh_token": grant.refresh_token,
            "re_expires_in": re_expires_in,
            "refresh_token_valid_time": int(grant.refresh_expires_at.timestamp() * 1000),
            "r1_expires_in": expires_in,
            "r2_expires_in": 86400,
            "w1_expires_in": expires_in,
            "w2_expires_in": 86400,
            "taobao_user_id": grant.seller_id,
            "taobao_user_nick": quote(seller.nick),
            "taobao_open_uid": "AAG" + grant.seller_id,
            "sub_taobao_user_id": "",
            "sub_taobao_user_nick": "",
        },
        ensure_ascii=False,
    )


# ---------------------------------------------------------------- Cainiao and OAID
def waybill_search(call: Call) -> dict[str, Any]:
    return cainiao.subscriptions(call.seller)


def waybill_get(call: Call) -> dict[str, Any]:
    raw = call.need("param_waybill_cloud_print_apply_new_request")
    modules = cainiao.issue(call.store, call.seller, raw)
    return {"modules": render.wrap("waybill_cloud_print_response", modules)}


def waybill_cancel(call: Call) -> dict[str, Any]:
    cainiao.cancel(call.seller, call.need("cp_code"), call.need("waybill_code"))
    return {"cancel_result": True}


def oaid_decrypt(call: Call) -> dict[str, Any]:
    try:
        queries = json.loads(call.need("query_list"))
    except ValueError as exc:
        raise invalid("query_list", "不是合法的JSON") from exc
    if not isinstance(queries, list) or not 1 <= len(queries) <= 20:
        raise invalid("query_list", "一次最多解密20个")
    receivers = []
    for query in queries:
        person = call.store.receiver_by_oaid(call.seller, str(query.get("oaid")), int(query.get("tid") or 0))
        if person is None:
            raise remote("isv.oaid-decrypt-failed", "oaid与订单不匹配")
        receivers.append(
            {
                "oaid": query["oaid"],
                "tid": str(query["tid"]),
                "name": person.name,
                "mobile": person.phone,
                "phone": "",
                "state": person.province,
                "city": person.city,
                "district": person.district,
                "town": person.town,
                "address_detail": person.detail,
                "matched": True,
                "privacy_protection": False,
            }
        )
    return {"receiver_list": render.wrap("receiver", receivers)}


# ---------------------------------------------------------------- TMC
def tmc_permit(call: Call) -> dict[str, Any]:
    call.store.tmc.permitted.add(call.seller.seller_id)
    return {"is_success": True}


def tmc_consume(call: Call) -> dict[str, Any]:
    quantity = call.number("quantity", 100, low=10, high=200)
    group = call.opt("group_name") or "default"
    batch = call.store.tmc.consume(group, quantity, call.store.now())
    return {"messages": render.wrap("tmc_message", [m.wire() for m in batch])}


def tmc_confirm(call: Call) -> dict[str, Any]:
    ids = [i.strip() for i in call.need("s_message_ids").split(",") if i.strip()]
    if len(ids) > 200 or not all(i.isdigit() for i in ids):
        raise invalid("s_message_ids", "最多200个数字id")
    call.store.tmc.confirm(call.opt("group_name") or "default", [int(i) for i in ids])
    return {"is_success": True}
