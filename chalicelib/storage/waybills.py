"""Waybill accounts and waybills in DynamoDB: revision-conditional writes, an index for every listing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.waybills import ShopWaybillAccount, Waybill, tracking_shard
from chalicelib.services.ports import Page
from chalicelib.services.waybills import WaybillQuery
from chalicelib.storage import conditional, paging
from chalicelib.storage.waybill_models import DEFAULT, LINK, MAIN, WaybillAccountItem, WaybillItem


# ---------------------------------------------------------------- accounts
def _account_item(account: ShopWaybillAccount, revision: int) -> WaybillAccountItem:
    return WaybillAccountItem(account.shop_id, account.account_id, revision=revision,
                              doc=to_doc(account) | {"revision": revision})


class DynamoWaybillAccountRepository:
    def for_shop(self, shop_id: str) -> list[ShopWaybillAccount]:
        return [from_doc(ShopWaybillAccount, i.doc) for i in WaybillAccountItem.query(shop_id, consistent_read=True)
                if i.account_id != DEFAULT]

    def get(self, shop_id: str, account_id: str) -> ShopWaybillAccount | None:
        if account_id == DEFAULT:
            return None
        try:
            return from_doc(ShopWaybillAccount, WaybillAccountItem.get(shop_id, account_id, consistent_read=True).doc)
        except WaybillAccountItem.DoesNotExist:
            return None

    def add(self, account: ShopWaybillAccount) -> None:
        conditional.put(_account_item(account, 1), WaybillAccountItem.account_id.does_not_exist(),
                        f"waybill account {account.account_id}")

    def save(self, account: ShopWaybillAccount, expected_revision: int) -> None:
        conditional.put(_account_item(account, expected_revision + 1),
                        WaybillAccountItem.revision == expected_revision, f"waybill account {account.account_id}")

    def default_id(self, shop_id: str) -> str:
        try:
            return WaybillAccountItem.get(shop_id, DEFAULT, consistent_read=True).default_id or ""
        except WaybillAccountItem.DoesNotExist:
            return ""

    def set_default(self, shop_id: str, account_id: str) -> None:
        """One item holds the choice: choosing is one write, and two choices never leave two defaults."""
        WaybillAccountItem(shop_id, DEFAULT, default_id=account_id).save()


# ---------------------------------------------------------------- waybills
def _main_item(waybill: Waybill, revision: int) -> WaybillItem:
    due = waybill.next_track_at
    return WaybillItem(
        waybill.waybill_id, MAIN, issued_key=sortable(waybill.issued_at), shop_id=waybill.shop_id,
        shop_status=f"{waybill.shop_id}#{waybill.status.value}", status=waybill.status.value,
        track_shard=tracking_shard(waybill.waybill_id) if due else None, track_next=sortable(due) if due else None,
        revision=revision, doc=to_doc(waybill) | {"revision": revision})


def _waybill(item: WaybillItem) -> Waybill:
    return from_doc(Waybill, item.doc)


class DynamoWaybillRepository:
    def get(self, waybill_id: str) -> Waybill | None:
        try:
            return _waybill(WaybillItem.get(waybill_id, MAIN, consistent_read=True))
        except WaybillItem.DoesNotExist:
            return None

    def add(self, waybill: Waybill) -> None:
        # links first: a link whose waybill is not written yet is skipped by for_order
        for order_id in waybill.order_ids:
            WaybillItem(waybill.waybill_id, f"{LINK}{order_id}", issued_key=sortable(waybill.issued_at),
                        order_id=order_id).save()
        conditional.put(_main_item(waybill, 1), WaybillItem.waybill_id.does_not_exist(),
                        f"waybill {waybill.waybill_id}")

    def save(self, waybill: Waybill, expected_revision: int) -> None:
        conditional.put(_main_item(waybill, expected_revision + 1), WaybillItem.revision == expected_revision,
                        f"waybill {waybill.waybill_id}")

    def for_order(self, order_id: str) -> list[Waybill]:
        """Read from the waybill itself (the index may trail a write just made)."""
        ids = dict.fromkeys(i.waybill_id for i in WaybillItem.by_order.query(order_id))
        return [w for w in (self.get(i) for i in ids) if w is not None]

    def query(self, q: WaybillQuery) -> Page[Waybill]:
        kw: dict[str, Any] = {"limit": q.limit, "last_evaluated_key": paging.decode(q.cursor),
                              "scan_index_forward": False}
        if q.shop_id and q.status:
            results = WaybillItem.by_shop_status.query(f"{q.shop_id}#{q.status.value}", **kw)
        elif q.shop_id:
            results = WaybillItem.by_shop.query(q.shop_id, **kw)
        elif q.status:
            results = WaybillItem.by_status.query(q.status.value, **kw)
        else:
            raise ValidationError("name a shop_id, a status or an order_id", field="shop_id")
        items = [_waybill(i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))

    def due_for_tracking(self, shard: str, until: datetime, limit: int) -> list[Waybill]:
        results = WaybillItem.by_tracking_due.query(shard, WaybillItem.track_next <= sortable(until), limit=limit)
        return [_waybill(i) for i in results]
