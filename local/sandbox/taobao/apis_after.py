"""The seller's reissue / exchange parcel and parcel traces.

tmall.exchange.consigngoods {dispute_id, logistics_no, logistics_type (company code), logistics_company_name}
-> {result{success}}: the exchange's new goods once the buyer's parcel is back; the sandbox takes it for a
RESHIPPING (补发) case awaiting the seller too [I: TOP documents no separate reissue call].
taobao.logistics.trace.search {tid, out_sid [I]} -> {tid, out_sid, company_name, status,
trace_list{transit_step_info[{status_time, status_desc, action}]}}."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from local.sandbox.taobao import actions, render
from local.sandbox.taobao.call import Call
from local.sandbox.taobao.errors import invalid, refund_state, remote
from local.sandbox.taobao.store import Seller

EXCHANGES = {"TMALL_EXCHANGE", "TAOBAO_EXCHANGE", "REPAIR"}
ACTIONS = {"in_transit": "TRANSPORT", "delivered": "SIGNED", "exception": "FAILED"}


def exchange_consigngoods(call: Call) -> dict[str, Any]:
    seller = call.seller
    refund = actions.find_refund(seller, call.number("dispute_id"))
    sid, company = call.need("logistics_no"), call.need("logistics_type")
    if not actions.TRACKING.match(sid):
        raise invalid("logistics_no", "运单号不符合规则")
    if refund.resend_sid == sid and refund.status == "SUCCESS":
        return {"result": {"success": True}}            # a retried call
    ready = (refund.dispute_type in EXCHANGES and refund.status == "WAIT_SELLER_CONFIRM_GOODS") or \
        (refund.dispute_type == "RESHIPPING" and refund.status == "WAIT_SELLER_AGREE")
    if not ready:
        raise refund_state(refund.status if refund.dispute_type != "REFUND" else f"{refund.status}(非换货/补发)")
    refund.status, refund.resend_sid, refund.resend_company = "SUCCESS", sid, company
    line = actions.find_trade(seller, refund.tid).line(refund.oid)
    if line is not None:
        line.refund_status = "CLOSED"                   # the buyer keeps the goods: no money moves
    call.store.save_refund(seller, refund, "RefundSuccess")
    return {"result": {"success": True}}


def parcel(seller: Seller, tid: int, out_sid: str) -> tuple[str, str, datetime] | None:
    trade = seller.trade(tid)
    if trade is None:
        return None
    for line in trade.lines:
        if line.invoice_no and line.consign_time and (not out_sid or line.invoice_no == out_sid):
            return line.invoice_no, line.logistics_company, line.consign_time
    for refund in seller.refunds.values():
        if refund.tid == tid and refund.resend_sid and (not out_sid or refund.resend_sid == out_sid):
            return refund.resend_sid, refund.resend_company, refund.modified
    return None


def parcel_by_waybill(seller: Seller, sid: str) -> tuple[str, str, datetime] | None:
    tids = {refund.tid for refund in seller.refunds.values() if refund.resend_sid == sid}
    tids |= {tid for tid, trade in seller.trades.items() if any(line.invoice_no == sid for line in trade.lines)}
    return next((found for tid in tids if (found := parcel(seller, tid, sid)) is not None), None)


def trace_search(call: Call) -> dict[str, Any]:
    tid = call.number("tid")
    found = parcel(call.seller, tid, call.opt("out_sid") or "")
    if found is None:
        raise remote("isv.logistics-trace-not-exist", "该订单没有物流信息")
    sid, company, shipped = found
    track = call.store.tracks.ensure(sid, company, shipped)
    steps = [{"status_time": render.when(at), "status_desc": text, "action": ACTIONS[track.state] if i == 0
              else "TRANSPORT"} for i, (at, text) in enumerate(call.store.tracks.newest_first(sid))]
    return {"tid": tid, "out_sid": sid, "company_name": company, "status": ACTIONS[track.state],
            "trace_list": {"transit_step_info": steps}}
