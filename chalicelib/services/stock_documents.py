"""Stock documents: created as drafts (once per id: a repeat with the same id answers the first), audited
once (only then stock moves, in one conditional transaction keyed by the document, so a crash between the
movements and the status is finished by auditing again and nothing posts twice); a transfer is received
at its target later. A return receipt for an after-sale is created and audited by the system, once."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.inventory import Movement
from chalicelib.domain.stock_documents import (
    DocLine,
    DocReason,
    DocStatus,
    DocType,
    StockDocument,
    audit_movements,
    receive_movements,
)
from chalicelib.domain.warehouses import WarehouseKind
from chalicelib.services.ports import Page
from chalicelib.services.stock_ports import Applied, StockLedger
from chalicelib.services.warehouses import WarehouseRepository, require

MAX_ATTEMPTS = 5
UnknownSkus = Callable[[Iterable[str]], set[str]]     # which of these ERP SKU codes do not exist


class DocumentRepository(Protocol):
    def get(self, doc_id: str) -> StockDocument | None: ...
    def add(self, doc: StockDocument) -> bool: ...
    def save(self, doc: StockDocument, expected_revision: int) -> StockDocument: ...
    def list(self, limit: int = 50, cursor: str | None = None) -> Page[StockDocument]: ...


def create_document(docs: DocumentRepository, warehouses: WarehouseRepository, unknown: UnknownSkus,
                    draft: StockDocument) -> tuple[StockDocument, bool]:
    """(the document, created now?). The same id again with other content is a 409."""
    doc = draft.validated()
    for field, warehouse_id in (("warehouse_id", doc.warehouse_id), ("target_warehouse_id", doc.target_warehouse_id)):
        if not warehouse_id:
            continue
        warehouse = require(warehouses, warehouse_id, field)
        if warehouse.kind is WarehouseKind.THIRD_PARTY:
            raise ValidationError(f"{warehouse_id}'s stock is reported by the ERP/WMS", field=field,
                                  reason="warehouse.reported_by_erp")
        if field == "warehouse_id" and not all(warehouse.has_location(line.location) for line in doc.lines):
            raise ValidationError(f"a line names a location {warehouse_id} does not have", field="lines",
                                  reason="warehouse.unknown_location")
    missing = unknown(line.sku_code for line in doc.lines)
    if missing:
        raise ValidationError(f"unknown ERP SKU {', '.join(sorted(missing))}", field="lines",
                              reason="stock_doc.unknown_sku")
    if docs.add(doc):
        return doc, True
    first = docs.get(doc.doc_id)
    if first is None or _content(first) != _content(doc):
        raise ConflictError(f"document id {doc.doc_id} was used for another document", reason="stock_doc.id_taken")
    return first, False


def _content(doc: StockDocument) -> tuple[object, ...]:
    return (doc.doc_type, doc.reason, doc.warehouse_id, doc.target_warehouse_id, doc.lines)


def audit_document(docs: DocumentRepository, warehouses: WarehouseRepository, ledger: StockLedger, doc_id: str,
                   actor: str, now: datetime) -> StockDocument:
    """Posts the document's movements and marks it audited; auditing an audited document is a 409."""
    for _ in range(MAX_ATTEMPTS):
        doc = _get(docs, doc_id)
        doc.require(DocStatus.DRAFT, "audit")
        counted = _post(ledger, warehouses, doc, actor, now)
        audited = replace(doc, status=DocStatus.AUDITED, audited_by=actor, audited_at=now, counted=counted)
        try:
            return docs.save(audited, doc.revision)
        except ConflictError:
            continue
    raise ConflictError(f"document {doc_id} kept changing")


def _post(ledger: StockLedger, warehouses: WarehouseRepository, doc: StockDocument, actor: str,
          now: datetime) -> tuple[tuple[str, int], ...]:
    source = require(warehouses, doc.warehouse_id)
    for _ in range(MAX_ATTEMPTS):
        if doc.doc_type is DocType.COUNT:
            posted = _posted_count(ledger, doc)
            if posted is not None:
                return posted
        before = {line.sku_code: ledger.balance(line.sku_code, doc.warehouse_id) for line in doc.lines}
        moves = audit_movements(doc, {c: s.on_hand for c, s in before.items()}, actor, now)
        counted = tuple((c, s.on_hand) for c, s in before.items()) if doc.doc_type is DocType.COUNT else ()
        expect = {(c, doc.warehouse_id): s.revision for c, s in before.items()} if counted else None
        result = _apply(ledger, moves, guarded=not source.allow_negative and doc.doc_type is not DocType.COUNT,
                        expect=expect)
        if result in (Applied.APPLIED, Applied.REPLAYED):
            return counted
        if result is Applied.SHORT and expect is None:
            raise ConflictError(f"not enough available stock in {doc.warehouse_id} for document {doc.doc_id}",
                                reason="stock_doc.short")
    raise ConflictError(f"stock of document {doc.doc_id} kept changing")


def _posted_count(ledger: StockLedger, doc: StockDocument) -> tuple[tuple[str, int], ...] | None:
    """A count audited before a crash: its differences are in the ledger already (none posted: None)."""
    keys = [(line.sku_code, f"doc:{doc.doc_id}:count:{line.sku_code}") for line in doc.lines]
    if not ledger.existing(keys):
        return None
    return tuple((line.sku_code, -1) for line in doc.lines)    # the on hand it was counted against is lost


def _apply(ledger: StockLedger, moves: Sequence[Movement], guarded: bool,
           expect: dict[tuple[str, str], int] | None = None) -> Applied:
    if not moves:
        return Applied.APPLIED
    return ledger.apply(moves, guard_available=guarded, guard_on_hand=guarded, expect=expect)


def receive_transfer(docs: DocumentRepository, ledger: StockLedger, doc_id: str, actor: str,
                     now: datetime) -> StockDocument:
    for _ in range(MAX_ATTEMPTS):
        doc = _get(docs, doc_id)
        if doc.doc_type is not DocType.TRANSFER:
            raise ValidationError("only a transfer is received", field="doc_id", reason="stock_doc.not_transfer")
        doc.require(DocStatus.AUDITED, "receive")
        _apply(ledger, receive_movements(doc, now), guarded=False)
        try:
            return docs.save(replace(doc, status=DocStatus.RECEIVED, received_by=actor, received_at=now),
                             doc.revision)
        except ConflictError:
            continue
    raise ConflictError(f"document {doc_id} kept changing")


def cancel_document(docs: DocumentRepository, doc_id: str, actor: str, now: datetime) -> StockDocument:
    doc = _get(docs, doc_id)
    doc.require(DocStatus.DRAFT, "cancel")
    return docs.save(replace(doc, status=DocStatus.CANCELLED,
                             note=f"{doc.note} (cancelled by {actor} at {now.isoformat()})".strip()[:500]),
                     doc.revision)


def return_receipt(docs: DocumentRepository, warehouses: WarehouseRepository, ledger: StockLedger, case_id: str,
                   items: Sequence[tuple[str, str, int]], warehouse_id: str, now: datetime) -> StockDocument | None:
    """An after-sale's goods confirmed received: one stock-in (reason return) per case, audited by the
    system; a repeated delivery finds it and posts nothing again."""
    lines: dict[str, int] = {}
    for _, code, qty in items:
        if qty > 0:
            lines[code] = lines.get(code, 0) + qty
    if not lines:
        return None
    before_documents = [(code, f"return:{case_id}:{line_id}:{code}") for line_id, code, _ in items]
    if ledger.existing(before_documents):    # restocked before stock documents existed
        return None
    doc_id = f"return-{case_id}"[:64]
    draft = StockDocument(doc_id, DocType.STOCK_IN, DocReason.RETURN, warehouse_id,
                          tuple(DocLine(c, q) for c, q in sorted(lines.items())), "system:after_sales", now,
                          source=f"after_sale:{case_id}")
    if not docs.add(draft.validated()):
        existing = _get(docs, doc_id)
        if existing.status is not DocStatus.DRAFT:
            return existing
    try:
        return audit_document(docs, warehouses, ledger, doc_id, "system:after_sales", now)
    except ConflictError:                 # a duplicate delivery audited it meanwhile: posted once, by that one
        existing = _get(docs, doc_id)
        if existing.status is DocStatus.DRAFT:
            raise
        return existing


def _get(docs: DocumentRepository, doc_id: str) -> StockDocument:
    doc = docs.get(doc_id)
    if doc is None:
        raise NotFoundError(f"no stock document {doc_id}", reason="stock_doc.unknown")
    return doc
