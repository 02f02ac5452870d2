"""The xhs sandbox's parcel methods: afterSale.receiveAndShip (the exchange's old goods received and the new
ones sent, {returnsId, expressCompanyCode, expressNo}) and order.getOrderTracking ({orderId} ->
orderTrackInfos[{orderId, expressCompanyCode, expressNo, currentStatusDesc, records[{eventAt (ms), eventDesc,
trackingStatus}]}], one entry per parcel of the order, an exchange's new parcel included)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from local.sandbox.tracking import Tracks
from local.sandbox.xhs import store
from local.sandbox.xhs.actions import _settle, find_case
from local.sandbox.xhs.handlers import BAD_PARAM, NOT_ALLOWED, ApiError, find_order, need
from local.sandbox.xhs.store import Order, Shop
from local.sandbox.xhs.world import CARRIERS, XhsWorld

IN_TRANSIT, SIGNED = 6020, 7010   # trackingStatus: 6020 快递运输中 (doc); 7010 签收 [I]


def tracks(world: XhsWorld) -> Tracks:
    return world.tracks


def receive_and_ship(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    case = find_case(shop, p)
    code, number = str(need(p, "expressCompanyCode")), str(need(p, "expressNo"))
    if code not in CARRIERS:
        raise ApiError(BAD_PARAM, "快递公司编码不存在")
    if case.return_type != store.EXCHANGE or case.status not in (store.AWAIT_RECEIPT, store.AWAIT_RESHIP):
        raise ApiError(NOT_ALLOWED, "售后单当前状态不允许收货并发货")
    case.reship_express = {"expressCompanyCode": code, "expressNo": number}
    tracks(world).ensure(number, CARRIERS[code], world.clock().replace(microsecond=0))
    _settle(world, shop, case, store.DONE)
    return ""


def order_tracking(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = find_order(shop, p)
    parcels = [(pkg["expressCompanyCode"], pkg["expressTrackingNo"]) for pkg in order.packages]
    parcels += [(c.reship_express["expressCompanyCode"], c.reship_express["expressNo"])
                for c in shop.cases.values() if c.order_id == order.order_id and c.reship_express]
    return {"orderTrackInfos": [_info(world, order, code, number) for code, number in parcels]}


def _info(world: XhsWorld, order: Order, code: str, number: str) -> dict[str, Any]:
    track = tracks(world).ensure(number, CARRIERS.get(code, code), _shipped_at(order))
    delivered = track.state == "delivered"
    return {"orderId": order.order_id, "expressCompanyCode": code, "expressCompanyName": CARRIERS.get(code, code),
            "expressNo": number, "currentStatusDesc": "已签收" if delivered else "运输中",
            "records": [{"eventAt": str(int(at.timestamp() * 1000)), "eventDesc": text, "nodeId": 35,
                         "trackingStatus": SIGNED if "签收" in text else IN_TRANSIT}
                        for at, text in reversed(track.events)]}   # newest first, as the app shows it


def _shipped_at(order: Order) -> datetime:
    from local.sandbox.core import SHANGHAI
    return datetime.fromtimestamp((order.delivery_ms or 0) / 1000, SHANGHAI).replace(microsecond=0)


def advance(world: XhsWorld, shop: Shop, waybill: str, to: str) -> str:
    known = {pkg["expressTrackingNo"] for o in shop.orders.values() for pkg in o.packages}
    known |= {c.reship_express.get("expressNo") for c in shop.cases.values() if c.reship_express}
    if waybill not in known:
        raise KeyError(f"no parcel {waybill} shipped by {shop.seller_id}")
    for order in shop.orders.values():
        for pkg in order.packages:
            if pkg["expressTrackingNo"] == waybill:
                tracks(world).ensure(waybill, CARRIERS.get(pkg["expressCompanyCode"], ""), _shipped_at(order))
    return tracks(world).advance(waybill, world.clock().replace(microsecond=0), to).state
