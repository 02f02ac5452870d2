"""Stock documents (入库单 / 出库单 / 调拨单 / 盘点单): a draft with lines, audited once by someone; only
auditing moves stock, through ledger movements whose keys are the document's, so a repeat posts nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import ConflictError, ValidationError
from chalicelib.domain.inventory import Movement, MovementKind

MAX_LINES = 40           # a transfer's lines take two movements and two balances each: one transaction


class DocType(StrEnum):
    STOCK_IN = "stock_in"
    STOCK_OUT = "stock_out"
    TRANSFER = "transfer"
    COUNT = "count"


class DocReason(StrEnum):
    PURCHASE = "purchase"        # stock-in
    RETURN = "return"            # stock-in: an after-sale's goods received back
    SURPLUS = "surplus"          # stock-in
    DAMAGE = "damage"            # stock-out
    SAMPLE = "sample"            # stock-out
    LOSS = "loss"                # stock-out
    TRANSFER = "transfer"
    COUNT = "count"


REASONS = {DocType.STOCK_IN: {DocReason.PURCHASE, DocReason.RETURN, DocReason.SURPLUS},
           DocType.STOCK_OUT: {DocReason.DAMAGE, DocReason.SAMPLE, DocReason.LOSS},
           DocType.TRANSFER: {DocReason.TRANSFER}, DocType.COUNT: {DocReason.COUNT}}


class DocStatus(StrEnum):
    DRAFT = "draft"
    AUDITED = "audited"          # stock moved (a transfer: out of the source, in transit to the target)
    RECEIVED = "received"        # a transfer arrived at its target
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class DocLine:
    sku_code: str
    quantity: int                # a count: the quantity counted
    location: str = ""


@dataclass(frozen=True)
class StockDocument:
    doc_id: str
    doc_type: DocType
    reason: DocReason
    warehouse_id: str
    lines: tuple[DocLine, ...]
    created_by: str
    created_at: datetime
    target_warehouse_id: str = ""    # a transfer's destination
    note: str = ""
    source: str = ""                 # "after_sale:<case>" for a return receipt
    status: DocStatus = DocStatus.DRAFT
    audited_by: str = ""
    audited_at: datetime | None = None
    received_by: str = ""
    received_at: datetime | None = None
    counted: tuple[tuple[str, int], ...] = ()   # a count: (sku, on hand when audited) the difference came from
    revision: int = 0

    def validated(self) -> StockDocument:
        if self.reason not in REASONS[self.doc_type]:
            raise ValidationError(f"a {self.doc_type} document cannot have reason {self.reason}", field="reason",
                                  reason="stock_doc.bad_reason")
        if not 1 <= len(self.lines) <= MAX_LINES:
            raise ValidationError(f"1..{MAX_LINES} lines", field="lines", reason="stock_doc.bad_lines")
        codes = [line.sku_code for line in self.lines]
        if len(set(codes)) != len(codes):
            raise ValidationError("each SKU once per document", field="lines", reason="stock_doc.bad_lines")
        least = 0 if self.doc_type is DocType.COUNT else 1
        if any(line.quantity < least for line in self.lines):
            raise ValidationError("quantities must be positive (a count: zero or more)", field="lines",
                                  reason="stock_doc.bad_quantity")
        if self.doc_type is not DocType.TRANSFER and self.target_warehouse_id:
            raise ValidationError("only a transfer has a target warehouse", field="target_warehouse_id",
                                  reason="stock_doc.target_not_transfer")
        if self.doc_type is DocType.TRANSFER and self.target_warehouse_id in ("", self.warehouse_id):
            raise ValidationError("a transfer needs another warehouse as its target", field="target_warehouse_id",
                                  reason="stock_doc.same_warehouse")
        return self

    def require(self, status: DocStatus, action: str) -> None:
        if self.status is not status:
            raise ConflictError(f"document {self.doc_id} is {self.status}: cannot {action}",
                                reason=f"stock_doc.not_{status.value}")


def key(doc: StockDocument, line: DocLine, step: str) -> str:
    return f"doc:{doc.doc_id}:{step}:{line.sku_code}"


def audit_movements(doc: StockDocument, on_hand: dict[str, int], actor: str, now: datetime) -> list[Movement]:
    """What auditing posts. on_hand: a count's current on hand per SKU (the difference is posted)."""
    source, out = f"doc:{doc.doc_id}", []
    for line in doc.lines:
        def move(kind: MovementKind, qty: int, warehouse: str, step: str, line: DocLine = line) -> Movement:
            return Movement(line.sku_code, kind, qty, key(doc, line, step), source, now,
                            f"{doc.reason} by {actor}"[:200], warehouse)
        match doc.doc_type:
            case DocType.STOCK_IN:
                out.append(move(MovementKind.STOCK_IN, line.quantity, doc.warehouse_id, "in"))
            case DocType.STOCK_OUT:
                out.append(move(MovementKind.STOCK_OUT, line.quantity, doc.warehouse_id, "out"))
            case DocType.TRANSFER:
                out.append(move(MovementKind.TRANSFER_OUT, line.quantity, doc.warehouse_id, "out"))
                out.append(move(MovementKind.IN_TRANSIT, line.quantity, doc.target_warehouse_id, "transit"))
            case DocType.COUNT:
                difference = line.quantity - on_hand.get(line.sku_code, 0)
                if difference:
                    out.append(move(MovementKind.COUNT, difference, doc.warehouse_id, "count"))
    return out


def receive_movements(doc: StockDocument, now: datetime) -> list[Movement]:
    return [Movement(line.sku_code, MovementKind.ARRIVE, line.quantity, key(doc, line, "arrive"),
                     f"doc:{doc.doc_id}", now, "transfer received", doc.target_warehouse_id) for line in doc.lines]
