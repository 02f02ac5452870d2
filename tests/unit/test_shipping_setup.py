"""Shipping on the first day: authorising a shop pulls its waybill accounts and chooses a default (issue #21.8)."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.platforms import registry
from chalicelib.services import waybill_accounts
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.waybills import WaybillDeps
from tests import fakes
from tests.waybill_fakes import FakeWaybillClient, InMemoryWaybillAccountRepository, InMemoryWaybillRepository


def _deps(client: object) -> WaybillDeps:
    orders, shops = fakes.InMemoryOrderRepository(), fakes.InMemoryShopRepository()
    clock = fakes.FixedClock(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "seller-a", app_key="k"))
    return WaybillDeps(orders=orders, shops=shops, platforms=registry, accounts=InMemoryWaybillAccountRepository(),
                       waybills=InMemoryWaybillRepository(), clients=lambda shop: client, clock=clock,
                       shipments=ShipmentDeps(orders, fakes.InMemoryShipmentRepository(), fakes.RecordingPublisher(),
                                              clock))


def test_given_a_newly_authorised_shop_then_its_accounts_are_pulled_and_a_default_chosen() -> None:
    deps = _deps(FakeWaybillClient())
    assert waybill_accounts.set_up_shipping(deps, "shopA") == "SF-0"
    assert deps.accounts.default_id("shopA") == "SF-0"


def test_given_a_default_the_seller_chose_then_setting_up_again_keeps_it() -> None:
    deps = _deps(FakeWaybillClient())
    waybill_accounts.pull_accounts(deps, "shopA")
    waybill_accounts.set_default_account(deps, "shopA", "ZTO-310000")
    assert waybill_accounts.set_up_shipping(deps, "shopA") == "ZTO-310000"


def test_given_a_platform_that_refuses_then_authorisation_is_not_undone() -> None:
    class Refusing(FakeWaybillClient):
        def waybill_accounts(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("platform down")
    deps = _deps(Refusing())
    assert waybill_accounts.set_up_shipping(deps, "shopA") == ""
