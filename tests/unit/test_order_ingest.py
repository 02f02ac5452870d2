"""The consumers' use case (services/order_ingest.py) over fakes: a snapshot needs no shop, a reference is
fetched through the shop read once, and the ERP note names the version applied."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.orders import order_id_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services.order_ingest import IngestDeps, ingest_order
from chalicelib.services.order_notes import RecordingOrderRepository
from chalicelib.services.report_notes import new_order_fold
from tests import fakes
from tests.factories import canonical_order


class NoBatchReads:
    def first_read(self, order_id: str) -> None:
        return None

    def links(self, shop_id: str, sku_ids: set[str]) -> dict[str, Any]:
        return {}


class CountingShops(fakes.InMemoryShopRepository):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, shop_id: str) -> Shop | None:
        self.reads += 1
        return super().get(shop_id)


def _deps(client: fakes.FakePlatformClient,
          stored: fakes.InMemoryOrderRepository | None = None) -> tuple[IngestDeps, CountingShops]:
    shops = CountingShops()
    shops.add(Shop("S1", "店", Platform.TAOBAO, "seller-1"))
    # one per message, as bootstrap.ingest_deps makes it
    orders = RecordingOrderRepository(stored or fakes.InMemoryOrderRepository())
    deps = IngestDeps(orders=orders, cases=fakes.InMemoryAfterSaleRepository(),
                      shops=shops, clients=lambda _shop: client, clock=fakes.FixedClock(),  # type: ignore[arg-type, return-value]
                      stock=fakes.InMemoryStockLedger(), shipments=lambda _order_id: [], reads=NoBatchReads(),
                      stored=orders.stored)
    return deps, shops


def test_GIVEN_a_snapshot_THEN_it_is_stored_without_reading_the_shop_and_its_note_names_the_version() -> None:
    order = canonical_order("O-1")
    deps, shops = _deps(fakes.FakePlatformClient())
    done = ingest_order(deps, "S1", "O-1", order)
    assert (done.outcome, shops.reads) == ("new", 0)
    stored = deps.orders.get(order_id_for("S1", "O-1"))
    assert stored is not None
    # the revision its last write stored (settling may write after the insert) and what that version adds
    # to the reports: the reports consumer folds a new order without reading it
    assert json.loads(done.note[0]) == {"kind": "order", "id": order_id_for("S1", "O-1"), "shop_id": "S1",
                                        "version": order.version, "revision": stored.revision, "new": True,
                                        "fold": new_order_fold(stored)}


def test_GIVEN_a_known_order_re_sent_unchanged_THEN_its_note_names_no_revision_and_is_not_new() -> None:
    order, stored = canonical_order("O-1"), fakes.InMemoryOrderRepository()
    ingest_order(_deps(fakes.FakePlatformClient(), stored)[0], "S1", "O-1", order)
    done = ingest_order(_deps(fakes.FakePlatformClient(), stored)[0], "S1", "O-1", order)
    assert done.outcome == "unchanged"
    assert not {"revision", "new", "fold"} & set(json.loads(done.note[0]))


def test_GIVEN_a_reference_THEN_the_order_is_fetched_through_the_shop_read_once_and_a_repeat_changes_nothing() -> None:
    deps, shops = _deps(fakes.FakePlatformClient(orders=[canonical_order("O-2")]))
    assert ingest_order(deps, "S1", "O-2", None).outcome == "new"
    assert ingest_order(deps, "S1", "O-2", None).outcome == "unchanged"
    assert shops.reads == 2


def test_GIVEN_a_case_applied_before_the_orders_next_change_WHEN_the_snapshot_shows_no_refund_THEN_the_case_state_stays() -> None:
    from chalicelib.domain.status import OrderStatus, RefundState
    from chalicelib.services.after_sales_ingest import apply_case
    from tests.factories import canonical_case
    deps, _ = _deps(fakes.FakePlatformClient())
    ingest_order(deps, "S1", "O-3", canonical_order("O-3", platform=Platform.JD))
    apply_case(deps.cases, deps.orders, deps.clock, "S1", canonical_case("R1", "O-3"), lambda _no: None)
    # JD's order API carries no refund state: its next change (shipped) says none
    later = canonical_order("O-3", minutes=5, platform=Platform.JD, status=OrderStatus.SHIPPED)
    assert ingest_order(deps, "S1", "O-3", later).outcome == "updated"
    order = deps.orders.get(order_id_for("S1", "O-3"))
    assert (order.status, order.refund_state) == (OrderStatus.SHIPPED, RefundState.IN_PROGRESS)


def test_GIVEN_an_after_sale_push_WHEN_the_platform_fails_to_show_it_THEN_it_is_deferred_not_retried() -> None:
    import pytest

    from chalicelib.services.order_ingest import ingest_after_sale_message
    from chalicelib.services.platform_errors import TransientError
    client = fakes.FakePlatformClient()
    deps, _ = _deps(client)
    client.fail_next = [TransientError("busy")]
    assert ingest_after_sale_message(deps, "S1", "R-9", None, "push").outcome == "deferred"
    client.fail_next = [TransientError("busy")]
    with pytest.raises(TransientError):     # a pull's reference is retried: nothing else would bring it
        ingest_after_sale_message(deps, "S1", "R-9", None, "pull")


def test_GIVEN_an_order_first_seen_shipped_WHEN_ingested_THEN_no_shipments_are_read_until_it_is_known() -> None:
    from dataclasses import replace

    from chalicelib.domain.status import OrderStatus
    asked: list[str] = []
    deps, _ = _deps(fakes.FakePlatformClient())
    deps = replace(deps, shipments=lambda order_id: asked.append(order_id) or [])
    shipped = canonical_order("O-5", status=OrderStatus.SHIPPED)
    assert ingest_order(deps, "S1", "O-5", shipped).outcome == "new"
    assert asked == []                      # a new order has no shipment of ours: nothing to read
    assert ingest_order(deps, "S1", "O-5", canonical_order("O-5", minutes=5, status=OrderStatus.COMPLETED)
                        ).outcome == "updated"
    assert asked == [order_id_for("S1", "O-5")]
