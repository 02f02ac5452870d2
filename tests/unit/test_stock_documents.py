"""Stock documents over the ledger's contract (fakes): a return receipt posts once however often the
after-sale's "received" is delivered, a stock count posts only the difference, a cancelled draft moves
nothing and cannot be audited."""
from __future__ import annotations

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.stock_documents import DocLine, DocReason, DocType, StockDocument
from chalicelib.services.stock_documents import audit_document, cancel_document, create_document, return_receipt
from tests import fakes
from tests.factories import T0


@pytest.fixture
def shelf():  # type: ignore[no-untyped-def]
    ledger = fakes.InMemoryStockLedger()
    ledger.apply([Movement("A", MovementKind.STOCK_IN, 10, "in-1", "test", T0)], guard_available=False)
    return ledger, fakes.InMemoryStockDocumentRepository(), fakes.InMemoryWarehouseRepository()


def test_given_a_return_received_twice_then_one_audited_receipt_and_stock_back_once(shelf) -> None:
    ledger, docs, warehouses = shelf
    items = [("1", "A", 2), ("2", "A", 1)]
    for _ in range(3):
        receipt = return_receipt(docs, warehouses, ledger, "S1-77", items, "default", T0)
    assert receipt.status == "audited" and receipt.lines == (DocLine("A", 3),) and receipt.reason == "return"
    assert ledger.balance("A").on_hand == 13


def test_given_a_return_restocked_before_documents_then_no_receipt_posts_it_again(shelf) -> None:
    ledger, docs, warehouses = shelf
    ledger.apply([Movement("A", MovementKind.RETURN, 2, "return:S1-78:1:A", "after_sale:S1-78", T0)],
                 guard_available=False)
    assert return_receipt(docs, warehouses, ledger, "S1-78", [("1", "A", 2)], "default", T0) is None
    assert ledger.balance("A").on_hand == 12


def test_given_a_count_then_only_the_difference_posts_and_a_cancelled_draft_cannot_be_audited(shelf) -> None:
    ledger, docs, warehouses = shelf
    count = StockDocument("cnt-00000001", DocType.COUNT, DocReason.COUNT, "default", (DocLine("A", 7),), "ops", T0)
    create_document(docs, warehouses, lambda codes: set(), count)
    audited = audit_document(docs, warehouses, ledger, "cnt-00000001", "user:ops", T0)
    assert audited.counted == (("A", 10),) and ledger.balance("A").on_hand == 7
    out = StockDocument("out-00000001", DocType.STOCK_OUT, DocReason.SAMPLE, "default", (DocLine("A", 1),), "ops", T0)
    create_document(docs, warehouses, lambda codes: set(), out)
    cancel_document(docs, "out-00000001", "user:ops", T0)
    with pytest.raises(ConflictError) as refused:
        audit_document(docs, warehouses, ledger, "out-00000001", "user:ops", T0)
    assert refused.value.reason == "stock_doc.not_draft" and ledger.balance("A").on_hand == 7
