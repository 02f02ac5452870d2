"""The pick list (拣货单): one A4 sheet (or more) that adds up the SKUs of the selected orders, so a picker
walks the shelves once per SKU instead of once per order."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from chalicelib.printing.fonts import cjk_font
from chalicelib.services.platform_types import SHANGHAI

UNLINKED = "（未关联）"


@dataclass(frozen=True)
class PickItem:
    order_no: str
    sku_code: str          # the ERP SKU code, else the platform merchant code; "" when the line has neither
    title: str
    spec: str
    quantity: int


@dataclass(frozen=True)
class PickRow:
    sku_code: str
    title: str
    spec: str
    quantity: int
    order_count: int


def aggregate(items: Iterable[PickItem]) -> list[PickRow]:
    """One row per SKU code, sorted by code; lines without a code group by title and spec, listed last."""
    groups: dict[tuple[str, str, str], tuple[PickItem, int, set[str]]] = {}
    for item in items:
        key = (item.sku_code, "", "") if item.sku_code else ("", item.title, item.spec)
        first, quantity, orders = groups.get(key, (item, 0, set()))
        orders.add(item.order_no)
        groups[key] = (first, quantity + item.quantity, orders)
    rows = [PickRow(first.sku_code, first.title, first.spec, qty, len(orders))
            for first, qty, orders in groups.values()]
    return sorted(rows, key=lambda r: (not r.sku_code, r.sku_code, r.title, r.spec))


MARGIN = 12 * mm
HEADER = 24 * mm
# No, SKU code, title, spec, quantity, orders: adds up to A4 width less the margins (186 mm).
COLUMNS = (12 * mm, 38 * mm, 72 * mm, 36 * mm, 13 * mm, 15 * mm)


def render_picklist(items: Sequence[PickItem], *, generated_at: datetime | None = None,
                    title: str = "拣货单") -> bytes:
    rows = aggregate(items)
    when = (generated_at or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    order_count = len({i.order_no for i in items})
    total = sum(r.quantity for r in rows)
    font = cjk_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11.5, wordWrap="CJK")
    number = ParagraphStyle("number", parent=cell, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=cell, alignment=TA_CENTER)

    data: list[list[Any]] = [[Paragraph(t, head) for t in ("序号", "SKU 编码", "商品名称", "规格", "数量", "订单数")]]
    for index, row in enumerate(rows, start=1):
        data.append([
            Paragraph(str(index), number), Paragraph(_escape(row.sku_code or UNLINKED), cell),
            Paragraph(_escape(row.title), cell), Paragraph(_escape(row.spec), cell),
            Paragraph(str(row.quantity), number), Paragraph(str(row.order_count), number),
        ])
    data.append(["", Paragraph("合计", cell), Paragraph(f"{len(rows)} 种 SKU", cell), "",
                  Paragraph(str(total), number), Paragraph(str(order_count), number)])
    table = LongTable(data, colWidths=COLUMNS, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f4f4")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))

    def page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(font, 16)
        canvas.drawString(MARGIN, height - MARGIN - 8 * mm, title)
        canvas.setFont(font, 9)
        summary = f"生成时间 {when:%Y-%m-%d %H:%M}    订单 {order_count} 单    SKU {len(rows)} 种    商品 {total} 件"
        canvas.drawString(MARGIN, height - MARGIN - 15 * mm, summary)
        canvas.drawRightString(width - MARGIN, height - MARGIN - 8 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN + HEADER, bottomMargin=MARGIN, title=title)
    doc.build([table], onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def _escape(text: str) -> str:
    # Paragraph reads a small XML markup: a title with "<" or "&" must not be taken for a tag.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
