"""PDF shipping labels: the fallback when no platform print component is at hand (offline shops, tests).

One page per label, sized for the thermal rolls sellers load (100x150 mm, 76x130 mm). The receiver is
printed only as the platform's masked text: a plaintext phone number is masked here again, because a
label leaves the building and platforms forbid showing buyer data in the clear.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from chalicelib.printing.fonts import cjk_font, fit, width, wrap
from chalicelib.services.platform_types import SHANGHAI, CanonicalReceiver


class LabelSize(Enum):
    MM100X150 = (100, 150)
    MM76X130 = (76, 130)

    @property
    def width_mm(self) -> int:
        return self.value[0]

    @property
    def height_mm(self) -> int:
        return self.value[1]


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class LabelItem:
    title: str
    quantity: int
    spec: str = ""


@dataclass(frozen=True)
class LabelData:
    carrier_name: str
    tracking_no: str
    receiver: Party                   # the platform's masked name / phone / address
    sender: Party
    items: tuple[LabelItem, ...] = ()
    order_nos: tuple[str, ...] = ()
    size: LabelSize = LabelSize.MM100X150
    platform_name: str = ""           # shown in the header, e.g. 淘宝


def receiver_party(receiver: CanonicalReceiver) -> Party:
    region = "".join(p for p in (receiver.province, receiver.city, receiver.district, receiver.town) if p)
    return Party(receiver.name_masked, receiver.phone_masked, f"{region}{receiver.address_masked}")


_DIGIT_RUN = re.compile(r"\d{7,}")


def mask_phone(text: str) -> str:
    """Any run of 7+ digits keeps its first 3 and last 4: 13812345678 -> 138****5678."""
    return _DIGIT_RUN.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)


def mask_name(name: str) -> str:
    return name if "*" in name or len(name) < 2 else name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True)
class _Layout:
    scale: float                      # font scale against the 100 mm label
    header: float                     # section heights in mm, top to bottom; items take the rest
    barcode: float
    receiver: float
    sender: float
    orders: float
    footer: float


_LAYOUTS = {
    LabelSize.MM100X150: _Layout(1.0, 13, 30, 30, 20, 10, 7),
    LabelSize.MM76X130: _Layout(0.82, 11, 26, 27, 17, 9, 6),
}
MARGIN = 3 * mm
PAD = 2 * mm
MAX_BAR = 0.5 * mm


def render_labels(labels: Sequence[LabelData], *, printed_at: datetime | None = None) -> bytes:
    """One PDF, one page per label in the given order."""
    if not labels:
        raise ValueError("no labels to render")
    for label in labels:
        if not label.tracking_no.isascii() or not label.tracking_no.isprintable() or not label.tracking_no:
            raise ValueError(f"tracking no. {label.tracking_no!r} cannot be a Code 128 barcode")
    when = (printed_at or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(labels[0].size.width_mm * mm, labels[0].size.height_mm * mm),
                    pageCompression=1)
    canvas.setTitle("电子面单")
    for number, label in enumerate(labels, start=1):
        canvas.setPageSize((label.size.width_mm * mm, label.size.height_mm * mm))
        _Page(canvas, label, when, f"{number}/{len(labels)}").draw()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Page:
    def __init__(self, canvas: Canvas, label: LabelData, when: datetime, counter: str) -> None:
        self.c = canvas
        self.label = label
        self.when = when
        self.counter = counter
        self.font = cjk_font()
        self.layout = _LAYOUTS[label.size]
        self.w = label.size.width_mm * mm
        self.h = label.size.height_mm * mm
        self.left = MARGIN + PAD
        self.inner = self.w - 2 * (MARGIN + PAD)

    def pt(self, size: float) -> float:
        return size * self.layout.scale

    def text(self, x: float, y: float, text: str, size: float, *, bold: bool = False, align: str = "left",
             space: float = 0) -> None:
        # wqy-zenhei has no bold face: stroke the fill outline instead, as label printers' drivers do.
        span = width(text, self.font, size) + space * max(len(text) - 1, 0)
        x = {"left": x, "center": x - span / 2, "right": x - span}[align]
        # Text state (render mode, char spacing) outlives BT/ET in PDF: scope it with q/Q.
        self.c.saveState()
        obj = self.c.beginText(x, y)
        obj.setFont(self.font, size)
        obj.setCharSpace(space)
        if bold:
            obj.setTextRenderMode(2)
            self.c.setLineWidth(size * 0.04)
        obj.textOut(text)
        self.c.drawText(obj)
        self.c.restoreState()

    def rule(self, top: float) -> float:
        self.c.setLineWidth(0.8)
        self.c.line(MARGIN, self.h - top, self.w - MARGIN, self.h - top)
        return top

    def draw(self) -> None:
        lay = self.layout
        self.c.setLineWidth(1)
        self.c.rect(MARGIN, MARGIN, self.w - 2 * MARGIN, self.h - 2 * MARGIN)
        top = MARGIN
        self.header(top, lay.header * mm)
        top = self.rule(top + lay.header * mm)
        self.barcode(top, lay.barcode * mm)
        top = self.rule(top + lay.barcode * mm)
        self.party(top, lay.receiver * mm, "收", self.label.receiver, receiver=True)
        top = self.rule(top + lay.receiver * mm)
        self.party(top, lay.sender * mm, "寄", self.label.sender, receiver=False)
        top = self.rule(top + lay.sender * mm)
        items_h = self.h - MARGIN - (lay.orders + lay.footer) * mm - top
        self.items(top, items_h)
        top = self.rule(top + items_h)
        self.orders(top, lay.orders * mm)
        top = self.rule(top + lay.orders * mm)
        baseline = self.h - top - lay.footer * mm / 2 - self.pt(7) / 3
        self.text(self.left, baseline, f"打印时间 {self.when:%Y-%m-%d %H:%M}", self.pt(7))
        self.text(self.w - MARGIN - PAD, baseline, self.counter, self.pt(7), align="right")

    def header(self, top: float, height: float) -> None:
        size = self.pt(16)
        baseline = self.h - top - height / 2 - size * 0.35
        name = fit(self.label.carrier_name, self.font, size, self.inner * 0.62)
        self.text(self.left, baseline, name, size, bold=True)
        tag = f"{self.label.platform_name} 电子面单" if self.label.platform_name else "电子面单"
        self.text(self.w - MARGIN - PAD, baseline, tag, self.pt(9), align="right")

    def barcode(self, top: float, height: float) -> None:
        number_size = self.pt(14)
        bar_h = height - PAD * 2 - number_size * 1.3
        modules = Code128(self.label.tracking_no, barWidth=1, humanReadable=False).width
        bar = Code128(self.label.tracking_no, barWidth=min(MAX_BAR, self.inner / modules), barHeight=bar_h,
                      humanReadable=False)
        bar.drawOn(self.c, (self.w - bar.width) / 2, self.h - top - PAD - bar_h)
        self.text(self.w / 2, self.h - top - height + PAD + number_size * 0.15, self.label.tracking_no,
                  number_size, bold=True, align="center", space=self.pt(1.2))

    def party(self, top: float, height: float, mark: str, party: Party, *, receiver: bool) -> None:
        box = (9 if receiver else 7) * mm * self.layout.scale
        y_box = self.h - top - PAD - box
        self.c.setLineWidth(1)
        self.c.rect(self.left, y_box, box, box, fill=1 if receiver else 0)
        self.c.setFillGray(1 if receiver else 0)
        mark_size = box * 0.72
        self.text(self.left + box / 2, y_box + box * 0.2, mark, mark_size, align="center")
        self.c.setFillGray(0)
        x = self.left + box + PAD
        span = self.w - MARGIN - PAD - x
        name, phone = (mask_name(party.name), mask_phone(party.phone)) if receiver else (party.name, party.phone)
        address = mask_phone(party.address) if receiver else party.address
        head, body = (self.pt(14), self.pt(12)) if receiver else (self.pt(9), self.pt(8))
        baseline = self.h - top - PAD - head * 0.85
        self.text(x, baseline, fit(f"{name}  {phone}", self.font, head, span), head, bold=receiver)
        lines = max(1, int((height - PAD * 2 - head * 1.3) // (body * 1.3)))
        baseline -= head * 0.3
        for line in wrap(address, self.font, body, span, lines):
            baseline -= body * 1.3
            self.text(x, baseline, line, body)

    def items(self, top: float, height: float) -> None:
        size = self.pt(8)
        step = size * 1.35
        total = sum(i.quantity for i in self.label.items)
        baseline = self.h - top - PAD - size * 0.85
        self.text(self.left, baseline, f"商品（共 {total} 件）", size, bold=True)
        room = max(0, int((height - PAD * 2 - step) // step))
        items = self.label.items
        shown = items if len(items) <= room else items[: max(room - 1, 0)]
        for item in shown:
            baseline -= step
            spec = f" {item.spec}" if item.spec else ""
            qty = f" ×{item.quantity}"
            title = fit(f"{item.title}{spec}", self.font, size, self.inner - width(qty, self.font, size))
            self.text(self.left, baseline, title, size)
            self.text(self.w - MARGIN - PAD, baseline, qty, size, align="right")
        if len(shown) < len(items):
            baseline -= step
            self.text(self.left, baseline, f"…… 另 {len(items) - len(shown)} 种商品", size)

    def orders(self, top: float, height: float) -> None:
        size = self.pt(7.5)
        text = "订单号 " + ", ".join(self.label.order_nos)
        lines = wrap(text, self.font, size, self.inner, max(1, int((height - PAD) // (size * 1.3))))
        baseline = self.h - top - PAD / 2 - size * 0.95
        for line in lines:
            self.text(self.left, baseline, line, size)
            baseline -= size * 1.3
