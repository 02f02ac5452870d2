"""The MCP tools: each one a typed input (mcp_inputs), a call into the existing use cases, and a concise
structured answer. Views show masked receivers only: no tool reads a decrypted receiver, a raw payload, a
secret or a token. Write tools need the operator role (the lower of the token's scope and the user's role)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import bootstrap
from chalicelib.api import mcp_inputs as inputs
from chalicelib.api.mcp_caller import Caller
from chalicelib.domain.errors import NotFoundError, ValidationError


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    model: type[inputs.Input]
    run: Callable[[Any, Caller], dict[str, Any]]
    write: bool = False
    target: str = ""            # the argument that names what it touches (the audit entry's target)


def _order(order_id: str) -> Any:
    order = bootstrap.orders().get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    return order


def order_brief(order: Any) -> dict[str, Any]:
    return {"order_id": order.order_id, "order_no": order.order_no, "shop_id": order.shop_id,
            "platform": order.platform.value, "status": order.status.value,
            "holds": sorted(h.value for h in order.holds), "erp_handoff": order.erp_handoff.value,
            "refund_state": order.refund_state.value, "review": order.review.value, "paid_fen": order.paid_fen,
            "created_at": order.created_at.isoformat(), "tracking_no": order.tracking_no or None}


def order_full(order: Any) -> dict[str, Any]:
    r = order.receiver
    receiver = None if r is None else {     # masked text only: never `encrypted` nor the platform's ciphertext
        "name": r.name_masked, "phone": r.phone_masked, "province": r.province, "city": r.city,
        "district": r.district, "address": r.address_masked}
    lines = [{"line_id": line.line_id, "title": line.title, "sku_name": line.sku_name, "quantity": line.quantity,
              "shipped_quantity": line.shipped_quantity, "sku_codes": [link.sku_code for link in line.links]}
             for line in order.lines]
    history = [{"at": h.at.isoformat(), "actor": h.actor, "summary": h.summary} for h in order.history[-5:]]
    return {**order_brief(order), "total_fen": order.total_fen, "receiver": receiver, "lines": lines,
            "buyer_memo": order.buyer_memo, "seller_memo": order.seller_memo, "carrier_code": order.carrier_code,
            "recent_history": history}


def search_orders(a: inputs.SearchOrders, caller: Caller) -> dict[str, Any]:
    from chalicelib.domain.order_query import DateField
    from chalicelib.services.ports import OrderQuery
    for name in ("updated_from", "updated_to"):
        moment = getattr(a, name)
        if moment is not None and moment.tzinfo is None:
            raise ValidationError(f"{name} needs a time zone offset, e.g. +08:00", field=name)
    page = bootstrap.orders().query(OrderQuery(
        shop_id=a.shop_id, status=a.status, hold=a.hold, held_only=a.held_only, order_no=a.order_no,
        platform=a.platform, erp_handoff=a.erp_handoff.value if a.erp_handoff else None, tracking_no=a.tracking_no,
        text=a.text, date_field=DateField.UPDATED, date_from=a.updated_from, date_to=a.updated_to, limit=a.limit,
        cursor=a.cursor))
    return {"orders": [order_brief(o) for o in page.items], "count": len(page.items), "next_cursor": page.cursor}


def get_order(a: inputs.OrderRef, caller: Caller) -> dict[str, Any]:
    order = _order(a.order_id)
    cases = bootstrap.after_sales().for_order(order.order_id)
    return {**order_full(order), "after_sales": [{"case_id": c.case_id, "type": c.type.value,
                                                  "status": c.status.value, "refund_fen": c.refund_fen}
                                                 for c in cases]}


def explain_hold(a: inputs.OrderRef, caller: Caller) -> dict[str, Any]:
    from chalicelib.api.mcp_vocabulary import explain
    order = _order(a.order_id)
    holds = [explain(order, reason) for reason in sorted(order.holds)]
    return {"order_id": order.order_id, "status": order.status.value, "held": bool(holds), "holds": holds,
            "erp_handoff": order.erp_handoff.value}


def hold_order(a: inputs.HoldOrder, caller: Caller) -> dict[str, Any]:
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import hold
    order = hold(bootstrap.orders(), bootstrap.clock(), a.order_id, HoldReason(a.reason), a.note, caller.actor)
    return order_brief(order)


def release_order(a: inputs.ReleaseOrder, caller: Caller) -> dict[str, Any]:
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import release
    order = release(bootstrap.orders(), bootstrap.clock(), a.order_id, HoldReason(a.reason), caller.actor)
    return order_brief(order)


def confirm_review(a: inputs.ConfirmReview, caller: Caller) -> dict[str, Any]:
    """The review gate's confirmation (审单确认), as the processing page's: a held-for-review order goes on."""
    from chalicelib.services.review import confirm_order
    order = confirm_order(bootstrap.orders(), bootstrap.clock(), a.order_id, caller.actor, a.revision)
    return {**order_brief(order), "revision": order.revision}


def case_brief(case: Any) -> dict[str, Any]:
    return {"case_id": case.case_id, "order_id": case.order_id, "order_no": case.order_no, "shop_id": case.shop_id,
            "platform": case.platform.value, "type": case.type.value, "status": case.status.value,
            "refund_fen": case.refund_fen, "reason": case.reason,
            "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None,
            "pending_action": case.pending_action or None, "action_error": case.action_error or None}


def list_after_sales(a: inputs.ListAfterSales, caller: Caller) -> dict[str, Any]:
    from chalicelib.services.after_sales import CaseQuery, list_cases
    page = list_cases(bootstrap.after_sale_queries(), CaseQuery(
        shop_id=a.shop_id, platform=a.platform, type=a.type, status=a.status, deadline_before=a.deadline_before,
        order_no=a.order_no, limit=a.limit, cursor=a.cursor))
    return {"cases": [case_brief(c) for c in page.items], "count": len(page.items), "next_cursor": page.cursor}


def _act(case_id: str, caller: Caller, action: str, params: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.services.after_sales import perform
    case, created = perform(bootstrap.after_sale_deps(), case_id, caller.actor, action, params)
    return {**case_brief(case), "requested": created,
            "note": "sent to the platform; pending_action clears when it answers" if created
            else "already requested or applied: nothing new was sent"}


def approve_refund(a: inputs.CaseRef, caller: Caller) -> dict[str, Any]:
    return _act(a.case_id, caller, "approve_refund", {})


def reject_refund(a: inputs.RejectRefund, caller: Caller) -> dict[str, Any]:
    return _act(a.case_id, caller, "reject_refund", {"reason_code": a.reason_code, "reason_text": a.reason_text})


def stock_of(a: inputs.StockOf, caller: Caller) -> dict[str, Any]:
    """Every warehouse holding the SKU (one Query of its balances) and the totals; an unknown code is zeros."""
    per = sorted(bootstrap.stock().stock_of(a.sku_code), key=lambda s: s.warehouse_id)
    names = {w.warehouse_id: w.name for w in bootstrap.warehouses().list()} if per else {}
    warehouses = [{"warehouse_id": s.warehouse_id, "name": names.get(s.warehouse_id, ""), "on_hand": s.on_hand,
                   "reserved": s.reserved, "available": s.available} for s in per]
    return {"sku_code": a.sku_code, **{k: sum(w[k] for w in warehouses) for k in ("on_hand", "reserved", "available")},
            "warehouses": warehouses}


def sync_health(a: inputs.SyncHealth, caller: Caller) -> dict[str, Any]:
    from chalicelib.domain.status import ShopStatus
    from chalicelib.domain.sync import Stream
    now = bootstrap.clock().now()
    shops = [s for s in bootstrap.shops().all() if s.status is not ShopStatus.ARCHIVED
             and (a.shop_id is None or s.shop_id == a.shop_id)]
    if a.shop_id and not shops:
        raise NotFoundError(f"no shop {a.shop_id}", reason="shop.not_found")
    items = []
    for shop in shops:
        streams = {}
        for stream in Stream:
            cursor = bootstrap.sync().get_cursor(shop.shop_id, stream)
            streams[stream.value] = {
                "lag_seconds": int((now - cursor.watermark).total_seconds()) if cursor.watermark else None,
                "last_success_at": cursor.last_success_at.isoformat() if cursor.last_success_at else None,
                "last_error": cursor.last_error or None, "pulling": bool(cursor.lease_owner)}
        items.append({"shop_id": shop.shop_id, "name": shop.name, "platform": shop.platform.value,
                      "status": shop.status.value, "status_reason": shop.status_reason or None, "streams": streams})
    return {"shops": items}


def resync_shop(a: inputs.Resync, caller: Caller) -> dict[str, Any]:
    from datetime import timedelta

    from chalicelib.services.repair import resync
    if a.start.tzinfo is None or a.end.tzinfo is None:
        raise ValidationError("start and end need a time zone offset, e.g. +08:00", field="start")
    if a.end - a.start > timedelta(days=31):
        raise ValidationError("at most 31 days at a time from here (the admin API takes up to a year)", field="end")
    jobs = resync(bootstrap.shops(), bootstrap.publisher(), a.shop_id, a.stream, a.start, a.end)
    return {"shop_id": a.shop_id, "stream": a.stream, "jobs_queued": jobs,
            "note": "one pull job per day of the window; sync_health shows the progress"}


SALES_DAYS = 31         # an assistant reads every row: a month of days at most per call


def daily_sales(a: inputs.DailySales, caller: Caller) -> dict[str, Any]:
    """The reports page's daily figures (services/report_rows.py): read by key from the aggregates, never by
    scanning orders. Money in fen; days by the day the orders were placed (Asia/Shanghai)."""
    from datetime import date, timedelta

    from chalicelib.services.report_rows import daily_rows, row_view
    from chalicelib.services.reports import names_of, today
    last = a.date_to or date.fromisoformat(today(bootstrap.clock().now()))
    first = a.date_from or last - timedelta(days=6)
    if last < first:
        raise ValidationError("date_to is before date_from", field="date_to", reason="reports.date_range")
    if (last - first).days + 1 > SALES_DAYS:
        raise ValidationError(f"at most {SALES_DAYS} days per call: narrow date_from..date_to", field="date_from",
                              reason="reports.range_too_long")
    if a.shop_id and bootstrap.shops().get(a.shop_id) is None:
        raise NotFoundError(f"no shop {a.shop_id}", reason="shop.not_found")
    shops = names_of((s.shop_id, s.name) for s in bootstrap.shops().all()) if a.by == "shop" or a.shop_id else None
    pages = daily_rows(bootstrap.report_store(), first.isoformat(), last.isoformat(), a.by, a.shop_id,
                       shops or (lambda key: ""))
    days = [{"day": (first + timedelta(days=n)).isoformat(), "rows": [row_view(r) for r in rows[:a.top]],
             "omitted": max(0, len(rows) - a.top)} for n, rows in enumerate(pages)]
    return {"date_from": first.isoformat(), "date_to": last.isoformat(), "by": a.by, "shop_id": a.shop_id,
            "money": "fen", "days": days}


TOOLS: dict[str, ToolSpec] = {t.name: t for t in (
    ToolSpec("search_orders", "Search orders", "Orders by the admin API's filters (shop, status, hold, "
             "platform, ERP hand-off, order no., tracking no., masked receiver text, update window), newest first. "
             "Money is in fen (1/100 yuan).", inputs.SearchOrders, search_orders),
    ToolSpec("get_order", "Get an order", "One order: status, holds, lines with their SKU codes, the masked "
             "receiver, memos, the last changes and its after-sale cases.", inputs.OrderRef, get_order,
             target="order_id"),
    ToolSpec("explain_hold", "Why is an order held", "Each hold on an order, why it applies and what would "
             "release it.", inputs.OrderRef, explain_hold, target="order_id"),
    ToolSpec("hold_order", "Hold an order", "Holds an order by hand (manual_hold, address_issue or "
             "buyer_message): the ERP will not take it until released.", inputs.HoldOrder, hold_order,
             write=True, target="order_id"),
    ToolSpec("release_order", "Release a hold", "Lifts a hold set by hand; the system's own holds "
             "(unlinked_sku, refund_requested, out_of_stock, presale_waiting) lift when their cause goes.",
             inputs.ReleaseOrder,
             release_order, write=True, target="order_id"),
    ToolSpec("confirm_review", "Confirm an order's review", "Confirms an order waiting for review (审单: "
             "review \"pending\"), as an operator does on the processing page; it then goes on to the ERP once "
             "nothing else holds it. Refused if it was handed over or closed, or changed since `revision`.",
             inputs.ConfirmReview, confirm_review, write=True, target="order_id"),
    ToolSpec("list_after_sales", "List after-sale cases", "Refund, return, exchange and other cases by shop, "
             "platform, type, status, deadline or order no. (give at least one of shop_id, status, order_no, "
             "deadline_before).", inputs.ListAfterSales, list_after_sales),
    ToolSpec("approve_refund", "Approve a refund", "Agrees to a case's refund on the platform (the platform "
             "decides whether the case allows it now).", inputs.CaseRef, approve_refund, write=True,
             target="case_id"),
    ToolSpec("reject_refund", "Reject a refund", "Refuses a case's refund on the platform with one of that "
             "platform's reason codes.", inputs.RejectRefund, reject_refund, write=True, target="case_id"),
    ToolSpec("stock_of", "Stock of a SKU", "On hand, reserved and available units of one of the seller's SKU "
             "codes, per warehouse and in total.", inputs.StockOf, stock_of, target="sku_code"),
    ToolSpec("sync_health", "Sync health", "Per shop and stream: how far behind the pull is, the last "
             "success and the last error.", inputs.SyncHealth, sync_health, target="shop_id"),
    ToolSpec("resync_shop", "Re-sync a shop's window", "Pulls a shop's orders or after-sales again for a "
             "window of up to 31 days (one job per day).", inputs.Resync, resync_shop, write=True,
             target="shop_id"),
    ToolSpec("daily_sales", "Daily sales", "Orders, units, sales (GMV paid), refunds, shipped, shipped late and "
             "average time to ship per day (by the day orders were placed, Asia/Shanghai), for the total or by "
             "shop, platform or SKU, or for one shop; up to 31 days. Money is in fen (1/100 yuan).",
             inputs.DailySales, daily_sales, target="shop_id"),
)}
