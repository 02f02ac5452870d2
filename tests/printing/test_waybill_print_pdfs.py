"""The print use cases end to end on fakes, down to the rendered PDF bytes (moved out of tests/unit: the
unit tier renders no PDFs)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.platforms import registry
from chalicelib.printing import waybill_print
from chalicelib.services import waybill_accounts, waybills
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.waybills import WaybillDeps
from tests import fakes
from tests.factories import canonical_order
from tests.waybill_fakes import LINKED, FakeWaybillClient, InMemoryWaybillAccountRepository, InMemoryWaybillRepository


@pytest.fixture
def deps() -> WaybillDeps:
    orders, shops, publisher = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository(), fakes.RecordingPublisher()
    clock = fakes.FixedClock(datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    client = FakeWaybillClient()
    deps = WaybillDeps(orders=orders, shops=shops, platforms=registry, accounts=InMemoryWaybillAccountRepository(),
                       waybills=InMemoryWaybillRepository(), clients=lambda shop: client, clock=clock,
                       shipments=ShipmentDeps(orders, fakes.InMemoryShipmentRepository(), publisher, clock))
    waybill_accounts.pull_accounts(deps, "shopA")
    waybill_accounts.set_default_account(deps, "shopA", "ZTO-310000")
    return deps


def test_GIVEN_orders_WHEN_a_picklist_and_labels_are_asked_THEN_pdfs(deps: WaybillDeps) -> None:
    for number in ("1", "2"):
        apply_snapshot(deps.orders, deps.clock, "shopA", canonical_order(number), LINKED)
    ids = ["shopA-1", "shopA-2"]
    assert waybill_print.picklist_pdf(deps, ids).startswith(b"%PDF")
    waybill_ids = [o.waybill.waybill_id for o in waybills.issue(deps, ids) if o.waybill]
    assert waybill_print.labels_pdf(deps, waybill_ids, "76x130").startswith(b"%PDF")
    with pytest.raises(ValidationError):
        waybill_print.labels_pdf(deps, waybill_ids, "A4")
