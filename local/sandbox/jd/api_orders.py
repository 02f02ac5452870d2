"""Sandbox handlers: order search/get, shipment, seller remark, SKUs, stock, carriers."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from local.sandbox.core import SandboxResponse
from local.sandbox.jd.model import CARRIERS, Order, Shop
from local.sandbox.jd.wire import (
    BAD_PARAM,
    BAD_STATE,
    NOT_FOUND,
    BusinessRefusal,
    api_result,
    parse_timestamp,
    success,
)

if TYPE_CHECKING:
    from local.sandbox.jd.app import JdSandbox

MAX_ORDER_PAGE = 100        # JOS answers empty pages past page 100
MAX_ORDER_PAGE_SIZE = 100
MAX_SPAN = timedelta(days=31)
SHIPPABLE = frozenset({"WAIT_SELLER_STOCK_OUT"})


def _int(params: dict[str, Any], name: str, default: int | None = None) -> int:
    value = params.get(name, default)
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise BusinessRefusal(BAD_PARAM, f"{name}参数错误") from exc


def _order(shop: Shop, order_id: Any) -> Order:
    order = shop.orders.get(str(order_id))
    if order is None:
        raise BusinessRefusal(NOT_FOUND, "订单不存在")
    return order


def _fields(order: Order, wanted: set[str]) -> dict[str, Any]:
    info = order.info()
    return {k: v for k, v in info.items() if k in wanted or k == "orderId"}


def _wanted(params: dict[str, Any]) -> set[str]:
    fields = str(params.get("optional_fields") or "")
    if not fields:
        raise BusinessRefusal(BAD_PARAM, "optional_fields不能为空")
    return {f.strip() for f in fields.split(",")}


def en_search(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    try:
        try:
            start = parse_timestamp(str(params["start_date"]))
            end = parse_timestamp(str(params["end_date"]))
        except (KeyError, ValueError) as exc:
            raise BusinessRefusal(BAD_PARAM, "start_date/end_date格式错误") from exc
        if end - start > MAX_SPAN:
            raise BusinessRefusal(BAD_PARAM, "查询时间跨度不能超过一个月")
        page, size = _int(params, "page", 1), _int(params, "page_size", 10)
        if page < 1 or not 1 <= size <= MAX_ORDER_PAGE_SIZE:
            raise BusinessRefusal(BAD_PARAM, "page/page_size超出范围")
        states = {s for s in str(params.get("order_state") or "").split(",") if s}
        if not states:
            raise BusinessRefusal(BAD_PARAM, "order_state不能为空")
        wanted = _wanted(params)
    except BusinessRefusal as refusal:
        return success(method, {"searchorderinfo_result": {"apiResult": api_result(False, refusal.code,
                                                                                   refusal.message)}})
    sb.maybe_shift(shop)
    ids = _matching(shop, start, end, states, str(params.get("dateType", "0")))
    if str(params.get("sortType", "0")) == "1":
        ids.reverse()
    rows = ids[(page - 1) * size: page * size] if page <= MAX_ORDER_PAGE else []
    return success(method, {"searchorderinfo_result": {
        "apiResult": api_result(), "orderTotal": len(ids),
        "orderInfoList": [_fields(shop.orders[i], wanted) for i in rows]}})


def _matching(shop: Shop, start: Any, end: Any, states: set[str], date_type: str) -> list[str]:
    if date_type == "1":   # by created time: rare, a plain scan is fine
        hits = sorted((o.created, o.order_id) for o in shop.orders.values() if start <= o.created <= end)
        ids = [order_id for _, order_id in hits]
    else:
        ids = shop.window(start, end)
    return [i for i in ids if shop.orders[i].state in states]


def en_get(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    try:
        order = _order(shop, params.get("order_id"))
        info = _fields(order, _wanted(params))
    except BusinessRefusal as refusal:
        return success(method, {"orderDetailInfo": {"apiResult": api_result(False, refusal.code, refusal.message)}})
    return success(method, {"orderDetailInfo": {"apiResult": api_result(), "orderInfo": info}})


def shipment(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    def act() -> None:
        order = _order(shop, params.get("orderId"))
        carriers = str(params.get("logiCoprId") or "").split("|")
        if any(c not in {code for code, _ in CARRIERS} for c in carriers):
            raise BusinessRefusal(BAD_PARAM, "物流公司ID不正确")
        numbers = str(params.get("logiNo") or "").split("|")
        if len(numbers) != len(carriers) or not all(numbers):
            raise BusinessRefusal(BAD_PARAM, "运单号与物流公司不匹配")
        # whole orders only: one shipment per order; a second one (another parcel) is refused
        if order.state not in SHIPPABLE:
            raise BusinessRefusal(BAD_STATE, f"订单状态为{order.state}，不能出库")
        order.state, order.logistics_id = "WAIT_GOODS_RECEIVE_CONFIRM", "|".join(carriers)
        order.waybill = "|".join(numbers)
        for carrier, group in zip(carriers, numbers, strict=True):
            for number in group.split(","):
                sb.tracks.ensure(number, dict(CARRIERS)[carrier], sb.now())
        shop.touch(order, sb.now())
    return _flagged(method, "sopjosshipment_result", act)


def modify_vender_remark(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    def act() -> None:
        order = _order(shop, params.get("order_id"))
        flag, remark = _int(params, "flag", 0), str(params.get("remark") or "")
        if not 0 <= flag <= 5 or not remark or len(remark) > 500:
            raise BusinessRefusal(BAD_PARAM, "flag或remark不合法")
        order.vender_remark, order.flag = remark, flag
        shop.touch(order, sb.now())
    return _flagged(method, "modifyvenderremark_result", act)


def _flagged(method: str, container: str, act: Any) -> SandboxResponse:
    try:
        act()
    except BusinessRefusal as refusal:
        return success(method, {container: api_result(False, refusal.code, refusal.message) | {
            "success": False}})
    return success(method, {container: api_result()})


def search_sku_list(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    page, size = _int(params, "pageNo", 1), _int(params, "page_size", params.get("pageSize", 20))
    skus = sorted(shop.skus.values(), key=lambda s: s.sku.sku_id)
    rows = [{"skuId": int(s.sku.sku_id), "wareId": int(s.sku.product_id), "outerId": s.sku.merchant_code,
             "jdPrice": f"{s.sku.price_fen / 100:.2f}", "stockNum": s.stock, "status": s.status,
             "wareTitle": s.sku.title, "skuName": s.sku.sku_name, "logo": f"jfs/t1/{s.sku.sku_id}.jpg",
             "modified": "2026-01-01 00:00:00"} for s in skus[(page - 1) * size: page * size]]
    return success(method, {"page": {"data": rows, "pageNo": page, "pageSize": size, "totalItem": len(skus)}})


def update_sku_stock(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    sku = shop.skus.get(str(params.get("skuId")))
    stock = _int(params, "stockNum", -1)
    if sku is None:
        return success(method, {"success": False, "numberCode": NOT_FOUND, "msg": "sku不存在"})
    if stock < 0:
        return success(method, {"success": False, "numberCode": BAD_PARAM, "msg": "stockNum不能为负"})
    sku.stock = stock
    return success(method, {"success": True})


def delivery_companies(sb: JdSandbox, shop: Shop, method: str, params: dict[str, Any]) -> SandboxResponse:
    return success(method, {"delivery_list": [{"id": code, "name": name, "description": name}
                                              for code, name in CARRIERS]})
