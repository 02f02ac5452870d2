"""Trades, shipping, memo and refunds: TOP methods -> actions on the store -> response bodies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from local.sandbox.taobao import actions, render
from local.sandbox.taobao.call import Call
from local.sandbox.taobao.errors import TopError, invalid
from local.sandbox.taobao.store import Seller

MAX_SPAN = timedelta(days=1)
GUARANTEE = {"fixed", "auction", "guarantee_trade"}


def trades_increment(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.need("fields"))
    start, end = call.time("start_modified"), call.time("end_modified")
    if not start <= end <= start + MAX_SPAN:
        raise invalid("end_modified", "start_modified和end_modified不能超过一天，且结束时间须晚于开始时间")
    page_no, page_size = call.page(100)
    seller = call.seller
    _maybe_shift(call, seller)
    ids = seller.trade_index.newest_first(start, end)
    status, types = call.opt("status"), _types(call.opt("type"))
    if status or types:
        ids = [tid for tid in ids if _matches(seller, tid, status, types)]
    rows = [render.trade(seller.trades[tid], fields) for tid in ids[(page_no - 1) * page_size : page_no * page_size]]
    return _page_body(call, len(ids), page_no * page_size, ("trades", "trade", rows))


def _types(raw: str | None) -> set[str]:
    names = {t.strip() for t in (raw or "").split(",") if t.strip()}
    return names | GUARANTEE if names & GUARANTEE else names


def _matches(seller: Seller, tid: int, status: str | None, types: set[str]) -> bool:
    trade = seller.trades[tid]
    return (not status or trade.status == status) and (not types or trade.type in types)


def _maybe_shift(call: Call, seller: Seller) -> None:
    """Faults.shift_rate: another change lands on a random trade while the caller pages."""
    if seller.trades and call.faults.chance(call.faults.shift_rate):
        trade = seller.trades[call.store.rng.choice(list(seller.trades))]
        call.store.save_trade(seller, trade, "TradeChanged")


def _page_body(call: Call, total: int, read: int, lists: tuple[str, str, list[dict[str, Any]]]) -> dict[str, Any]:
    outer, inner, rows = lists
    body: dict[str, Any] = {"has_next": read < total, outer: render.wrap(inner, rows)}
    if not call.flag("use_has_next"):
        body["total_results"] = total
    return body


def trade_fullinfo(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.need("fields"))
    trade = actions.find_trade(call.seller, call.number("tid"))
    return {"trade": render.trade(trade, fields)}


def offline_send(call: Call) -> dict[str, Any]:
    return _send(call, call.need("out_sid"))


def online_send(call: Call) -> dict[str, Any]:
    company = call.need("company_code")
    return _send(call, call.opt("out_sid") or call.store.new_waybill_no(company))


def _send(call: Call, out_sid: str) -> dict[str, Any]:
    tid, company = call.number("tid"), call.need("company_code")
    split, sub_tid = call.opt("is_split") == "1", call.opt("sub_tid")
    if split != bool(sub_tid):
        raise TopError(
            15,
            "Remote service error",
            "isv.logistics-offline-service-error:CD25",
            "拆单标记和子订单列表两者必须都填或者都不填",
        )
    oids = [int(o) for o in sub_tid.split(",")] if sub_tid else None
    actions.ship(call.store, call.seller, tid, (out_sid, company), oids)
    return {"shipping": {"is_success": True}}


def memo_update(call: Call) -> dict[str, Any]:
    tid = call.number("tid")
    flag = call.number("flag", -1, low=-1, high=5)
    memo = None if call.flag("reset") else call.params.get("memo", "")
    actions.set_memo(call.store, call.seller, tid, memo, None if flag == -1 else flag)
    trade = actions.find_trade(call.seller, tid)
    return {"trade": {"tid": tid, "modified": render.when(trade.modified)}}


# ---------------------------------------------------------------- refunds
def refunds_receive(call: Call) -> dict[str, Any]:
    fields = render.fields_of(call.need("fields"))
    seller = call.seller
    start, end = call.time("start_modified"), call.time("end_modified")
    if not start <= end <= start + MAX_SPAN:
        raise invalid("end_modified", "查询时间跨度不能超过一天")
    page_no, page_size = call.page(100)
    ids = seller.refund_index.newest_first(start, end)
    status = call.opt("status")
    if status:
        ids = [i for i in ids if seller.refunds[i].status == status]
    chosen = [seller.refunds[i] for i in ids[(page_no - 1) * page_size : page_no * page_size]]
    rows = [render.refund(r, seller.trade(r.tid), fields) for r in chosen]
    return _page_body(call, len(ids), page_no * page_size, ("refunds", "refund", rows))


def refund_get(call: Call) -> dict[str, Any]:
    refund = actions.find_refund(call.seller, call.number("refund_id"))
    return {"refund": render.refund(refund, call.seller.trade(refund.tid), render.fields_of(call.need("fields")))}


def refunds_agree(call: Call) -> dict[str, Any]:
    results = [_agree_one(call, info) for info in call.need("refund_infos").split(",") if info.strip()]
    done = sum(1 for r in results if r["succ"])
    code = "OP_SUCC" if done == len(results) else "SOME_OP_SUCC" if done else "OP_FAILURE_UE"
    message = "操作成功" if done == len(results) else "; ".join(str(r["message"]) for r in results if not r["succ"])
    return {
        "succ": done == len(results),
        "msg_code": code,
        "message": message,
        "results": {"refund_mapping_result": results},
    }


def _agree_one(call: Call, info: str) -> dict[str, Any]:
    parts = info.strip().split("|")
    try:
        refund_id, amount = int(parts[0]), int(parts[1])
    except (ValueError, IndexError) as exc:
        raise invalid("refund_infos", "格式为 refund_id|amount|version|phase") from exc
    version = parts[2] if len(parts) > 2 else ""
    try:
        actions.agree_refund(call.store, call.seller, (refund_id, amount, version))
    except TopError as error:
        return {"refund_id": refund_id, "succ": False, "message": actions.agree_error(error)}
    return {"refund_id": refund_id, "succ": True, "message": "退款成功"}


def refund_refuse(call: Call) -> dict[str, Any]:
    refund = actions.refuse_refund(
        call.store, call.seller, call.number("refund_id"), call.params.get("refuse_message", "").strip()
    )
    return {
        "is_success": True,
        "refund": {"refund_id": refund.refund_id, "status": refund.status, "modified": render.when(refund.modified)},
    }


def returngoods_agree(call: Call) -> dict[str, Any]:
    address = call.opt("address") or call.opt("seller_address_id") or ""
    actions.agree_return(call.store, call.seller, call.number("refund_id"), address)
    return {"is_success": True}
