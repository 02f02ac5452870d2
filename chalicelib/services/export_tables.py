"""What each kind of export writes: its columns (a Chinese and an English header, and the cell of one row)
and the rows of its list, read page by page through the same queries the admin lists use, so an export
holds exactly what the list shows under the same filters. Money is a `Yuan` (fen that the writers show as
yuan with two decimals); receiver data is the list's masked name and phone."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.codec import from_doc
from chalicelib.domain.exports import ExportKind
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE
from chalicelib.domain.order_query import OrderQuery
from chalicelib.domain.orders import LineItem, Order
from chalicelib.services.order_export import COLUMNS as ORDER_COLUMNS
from chalicelib.services.order_export import HOLDS, PLATFORMS, STATUSES
from chalicelib.services.ports import CaseQueries, CaseQuery, OrderRepository, ShipmentListQuery, ShipmentLists
from chalicelib.services.report_ports import ReportStore
from chalicelib.services.report_rows import DailyRow, daily_rows
from chalicelib.services.sheet_cells import Yuan, local_time
from chalicelib.services.stock_ports import ErpSkuStore, StockLedger

PAGE = 200
Cell = Callable[[Any, "Context"], Any]


@dataclass(frozen=True)
class Sources:
    """The lists an export reads (bootstrap builds them; tests pass fakes)."""
    orders: OrderRepository
    cases: CaseQueries
    shipments: ShipmentLists
    stock: StockLedger
    erp_skus: ErpSkuStore
    reports: ReportStore | None = None


@dataclass(frozen=True)
class Context:
    shop_names: dict[str, str]
    language: str = "zh"

    def word(self, words: dict[str, str], value: str) -> str:
        """A vocabulary value in the reader's language (English: the code as words)."""
        return words.get(value, value) if self.language == "zh" else value.replace("_", " ")

    def shop(self, shop_id: str) -> str:
        return self.shop_names.get(shop_id, shop_id)


@dataclass(frozen=True)
class Table:
    sheet: dict[str, str]                              # the sheet's name per language
    columns: tuple[tuple[str, str, Cell], ...]         # (zh header, en header, cell)
    pages: Callable[[Sources, dict[str, Any]], Iterator[list[Any]]]
    explode: Callable[[Any], list[Any]] = lambda item: [item]    # one list item -> its rows

    def headers(self, language: str) -> list[str]:
        return [en if language == "en" else zh for zh, en, _ in self.columns]

    def rows(self, items: list[Any], ctx: Context) -> Iterator[list[Any]]:
        for item in items:
            for row in self.explode(item):
                yield [cell(row, ctx) for _, _, cell in self.columns]


ORDER_EN = ("Order no.", "Shop", "Platform", "Status", "Holds", "ERP hand-off", "Ordered at", "Paid at",
            "Ship by", "Items", "Merchant codes", "Order total (CNY)", "Paid (CNY)", "Freight (CNY)", "Receiver",
            "Phone", "Province", "City", "District", "Buyer message", "Seller memo", "Carrier", "Tracking no.",
            "Order ID")


def _order_cell(value: Callable[[Order, dict[str, str]], Any], zh_header: str) -> Cell:
    def cell(order: Order, ctx: Context) -> Any:
        if ctx.language == "en" and zh_header in ("平台", "订单状态", "挂起原因", "ERP 交接"):
            return _english_order_word(order, zh_header)
        return value(order, ctx.shop_names)
    return cell


def _english_order_word(order: Order, header: str) -> str:
    if header == "平台":
        return order.platform.value
    if header == "订单状态":
        return order.status.value.replace("_", " ")
    if header == "挂起原因":
        return ", ".join(sorted(h.value.replace("_", " ") for h in order.holds))
    return order.erp_handoff.value.replace("_", " ")


def order_pages(sources: Sources, query: dict[str, Any]) -> Iterator[list[Any]]:
    q = replace(from_doc(OrderQuery, query), limit=PAGE, cursor=None)
    while True:
        page = sources.orders.query(q)
        yield list(page.items)
        if not page.cursor:
            return
        q = replace(q, cursor=page.cursor)


def case_pages(sources: Sources, query: dict[str, Any]) -> Iterator[list[Any]]:
    q = replace(from_doc(CaseQuery, query), limit=PAGE, cursor=None)
    while True:
        page = sources.cases.list(q)
        yield list(page.items)
        if not page.cursor:
            return
        q = replace(q, cursor=page.cursor)


def shipment_pages(sources: Sources, query: dict[str, Any]) -> Iterator[list[Any]]:
    q = ShipmentListQuery(**{**query, "day_from": _day(query["day_from"]), "day_to": _day(query["day_to"]),
                             "limit": PAGE, "cursor": None})
    while True:
        items, cursor = sources.shipments.list_page(q)
        yield list(items)
        if not cursor:
            return
        q = replace(q, cursor=cursor)


def stock_pages(sources: Sources, query: dict[str, Any]) -> Iterator[list[Any]]:
    warehouse, cursor = str(query.get("warehouse_id") or DEFAULT_WAREHOUSE), None
    while True:
        page = sources.stock.warehouse_stock(warehouse, limit=PAGE, cursor=cursor)
        skus = sources.erp_skus.get_many([s.sku_code for s in page.items])
        yield [(stock, skus.get(stock.sku_code)) for stock in page.items]
        if not page.cursor:
            return
        cursor = page.cursor


def report_pages(sources: Sources, query: dict[str, Any]) -> Iterator[list[Any]]:
    """A page per day of the range, as the reports page shows it (services/report_rows.py)."""
    if sources.reports is None:
        raise RuntimeError("the reports export needs the report store")
    yield from daily_rows(sources.reports, query["date_from"], query["date_to"], query["by"],
                          query.get("shop_id") or None)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _holds(order: Order, ctx: Context) -> str:
    return ("、" if ctx.language == "zh" else ", ").join(ctx.word(HOLDS, h.value) for h in sorted(order.holds))


def _lines(order: Order) -> list[Any]:
    return [(order, line) for line in order.lines]


def _line_cell(fn: Callable[[Order, LineItem, Context], Any]) -> Cell:
    return lambda row, ctx: fn(row[0], row[1], ctx)


def _time(moment: datetime | None) -> str:
    return local_time(moment)


CASE_TYPES = {"refund_only": "仅退款", "return_and_refund": "退货退款", "exchange": "换货", "reissue": "补发",
              "repair": "维修", "price_protection": "价保", "intercept": "拦截", "other": "其他"}
CASE_STATUSES = {
    "pending_review": "待审核", "awaiting_buyer_return": "待买家退货", "awaiting_buyer_action": "待买家处理",
    "awaiting_seller_receipt": "待卖家收货", "awaiting_reship": "待补发/换货", "seller_processing": "卖家处理中",
    "platform_processing": "平台处理中", "refunded": "已退款", "reshipped": "已补发", "closed": "已关闭",
    "rejected": "已拒绝", "failed": "失败"}


GROUPINGS = {"total": "合计", "shop": "店铺", "platform": "平台", "sku": "SKU"}


def _report_name(row: DailyRow, c: Context) -> str:
    if row.by == "total":
        return "全部店铺" if c.language == "zh" else "All shops"
    if row.by == "shop":
        return c.shop(row.key)
    if row.by == "platform":
        return c.word(PLATFORMS, row.key)
    return row.name


def _ship_hours(row: DailyRow) -> float | None:
    seconds = row.figures["avg_ship_seconds"]
    return round(seconds / 3600, 2) if seconds else None


TABLES: dict[ExportKind, Table] = {
    ExportKind.ORDERS: Table(
        {"zh": "订单", "en": "Orders"},
        tuple((zh, en, _order_cell(value, zh)) for (zh, value), en in zip(ORDER_COLUMNS, ORDER_EN, strict=True)),
        order_pages),
    ExportKind.ORDER_LINES: Table({"zh": "订单明细", "en": "Order lines"}, (
        ("订单号", "Order no.", _line_cell(lambda o, line, c: o.order_no)),
        ("店铺", "Shop", _line_cell(lambda o, line, c: c.shop(o.shop_id))),
        ("平台", "Platform", _line_cell(lambda o, line, c: c.word(PLATFORMS, o.platform.value))),
        ("订单状态", "Status", _line_cell(lambda o, line, c: c.word(STATUSES, o.status.value))),
        ("挂起原因", "Holds", _line_cell(lambda o, line, c: _holds(o, c))),
        ("下单时间", "Ordered at", _line_cell(lambda o, line, c: _time(o.created_at))),
        ("付款时间", "Paid at", _line_cell(lambda o, line, c: _time(o.paid_at))),
        ("商品名称", "Title", _line_cell(lambda o, line, c: line.title)),
        ("规格", "Variant", _line_cell(lambda o, line, c: line.sku_name)),
        ("平台 SKU", "Platform SKU", _line_cell(lambda o, line, c: line.platform_sku_id)),
        ("商品编码", "Merchant code", _line_cell(lambda o, line, c: line.merchant_code)),
        ("ERP SKU", "ERP SKU", _line_cell(lambda o, line, c: " ".join(k.sku_code for k in line.links))),
        ("数量", "Quantity", _line_cell(lambda o, line, c: line.quantity)),
        ("已发数量", "Shipped", _line_cell(lambda o, line, c: line.shipped_quantity)),
        ("单价(元)", "Unit price (CNY)", _line_cell(lambda o, line, c: Yuan(line.unit_price_fen))),
        ("优惠(元)", "Discount (CNY)", _line_cell(lambda o, line, c: Yuan(line.discount_fen))),
        ("实付(元)", "Paid (CNY)", _line_cell(lambda o, line, c: Yuan(line.paid_fen))),
        ("退款状态", "Refund", _line_cell(lambda o, line, c: line.refund_state.value)),
        ("订单ID", "Order ID", _line_cell(lambda o, line, c: o.order_id)),
    ), order_pages, _lines),
    ExportKind.AFTER_SALES: Table({"zh": "售后", "en": "After-sales"}, (
        ("售后单号", "Case no.", lambda a, c: a.platform_case_id),
        ("订单号", "Order no.", lambda a, c: a.order_no),
        ("店铺", "Shop", lambda a, c: c.shop(a.shop_id)),
        ("平台", "Platform", lambda a, c: c.word(PLATFORMS, a.platform.value)),
        ("类型", "Type", lambda a, c: c.word(CASE_TYPES, a.type.value)),
        ("状态", "Status", lambda a, c: c.word(CASE_STATUSES, a.status.value)),
        ("平台状态", "Platform status", lambda a, c: a.platform_status),
        ("退款金额(元)", "Refund (CNY)", lambda a, c: Yuan(a.refund_fen)),
        ("原因", "Reason", lambda a, c: a.reason),
        ("退货运单号", "Return tracking no.", lambda a, c: a.return_tracking_no),
        ("申请时间", "Created at", lambda a, c: _time(a.created_at)),
        ("处理截止", "Deadline", lambda a, c: _time(a.deadline_at)),
        ("更新时间", "Updated at", lambda a, c: _time(a.modified_at)),
    ), case_pages),
    ExportKind.SHIPMENTS: Table({"zh": "发货记录", "en": "Shipments"}, (
        ("发货时间", "Shipped at", lambda s, c: _time(s.created_at)),
        ("订单ID", "Order ID", lambda s, c: s.order_id),
        ("店铺", "Shop", lambda s, c: c.shop(s.shop_id)),
        ("快递公司编码", "Carrier", lambda s, c: s.carrier_code),
        ("运单号", "Tracking no.", lambda s, c: s.tracking_no),
        ("件数", "Units", lambda s, c: sum(line.quantity for line in s.lines)),
        ("状态", "Status", lambda s, c: s.status.value),
        ("回传平台", "Ship-back", lambda s, c: s.ship_back.value),
        ("来源", "Source", lambda s, c: s.source.split(":", 1)[0]),
        ("平台错误", "Platform error", lambda s, c: s.platform_error),
    ), shipment_pages),
    ExportKind.STOCK: Table({"zh": "库存", "en": "Stock"}, (
        ("SKU 编码", "SKU code", lambda r, c: r[0].sku_code),
        ("名称", "Name", lambda r, c: r[1].name if r[1] else ""),
        ("规格", "Variant", lambda r, c: r[1].spec if r[1] else ""),
        ("仓库", "Warehouse", lambda r, c: r[0].warehouse_id),
        ("在库", "On hand", lambda r, c: r[0].on_hand),
        ("占用", "Reserved", lambda r, c: r[0].reserved),
        ("可用", "Available", lambda r, c: r[0].available),
        ("在途", "In transit", lambda r, c: r[0].in_transit),
        ("成本价(元)", "Cost (CNY)", lambda r, c: Yuan(r[1].cost_fen) if r[1] else None),
    ), stock_pages),    ExportKind.REPORTS: Table({"zh": "每日销售", "en": "Daily sales"}, (
        ("日期", "Day", lambda r, c: r.day),
        ("分组", "Grouping", lambda r, c: c.word(GROUPINGS, r.by)),
        ("编码", "Code", lambda r, c: "" if r.by == "total" else r.key),
        ("名称", "Name", _report_name),
        ("订单数", "Orders", lambda r, c: r.figures["orders"]),
        ("件数", "Units", lambda r, c: r.figures["units"]),
        ("销售额(元)", "Sales (CNY)", lambda r, c: Yuan(r.figures["gmv_fen"])),
        ("退款数", "Refunds", lambda r, c: r.figures["refunds"]),
        ("退款金额(元)", "Refunded (CNY)", lambda r, c: Yuan(r.figures["refund_fen"])),
        ("已发货", "Shipped", lambda r, c: r.figures["shipped"]),
        ("超时发货", "Shipped late", lambda r, c: r.figures["shipped_late"]),
        ("平均发货时长(小时)", "Avg. time to ship (hours)", lambda r, c: _ship_hours(r)),
    ), report_pages),
}
