"""After-sale cases in DynamoDB, conditional on the revision read."""
from __future__ import annotations

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.status import ErpHandoff
from chalicelib.storage import conditional
from chalicelib.storage.models import AfterSaleItem


def to_item(case: AfterSale, revision: int) -> AfterSaleItem:
    ready = case.erp_handoff is ErpHandoff.READY
    return AfterSaleItem(
        case.case_id, order_id=case.order_id, shop_id=case.shop_id, status=case.status.value,
        created_at=sortable(case.created_at), updated_at=sortable(case.modified_at),
        deadline_key=sortable(case.deadline_at) if case.deadline_at else "~",
        erp_queue="READY" if ready else None, ready_at=sortable(case.modified_at) if ready else None,
        version=case.version, revision=revision, doc=to_doc(case) | {"revision": revision},
    )


class DynamoAfterSaleRepository:
    def get(self, case_id: str) -> AfterSale | None:
        try:
            return from_doc(AfterSale, AfterSaleItem.get(case_id, consistent_read=True).doc)
        except AfterSaleItem.DoesNotExist:
            return None

    def add(self, case: AfterSale) -> None:
        conditional.put(to_item(case, 1), AfterSaleItem.case_id.does_not_exist(), f"case {case.case_id}")

    def save(self, case: AfterSale, expected_revision: int) -> None:
        conditional.put(to_item(case, expected_revision + 1), AfterSaleItem.revision == expected_revision,
                        f"case {case.case_id}")

    def for_order(self, order_id: str) -> list[AfterSale]:
        return [from_doc(AfterSale, i.doc) for i in AfterSaleItem.by_order.query(order_id)]
