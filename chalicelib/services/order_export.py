"""The workbench's export: the orders of exactly the list on screen (every filter), Chinese headers and
words, money in yuan with two decimals, as .xlsx (numbers as numbers) or CSV with a BOM (Excel opens it as
UTF-8). A request exports at most MAX_ROWS: the count of a larger list is known beforehand (the list's
total), so it is refused with a reason rather than cut short silently."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.order_query import OrderQuery, ship_by
from chalicelib.domain.orders import Order
from chalicelib.services.ports import OrderRepository
from chalicelib.services.sheet_cells import BOM, Yuan, local_time, safe, yuan

MAX_ROWS = 5000
PAGE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLATFORMS = {"taobao": "淘宝/天猫", "jd": "京东", "pdd": "拼多多", "douyin": "抖店", "wechat": "微信小店",
             "kuaishou": "快手", "xhs": "小红书", "offline": "线下"}
STATUSES = {"pending_payment": "待付款", "awaiting_shipment": "待发货", "partially_shipped": "部分发货",
            "shipped": "已发货", "completed": "已完成", "cancelled": "已取消"}
HOLDS = {"unlinked_sku": "商品未关联", "refund_requested": "申请退款", "out_of_stock": "缺货",
         "address_issue": "地址异常", "buyer_message": "买家留言", "manual_hold": "人工挂起",
         "presale_waiting": "预售待发货"}
HANDOFFS = {"not_ready": "未就绪", "ready": "待 ERP 拉取", "taken": "ERP 已拉取", "acknowledged": "ERP 已确认",
            "withdrawn": "已撤回"}
# (header, value of an order); money columns are in yuan
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("订单号", lambda o, s: o.order_no), ("店铺", lambda o, s: s.get(o.shop_id, o.shop_id)),
    ("平台", lambda o, s: PLATFORMS.get(o.platform.value, o.platform.value)),
    ("订单状态", lambda o, s: STATUSES.get(o.status.value, o.status.value)),
    ("挂起原因", lambda o, s: "、".join(HOLDS.get(h.value, h.value) for h in sorted(o.holds))),
    ("ERP 交接", lambda o, s: HANDOFFS.get(o.erp_handoff.value, o.erp_handoff.value)),
    ("下单时间", lambda o, s: local_time(o.created_at)), ("付款时间", lambda o, s: local_time(o.paid_at)),
    ("最晚发货时间", lambda o, s: local_time(ship_by(o))),
    ("商品", lambda o, s: "; ".join(f"{line.title} {line.sku_name} x{line.quantity}" for line in o.lines)),
    ("商品编码", lambda o, s: " ".join(line.merchant_code for line in o.lines if line.merchant_code)),
    ("订单金额(元)", lambda o, s: Yuan(o.total_fen)), ("实付金额(元)", lambda o, s: Yuan(o.paid_fen)),
    ("运费(元)", lambda o, s: Yuan(o.freight_fen)),
    ("收件人", lambda o, s: o.receiver.name_masked if o.receiver else ""),
    ("手机", lambda o, s: o.receiver.phone_masked if o.receiver else ""),
    ("省", lambda o, s: o.receiver.province if o.receiver else ""),
    ("市", lambda o, s: o.receiver.city if o.receiver else ""),
    ("区", lambda o, s: o.receiver.district if o.receiver else ""),
    ("买家留言", lambda o, s: o.buyer_memo), ("卖家备注", lambda o, s: o.seller_memo),
    ("快递公司编码", lambda o, s: o.carrier_code), ("运单号", lambda o, s: o.tracking_no),
    ("订单ID", lambda o, s: o.order_id),
)


def orders_of(orders: OrderRepository, q: OrderQuery) -> Iterator[Order]:
    page_q = replace(q, limit=PAGE, cursor=None)
    while True:
        page = orders.query(page_q)
        yield from page.items
        if not page.cursor:
            return
        page_q = replace(page_q, cursor=page.cursor)


def check_size(total: int | None) -> None:
    if total is not None and total > MAX_ROWS:
        raise ValidationError(f"{total} orders match: narrow the filters to {MAX_ROWS} or fewer to export",
                              field="limit", reason="orders.export_too_large")


def rows(orders: OrderRepository, q: OrderQuery, shop_names: dict[str, str]) -> Iterator[list[Any]]:
    for n, order in enumerate(orders_of(orders, q)):
        if n >= MAX_ROWS:
            raise ValidationError(f"more than {MAX_ROWS} orders match: narrow the filters to export",
                                  field="limit", reason="orders.export_too_large")
        yield [value(order, shop_names) for _, value in COLUMNS]


def as_csv(table: Iterator[list[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([header for header, _ in COLUMNS])
    for row in table:
        writer.writerow([yuan(v) if isinstance(v, Yuan) else safe(v) for v in row])
    return out.getvalue()


def as_xlsx(table: Iterator[list[Any]]) -> bytes:
    from openpyxl import Workbook  # cold start: openpyxl ~150 ms, only exports pay
    book = Workbook(write_only=True)
    sheet = book.create_sheet("订单")
    sheet.append([header for header, _ in COLUMNS])
    for row in table:
        sheet.append([_money_cell(sheet, v) if isinstance(v, Yuan) else safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money_cell(sheet: Any, fen: int) -> Any:
    from openpyxl.cell import WriteOnlyCell  # cold start: with openpyxl, only exports pay
    cell = WriteOnlyCell(sheet, value=Decimal(fen) / 100)
    cell.number_format = "0.00"
    return cell
