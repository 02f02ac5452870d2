"""Sandbox handlers for orders, shipping, remarks, decryption, products and stock (reference §1.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from local.sandbox.douyin.data import CARRIER_LIST
from local.sandbox.douyin.model import Order, Shop
from local.sandbox.douyin.render import order_payload
from local.sandbox.douyin.wire import ApiError, bad_param, business

if TYPE_CHECKING:
    from local.sandbox.douyin.app import DouyinSandbox

SHIPPABLE = (105, 2, 101)   # paid, 备货中, partly shipped
REMARK_MAX = 60
DECRYPT_MAX = 50


def need(params: dict[str, Any], key: str) -> Any:
    value = params.get(key)
    if value is None or value == "":
        raise ApiError(40002, "isv.missing-parameter", f"缺少必选业务参数{key}")
    return value


def number(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_param(f"{key}格式错误") from None


def find_order(shop: Shop, order_id: Any) -> Order:
    order = shop.orders.get(str(order_id))
    if order is None:
        raise bad_param("订单不存在")
    return order


# ---------------------------------------------------------------- order.*
def search_list(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    page, size = number(p, "page", 0), number(p, "size", 10)
    if page < 0 or not 1 <= size <= 100:
        raise bad_param("page从0开始，size取值1-100")
    sb.maybe_shift(shop)
    first, last = number(p, "update_time_start", 0), number(p, "update_time_end", sb.now_ts())
    ascending = str(p.get("order_asc", "false")).lower() in ("true", "1")
    wanted = {str(c.get("order_status")) for c in p.get("combine_status") or () if c.get("order_status")}
    if wanted:
        ids, _ = shop.order_index.page(first, last, 0, 1 << 30, descending=not ascending)
        ids = [i for i in ids if str(shop.orders[i].status) in wanted]
        ids, total = ids[page * size : (page + 1) * size], len(ids)
    else:
        ids, total = shop.order_index.page(first, last, page, size, descending=not ascending)
    return {
        "page": page,
        "size": size,
        "total": total,
        "shop_order_list": [order_payload(shop.orders[i], shop) for i in ids],
    }


def order_detail(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    return {"shop_order_detail": order_payload(find_order(shop, need(p, "shop_order_id")), shop)}


def logistics_add(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    order = find_order(shop, need(p, "order_id"))
    company, tracking_no = _carrier(need(p, "company_code")), str(need(p, "logistics_code"))
    if order.status not in SHIPPABLE:
        raise business("order-status-invalid", f"订单状态为{order.status}，不允许发货")
    refunding = [x for x in order.lines if x.after_sale_status == 6 and x.after_sale_type == 2]
    if refunding and str(p.get("is_refund_reject", "false")).lower() not in ("true", "1"):
        raise business("order-in-refund", "订单有未处理的退款申请，请处理后再发货")
    for line in refunding:
        sb.after_sales.refuse_for_shipment(shop, order, line.sku_order_id)
    pending = [x for x in order.lines if not x.shipped]
    sb.ship_lines(shop, order, company, tracking_no, pending)
    return {}


def logistics_add_single_pack(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    request_id = str(need(p, "request_id"))
    if request_id in shop.ship_requests:
        return {"pack_id": f"PK{request_id}"}
    sku_ids = [str(x) for x in need(p, "order_id_list")]
    parents = {shop.sku_order_parent.get(s) for s in sku_ids}
    if None in parents or len(parents) != 1:
        raise bad_param("子订单不存在或不属于同一订单")
    order = shop.orders[str(parents.pop())]
    lines = [x for x in order.lines if x.sku_order_id in sku_ids]
    if order.status not in SHIPPABLE or any(x.shipped for x in lines):
        raise business("order-status-invalid", "子订单已发货或订单状态不允许发货")
    sb.ship_lines(shop, order, _carrier(need(p, "company_code")), str(need(p, "logistics_code")), lines)
    shop.ship_requests.add(request_id)
    return {"pack_id": f"PK{request_id}"}


def _carrier(code: Any) -> str:
    if str(code) not in {c for c, _ in CARRIER_LIST}:
        raise bad_param(f"物流公司编码{code}无效")
    return str(code)


def add_remark(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    order = find_order(shop, need(p, "order_id"))
    remark = str(p.get("remark", ""))
    if len(remark) > REMARK_MAX:
        raise bad_param(f"备注不能超过{REMARK_MAX}个字")
    order.seller_words = remark
    if str(p.get("is_add_star", "false")).lower() == "true":
        star = number(p, "star", 0)
        if not 0 <= star <= 5:
            raise bad_param("star取值0-5")
        order.stars = star
    sb.touch(shop, order, tag="113", extra={"remark": remark})
    return {}


def batch_decrypt(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    infos = need(p, "cipher_infos")
    if len(infos) > DECRYPT_MAX:
        raise bad_param(f"cipher_infos最多{DECRYPT_MAX}个")
    return {"decrypt_infos": [_decrypt_one(sb, shop, info) for info in infos], "custom_err": {"err_code": 0}}


def _decrypt_one(sb: DouyinSandbox, shop: Shop, info: dict[str, Any]) -> dict[str, Any]:
    cipher, auth_id = str(info.get("cipher_text", "")), str(info.get("auth_id", ""))
    known = sb.cipher.plain.get(cipher)
    out: dict[str, Any] = {"auth_id": auth_id, "cipher_text": cipher, "decrypt_text": "", "err_no": 0, "err_msg": ""}
    if known is None or known[0] != auth_id or auth_id not in shop.orders:
        return {**out, "err_no": 300008, "err_msg": "密文与auth_id不匹配"}
    order = shop.orders[auth_id]
    if cipher.startswith("$") and order.receiver.virtual_phone:
        main, ext = order.receiver.virtual_phone.split("-")
        return {
            **out,
            "decrypt_text": f"{main}-{ext}",
            "data_type": 3,
            "is_virtual_tel": True,
            "phone_no_a": main,
            "phone_no_b": ext,
            "expire_time": sb.now_ts() + 30 * 86400,
        }
    data_type = {"#": 1, "~": 2, "$": 3}[cipher[0]]
    return {**out, "decrypt_text": known[1], "data_type": data_type, "is_virtual_tel": False}


def company_list(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    return [{"id": i + 1, "name": name, "code": code} for i, (code, name) in enumerate(CARRIER_LIST)]


# ---------------------------------------------------------------- product.* / sku.*
def product_list(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    page, size = number(p, "page", 1), number(p, "size", 10)
    if page < 1 or not 1 <= size <= 100 or page * size > 10000:
        raise bad_param("page从1开始，size取值1-100，page*size不超过10000")
    products: dict[str, str] = {}
    for sku in shop.skus.values():
        products.setdefault(sku.product_id, sku.product_name)
    rows = [
        {
            "product_id": int(pid),
            "name": name,
            "status": 0,
            "check_status": 3,
            "product_type": 0,
            "img": f"https://p3-aio.ecombdimg.com/obj/sandbox/{pid}.jpg",
            "create_time": 1_690_000_000,
            "update_time": 1_700_000_000,
        }
        for pid, name in sorted(products.items())
    ]
    return {"data": rows[(page - 1) * size : page * size], "total": len(rows), "page": page, "size": size}


def sku_list(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    product_id = str(need(p, "product_id"))
    skus = [s for s in shop.skus.values() if s.product_id == product_id]
    if not skus:
        raise bad_param("商品不存在")
    return [
        {
            "id": int(s.sku_id),
            "product_id": int(s.product_id),
            "code": s.code,
            "out_sku_id": 0,
            "spec_detail_name1": s.spec,
            "spec_detail_name2": "",
            "spec_detail_name3": "",
            "price": s.price,
            "stock_num": s.stock,
            "sku_type": 0,
        }
        for s in skus
    ]


def sync_stock(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    sku_id, code = str(p.get("sku_id") or ""), str(p.get("code") or "")
    sku = shop.skus.get(sku_id) or next((s for s in shop.skus.values() if code and s.code == code), None)
    if sku is None:
        raise bad_param("sku不存在")
    if p.get("product_id") and str(p["product_id"]) != sku.product_id:
        raise bad_param("sku与商品不匹配")
    quantity = number(p, "stock_num", -1)
    if str(p.get("incremental", "false")).lower() in ("true", "1"):
        key = str(need(p, "idempotent_id"))
        if key not in shop.stock_requests:
            shop.stock_requests.add(key)
            sku.stock = max(0, sku.stock + quantity)
    elif quantity < 0:
        raise bad_param("stock_num不能小于0")
    else:
        sku.stock = quantity
    return {}


HANDLERS = {
    "order.searchList": search_list,
    "order.orderDetail": order_detail,
    "order.logisticsAdd": logistics_add,
    "order.logisticsAddSinglePack": logistics_add_single_pack,
    "order.addOrderRemark": add_remark,
    "order.batchDecrypt": batch_decrypt,
    "order.logisticsCompanyList": company_list,
    "product.listV2": product_list,
    "sku.list": sku_list,
    "sku.syncStock": sync_stock,
}
