"""Records -> TOP's JSON: yuan strings, 'yyyy-MM-dd HH:mm:ss' times, masked receivers, the `fields`
filter, double-wrapped lists, and the simplify=true flattening."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from local.sandbox.core import mask_detail, mask_name, mask_phone
from local.sandbox.taobao.model import Item, Line, Refund, Sku, Trade
from local.sandbox.taobao.store import yuan

# fullinfo returns the OAID only when all of these are asked for (reference §1.7)
OAID_NEEDS = {"receiver_name", "receiver_address", "created", "receiver_mobile", "receiver_phone"}


def when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None


def wrap(name: str, rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {name: rows}


def pick(record: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k in fields and v is not None}


def fields_of(raw: str) -> set[str]:
    names = {f.strip() for f in raw.split(",") if f.strip()}
    return names | ({"orders"} if any(n.startswith("orders.") for n in names) else set())


def trade(record: Trade, fields: set[str]) -> dict[str, Any]:
    person = record.receiver
    full = {
        "tid": record.tid,
        "tid_str": str(record.tid),
        "status": record.status,
        "type": record.type,
        "created": when(record.created),
        "modified": when(record.modified),
        "pay_time": when(record.pay_time),
        "consign_time": when(record.consign_time),
        "end_time": when(record.end_time),
        "payment": yuan(record.payment),
        "post_fee": yuan(record.post_fee),
        "total_fee": yuan(record.total),
        "discount_fee": yuan(record.discount),
        "adjust_fee": "0.00",
        "coupon_fee": "0.00",
        "buyer_nick": record.buyer_nick,
        "buyer_open_uid": record.buyer_open_uid,
        "seller_nick": record.seller_nick,
        "buyer_message": record.buyer_message,
        "seller_memo": record.seller_memo,
        "seller_flag": record.seller_flag,
        "receiver_name": mask_name(person.name),
        "receiver_mobile": mask_phone(person.phone),
        "receiver_phone": "",
        "receiver_state": person.province,
        "receiver_city": person.city,
        "receiver_district": person.district,
        "receiver_town": person.town,
        "receiver_address": mask_detail(person.detail),
        "receiver_zip": "000000",
        "oaid": record.oaid if fields >= OAID_NEEDS else None,
        "orders": wrap("order", [line_json(line) for line in record.lines]),
    }
    return pick(full, fields | {"oaid"} if full["oaid"] else fields)


def line_json(line: Line) -> dict[str, Any]:
    full = {
        "oid": line.oid,
        "oid_str": str(line.oid),
        "status": line.status,
        "refund_status": line.refund_status,
        "refund_id": line.refund_id or None,
        "num_iid": line.num_iid,
        "sku_id": str(line.sku_id),
        "outer_iid": line.outer_iid,
        "outer_sku_id": line.outer_sku_id,
        "title": line.title,
        "sku_properties_name": line.sku_properties_name,
        "num": line.num,
        "price": yuan(line.price),
        "total_fee": yuan(line.payment),
        "payment": yuan(line.payment),
        "divide_order_fee": yuan(line.payment),
        "discount_fee": yuan(line.discount),
        "part_mjz_discount": yuan(line.discount),
        "adjust_fee": "0.00",
        "pic_path": f"https://img.alicdn.com/imgextra/i1/{line.num_iid}.jpg",
        "shipping_type": "express",
        "logistics_company": line.logistics_company or None,
        "invoice_no": line.invoice_no or None,
        "consign_time": when(line.consign_time),
    }
    return {k: v for k, v in full.items() if v is not None}


def refund(record: Refund, trade: Trade | None, fields: set[str]) -> dict[str, Any]:
    line = trade.line(record.oid) if trade else None
    full = {
        "refund_id": record.refund_id,
        "tid": record.tid,
        "oid": record.oid,
        "status": record.status,
        "dispute_type": record.dispute_type,
        "has_good_return": record.has_good_return,
        "good_status": record.good_status,
        "refund_fee": yuan(record.refund_fee),
        "reason": record.reason,
        "desc": record.desc,
        "created": when(record.created),
        "modified": when(record.modified),
        "refund_phase": record.refund_phase,
        "refund_version": record.refund_version,
        "company_name": record.company_name or None,
        "sid": record.sid or None,
        "title": line.title if line else None,
        "num": line.num if line else None,
        "num_iid": line.num_iid if line else None,
        "outer_id": line.outer_sku_id if line else None,
        "sku": f"{line.sku_id}|{line.sku_properties_name}" if line else None,
        "total_fee": yuan(line.total) if line else None,
        "payment": yuan(line.payment) if line else None,
        "buyer_nick": trade.buyer_nick if trade else None,
        "buyer_open_uid": trade.buyer_open_uid if trade else None,
        "order_status": line.status if line else None,
    }
    return pick(full, fields)


def item(record: Item, fields: set[str]) -> dict[str, Any]:
    full = {
        "num_iid": record.num_iid,
        "title": record.title,
        "price": yuan(record.price),
        "num": record.num,
        "approve_status": "onsale",
        "outer_id": record.outer_id,
        "modified": when(record.modified),
        "pic_url": record.pic_url,
        "has_showcase": False,
    }
    return pick(full, fields)


def sku(record: Sku, fields: set[str]) -> dict[str, Any]:
    full = {
        "sku_id": record.sku_id,
        "num_iid": record.num_iid,
        "properties_name": record.properties_name,
        "quantity": record.quantity,
        "price": yuan(record.price),
        "outer_id": record.outer_id,
        "modified": when(record.modified),
        "status": "normal",
    }
    return pick(full, fields)


def simplify(value: Any) -> Any:
    """simplify=true: lists lose their inner wrapper ({"trades": {"trade": [...]}} -> {"trades": [...]})."""
    if isinstance(value, dict):
        if len(value) == 1:
            (only,) = value.values()
            if isinstance(only, list):
                return [simplify(v) for v in only]
        return {k: simplify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [simplify(v) for v in value]
    return value
