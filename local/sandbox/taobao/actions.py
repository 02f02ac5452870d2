"""What sellers and buyers do to trades and refunds, with TOP's state rules and its refusals."""

from __future__ import annotations

import re

from local.sandbox.taobao.datagen import CARRIER_NAME
from local.sandbox.taobao.errors import TopError, invalid, refund_not_found, refund_state, remote, trade_not_found
from local.sandbox.taobao.model import OPEN_REFUND, UNSHIPPED, Line, Refund, Trade
from local.sandbox.taobao.store import Seller, Store

OFFLINE = "isv.logistics-offline-service-error"
TRACKING = re.compile(r"^[A-Za-z0-9-]{6,40}$")
KINDS = {  # request_after_sale kinds: our vocabulary and TOP's own dispute types
    "refund_only": "REFUND",
    "return_and_refund": "REFUND_AND_RETURN",
    "exchange": "TAOBAO_EXCHANGE",
    "repair": "REPAIR",
    "reissue": "RESHIPPING",
    "other": "OTHERS",
}
RETURNS_GOODS = {"REFUND_AND_RETURN", "TMALL_EXCHANGE", "TAOBAO_EXCHANGE", "REPAIR"}
REASONS = {
    "REFUND": "不想要了",
    "REFUND_AND_RETURN": "七天无理由退换货",
    "TAOBAO_EXCHANGE": "尺码不合适",
    "TMALL_EXCHANGE": "尺码不合适",
    "REPAIR": "质量问题",
    "RESHIPPING": "少件/漏发",
    "OTHERS": "其他",
}


def find_trade(seller: Seller, tid: int) -> Trade:
    trade = seller.trade(tid)
    if trade is None:
        raise trade_not_found(tid)
    return trade


def find_refund(seller: Seller, refund_id: int) -> Refund:
    refund = seller.refunds.get(refund_id)
    if refund is None:
        raise refund_not_found(refund_id)
    return refund


# ---------------------------------------------------------------- shipping
def ship(store: Store, seller: Seller, tid: int, parcel: tuple[str, str], sub_tids: list[int] | None) -> None:
    out_sid, company_code = parcel
    trade = seller.trade(tid)
    if trade is None:
        raise remote(f"{OFFLINE}:B01", "订单不存在，建议重新同步下订单")
    if company_code not in CARRIER_NAME:
        raise remote(f"{OFFLINE}:B56", "没有选择物流公司或物流公司格式不对")
    if not TRACKING.match(out_sid):
        raise remote(f"{OFFLINE}:B60", "运单号不符合规则或已经被使用")
    if trade.status not in UNSHIPPED:
        raise remote(f"{OFFLINE}:B04", "订单状态不对，该物流订单已经发货或者已关闭，不能重复发货")
    lines = _lines_to_ship(trade, sub_tids)
    now = store.now()
    for line in lines:
        line.status, line.company_code, line.logistics_company = (
            "WAIT_BUYER_CONFIRM_GOODS",
            company_code,
            CARRIER_NAME[company_code],
        )
        line.invoice_no, line.consign_time = out_sid, now
    trade.consign_time = trade.consign_time or now
    _settle_shipping(trade)
    store.save_trade(seller, trade, "TradeSellerShip")


def _lines_to_ship(trade: Trade, sub_tids: list[int] | None) -> list[Line]:
    waiting = [line for line in trade.lines if line.status == "WAIT_SELLER_SEND_GOODS"]
    if sub_tids is None:
        if trade.status == "SELLER_CONSIGNED_PART":
            raise remote(f"{OFFLINE}:CD22", "订单已拆单，必须传入子交易号列表")
        return waiting
    chosen = [trade.line(oid) for oid in sub_tids]
    if any(line is None for line in chosen):
        raise remote(f"{OFFLINE}:B06", "传入的子订单号必须完全匹配物流包裹中的子订单")
    lines = [line for line in chosen if line is not None]
    if any(line not in waiting for line in lines):
        raise remote(f"{OFFLINE}:B04", "订单状态不对，子订单已经发货或者已关闭")
    return lines


def _settle_shipping(trade: Trade) -> None:
    live = [line for line in trade.lines if not line.closed]
    if not live:
        trade.status = "TRADE_CLOSED"
    elif all(line.invoice_no for line in live):
        trade.status = "WAIT_BUYER_CONFIRM_GOODS"
    elif any(line.invoice_no for line in live):
        trade.status = "SELLER_CONSIGNED_PART"


def set_memo(store: Store, seller: Seller, tid: int, memo: str | None, flag: int | None) -> None:
    trade = find_trade(seller, tid)
    if memo is not None and len(memo.encode("utf-8")) > 1000:
        raise invalid("memo", "备注不能超过1000字节")
    if flag is not None and not 0 <= flag <= 5:
        raise invalid("flag", "flag must be 0..5")
    trade.seller_memo = memo if memo is not None else ""
    trade.seller_flag = trade.seller_flag if flag is None else flag
    store.save_trade(seller, trade, "TradeMemoModified")


# ---------------------------------------------------------------- refunds
def request_refund(store: Store, seller: Seller, tid: int, kind: str) -> Refund:
    """A buyer opens a case on the first line without one. Returns need shipped goods, so a return on a
    paid but unshipped trade ships it first (the sandbox's shortcut, not a platform rule)."""
    dispute = KINDS.get(kind, kind)
    if dispute not in REASONS:
        raise ValueError(f"unknown after-sale kind {kind!r}")
    trade = find_trade(seller, tid)
    if trade.pay_time is None or trade.status.startswith("TRADE_CLOSED"):
        raise ValueError(f"trade {tid} is {trade.status}: a buyer cannot ask for a refund")
    line = next((ln for ln in trade.lines if ln.refund_status in ("NO_REFUND", "CLOSED") and not ln.closed), None)
    if line is None:
        raise ValueError(f"trade {tid} has no line free for a new refund")
    if dispute in RETURNS_GOODS and not line.invoice_no:
        ship(store, seller, tid, (f"{store.rng.randint(10**12, 10**13 - 1)}", "ZTO"), [line.oid])
    now = store.now()
    refund = Refund(
        refund_id=store.new_refund_id(),
        tid=tid,
        oid=line.oid,
        seller_id=seller.seller_id,
        dispute_type=dispute,
        has_good_return=dispute in RETURNS_GOODS,
        status="WAIT_SELLER_AGREE",
        good_status="BUYER_RECEIVED" if line.invoice_no else "BUYER_NOT_RECEIVED",
        refund_fee=line.payment,
        reason=REASONS[dispute],
        desc=store.gen.memo() or "麻烦尽快处理",
        created=now,
        modified=now,
        refund_phase="aftersale" if line.invoice_no else "onsale",
    )
    line.refund_status, line.refund_id = refund.status, refund.refund_id
    store.save_refund(seller, refund, "RefundCreated")
    store.save_trade(seller, trade, "TradeChanged")
    return refund


def agree_refund(store: Store, seller: Seller, info: tuple[int, int, str]) -> None:
    refund_id, amount, version = info
    refund = find_refund(seller, refund_id)
    if refund.status not in ("WAIT_SELLER_AGREE", "WAIT_SELLER_CONFIRM_GOODS"):
        raise refund_state(refund.status)
    if amount != refund.refund_fee:
        raise invalid("refund_infos", f"退款金额{amount}与退款单金额{refund.refund_fee}不一致")
    if version and version != str(refund.refund_version):
        raise remote("isv.refund-version-changed", "退款版本已变更，请刷新后重试")
    refund.status = "SUCCESS"
    trade = find_trade(seller, refund.tid)
    line = trade.line(refund.oid)
    if line is not None:
        line.refund_status, line.status = "SUCCESS", "TRADE_CLOSED"
    store.save_refund(seller, refund, "RefundSuccess")
    _settle_shipping(trade)
    store.save_trade(seller, trade, "TradeClose" if trade.status == "TRADE_CLOSED" else "TradePartlyRefund")


def refuse_refund(store: Store, seller: Seller, refund_id: int, message: str) -> Refund:
    refund = find_refund(seller, refund_id)
    if not 2 <= len(message) <= 200:
        raise invalid("refuse_message", "拒绝退款时的留言长度必须在2到200个字之间")
    if refund.status not in ("WAIT_SELLER_AGREE", "WAIT_SELLER_CONFIRM_GOODS"):
        raise refund_state(refund.status)
    refund.status, refund.refuse_message = "SELLER_REFUSE_BUYER", message
    _mirror_on_line(seller, refund)
    store.save_refund(seller, refund, "RefundSellerRefuseAgreement")
    return refund


def agree_return(store: Store, seller: Seller, refund_id: int, address: str) -> None:
    refund = find_refund(seller, refund_id)
    if not address:
        raise invalid("address", "退货地址不能为空")
    if refund.status != "WAIT_SELLER_AGREE" or not refund.has_good_return:
        raise refund_state(refund.status if refund.has_good_return else f"{refund.status}(无需退货)")
    refund.status, refund.return_address = "WAIT_BUYER_RETURN_GOODS", address
    _mirror_on_line(seller, refund)
    store.save_refund(seller, refund, "RefundSellerAgreeAgreement")


def buyer_returns(store: Store, seller: Seller, refund_id: int, parcel: tuple[str, str]) -> None:
    refund = find_refund(seller, refund_id)
    if refund.status != "WAIT_BUYER_RETURN_GOODS":
        raise ValueError(f"refund {refund_id} is {refund.status}, not waiting for the buyer's parcel")
    refund.status, refund.good_status = "WAIT_SELLER_CONFIRM_GOODS", "BUYER_RETURNED_GOODS"
    refund.company_name, refund.sid = parcel
    _mirror_on_line(seller, refund)
    store.save_refund(seller, refund, "RefundBuyerReturnGoods")


def close_refund(store: Store, seller: Seller, refund_id: int) -> None:
    refund = find_refund(seller, refund_id)
    if refund.status not in OPEN_REFUND:
        raise refund_state(refund.status)
    refund.status = "CLOSED"
    _mirror_on_line(seller, refund)
    store.save_refund(seller, refund, "RefundClosed")


def _mirror_on_line(seller: Seller, refund: Refund) -> None:
    line = find_trade(seller, refund.tid).line(refund.oid)
    if line is not None:
        line.refund_status = refund.status


def agree_error(error: TopError) -> str:
    return error.sub_msg or error.msg
