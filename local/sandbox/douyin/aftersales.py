"""Sandbox after-sales: buyer requests, the seller's afterSale.operate decisions, and the list/detail reads.

States (reference §1.6): 6 awaiting seller -> 7 awaiting buyer return -> 11 awaiting seller second approval
-> 12 success; refusals 27 (first) / 29 (second); reissue/exchange parcels -> 13 -> 14; buyer withdrawal 28.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from local.sandbox.douyin.model import AfterSale, Order, Shop
from local.sandbox.douyin.orders import find_order, need, number
from local.sandbox.douyin.render import after_sale_detail, after_sale_list_item
from local.sandbox.douyin.wire import ApiError, bad_param

if TYPE_CHECKING:
    from local.sandbox.douyin.app import DouyinSandbox

KINDS = {"refund_only": -1, "return_and_refund": 0, "exchange": 3, "reissue": 7, "0": 0, "1": 1, "2": 2, "3": 3, "7": 7}
ACTIVE = (6, 7, 8, 11, 13)
Step = tuple[int, Callable[[AfterSale, dict[str, Any]], str]]  # (new status, check -> error text or "")


def _no_check(case: AfterSale, item: dict[str, Any]) -> str:
    return ""


def _needs_address(case: AfterSale, item: dict[str, Any]) -> str:
    logistics = item.get("logistics") or {}
    if logistics.get("receiver_address_id") or logistics.get("after_sale_address_detail"):
        case.return_address = logistics.get("after_sale_address_detail") or {"id": logistics["receiver_address_id"]}
        return ""
    return "同意退货需要填写退货地址"


def _needs_parcel(case: AfterSale, item: dict[str, Any]) -> str:
    logistics = item.get("logistics") or {}
    if not (logistics.get("company_code") and logistics.get("logistics_code")):
        return "需要填写物流公司和运单号"
    case.reship_company, case.reship_tracking = str(logistics["company_code"]), str(logistics["logistics_code"])
    return ""


def _needs_reason(case: AfterSale, item: dict[str, Any]) -> str:
    if not item.get("reason") and not item.get("reject_reason_code"):
        return "拒绝售后需要填写拒绝原因"
    case.refuse_reason = str(item.get("reason") or item.get("reject_reason_code"))
    return ""


# (operation type, current status, after-sale type) -> step
TRANSITIONS: dict[tuple[int, int, int], Step] = {
    (201, 6, 1): (12, _no_check),
    (201, 6, 2): (12, _no_check),
    (202, 6, 1): (27, _needs_reason),
    (202, 6, 2): (27, _needs_reason),
    (101, 6, 0): (7, _needs_address),
    (101, 6, 3): (7, _needs_address),
    (102, 6, 0): (27, _needs_reason),
    (102, 6, 3): (27, _needs_reason),
    (111, 11, 0): (12, _no_check),
    (112, 11, 0): (29, _needs_reason),
    (301, 6, 7): (13, _needs_parcel),
    (302, 6, 7): (27, _needs_reason),
    (311, 11, 3): (13, _needs_parcel),
    (312, 11, 3): (29, _needs_reason),
}
PUSH_TAGS = {12: "206", 27: "204", 29: "205", 7: "202", 13: "211", 11: "203", 28: "207", 14: "207"}


class AfterSaleDesk:
    def __init__(self, sb: DouyinSandbox) -> None:
        self.sb = sb
        self._ids = itertools.count(7_290_000_000_000_000_000 + sb.seed * 1_000_000, 7)

    # ------------------------------------------------------------ the buyer's side (control surface)
    def request(self, shop: Shop, order_no: str, kind: str) -> str:
        order = find_order(shop, order_no)
        code = KINDS.get(kind)
        if code is None:
            raise ValueError(f"unknown after-sale kind {kind!r}")
        if order.status in (1, 4):
            raise ValueError(f"order {order_no} is unpaid or cancelled: no after-sale possible")
        line = next((x for x in order.lines if x.after_sale_status not in ACTIVE and x.refund_status != 3), None)
        if line is None:
            raise ValueError(f"order {order_no} has no line free for an after-sale")
        if code == -1:
            code = 1 if line.shipped else 2
        elif not line.shipped:
            self.sb.ship_lines(shop, order, "zhongtong", f"SBAUTO{line.sku_order_id[-8:]}", [line])
        now = self.sb.now_ts()
        case = AfterSale(
            aftersale_id=str(next(self._ids)),
            order_id=order.order_id,
            sku_order_id=line.sku_order_id,
            shop_id=shop.shop_id,
            type=code,
            status=6,
            refund_status=1 if code in (0, 1, 2) else 0,
            refund_amount=line.pay_amount if code in (0, 1, 2) else 0,
            num=line.item_num,
            apply_time=now,
            update_time=now,
            reason=self.sb.gen.rng.choice(("不想要了", "尺码不合适", "商品破损", "发错货")),
        )
        self._save(shop, order, case, "200")
        return case.aftersale_id

    def buyer_returns(self, shop: Shop, case_id: str, company: str, tracking_no: str) -> None:
        case = self._find(shop, case_id)
        if case.status != 7:
            raise ValueError(f"after-sale {case_id} is not awaiting the buyer's return (status {case.status})")
        case.status, case.got_pkg = 11, 1
        case.return_company, case.return_tracking = company, tracking_no
        self._save(shop, shop.orders[case.order_id], case, "203")

    def buyer_receives(self, shop: Shop, case_id: str) -> None:
        case = self._find(shop, case_id)
        if case.status != 13:
            raise ValueError(f"after-sale {case_id} has no parcel on its way (status {case.status})")
        case.status = 14
        self._save(shop, shop.orders[case.order_id], case, "207")

    def refuse_for_shipment(self, shop: Shop, order: Order, sku_order_id: str) -> None:
        """logisticsAdd with is_refund_reject=true refuses the pending refund-only request."""
        for case in shop.after_sales.values():
            if case.sku_order_id == sku_order_id and case.status == 6:
                case.status, case.refuse_reason = 27, "商家已发货"
                self._save(shop, order, case, "204")

    # ------------------------------------------------------------ gateway handlers
    def list(self, sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
        page, size = number(p, "page", 0), number(p, "size", 10)
        if page < 0 or not 1 <= size <= 100:
            raise bad_param("page从0开始，size取值1-100")
        first, last = number(p, "update_start_time", 0), number(p, "update_end_time", sb.now_ts())
        ascending = any("asc" in str(o) for o in p.get("order_by") or ())
        ids, total = shop.after_sale_index.page(first, last, page, size, descending=not ascending)
        items = [after_sale_list_item(shop.after_sales[i], shop.orders[shop.after_sales[i].order_id]) for i in ids]
        return {"items": items, "has_more": (page + 1) * size < total, "total": total, "page": page, "size": size}

    def detail(self, sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
        case = self._find(shop, need(p, "after_sale_id"))
        return after_sale_detail(case, shop.orders[case.order_id])

    def operate(self, sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
        op_type, items = number(p, "type", 0), need(p, "items")
        results = [self._operate_one(shop, op_type, item) for item in items]
        failed = [r for r in results if r["status_code"] != 0]
        if failed and len(failed) == len(results):
            raise ApiError(
                50002, "isv.business-failed:aftersale-operate", failed[0]["status_msg"], data={"items": results}
            )
        return {"items": results}

    def _operate_one(self, shop: Shop, op_type: int, item: dict[str, Any]) -> dict[str, Any]:
        case = self._find(shop, item.get("aftersale_id"))
        result: dict[str, Any] = {"aftersale_id": int(case.aftersale_id), "status_code": 0, "status_msg": "success"}
        step = TRANSITIONS.get((op_type, case.status, case.type))
        if step is None:
            return {**result, "status_code": 40010, "status_msg": f"售后单当前状态({case.status})不允许该操作"}
        new_status, check = step
        problem = check(case, item)
        if problem:
            return {**result, "status_code": 40011, "status_msg": problem}
        self._apply(shop, case, new_status)
        return result

    def _apply(self, shop: Shop, case: AfterSale, new_status: int) -> None:
        order = shop.orders[case.order_id]
        case.status = new_status
        if new_status == 12 and case.type in (0, 1, 2):
            case.refund_status = 3
            if case.type == 2 and all(x.refund_status == 3 or x.sku_order_id == case.sku_order_id for x in order.lines):
                order.status = 4
                order.cancel_reason = "买家申请退款，商家同意"
        self._save(shop, order, case, PUSH_TAGS.get(new_status, "208"))

    def _find(self, shop: Shop, case_id: Any) -> AfterSale:
        case = shop.after_sales.get(str(case_id))
        if case is None:
            raise bad_param("售后单不存在")
        return case

    def _save(self, shop: Shop, order: Order, case: AfterSale, tag: str) -> None:
        case.update_time = self.sb.now_ts()
        line = next(x for x in order.lines if x.sku_order_id == case.sku_order_id)
        line.after_sale_status, line.after_sale_type, line.refund_status = case.status, case.type, case.refund_status
        shop.put_after_sale(case)
        self.sb.touch(shop, order)
        self.sb.push_after_sale(shop, case, tag)
