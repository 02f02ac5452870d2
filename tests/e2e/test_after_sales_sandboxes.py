"""The after-sale center end to end against every platform's sandbox: a buyer opens a case of every type
the sandbox supports; the OMS ingests it (holding the order when it has not shipped); the seller acts
through the OMS use cases; the platform-actions handler writes to the sandbox; the sandbox shows the new
state; the OMS shows the final state. A refused action keeps the platform's reason, and asking again
later applies nothing twice."""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.after_sales import AfterSale, case_id_for
from chalicelib.domain.errors import InvalidTransitionError
from chalicelib.domain.orders import order_id_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import HoldReason, OrderStatus, ShipmentStatus
from chalicelib.services import after_sales as svc
from chalicelib.services.action_handlers import run_action
from chalicelib.services.actions import decode
from chalicelib.services.after_sales_ingest import apply_case
from chalicelib.services.carriers import platform_carrier
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.platform_types import ShipRequest
from chalicelib.services.shop_admin import AppMode, add_shop
from local.sandbox.core import SandboxServer
from tests import fakes

PLATFORMS = ["taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs"]
BUYER_RETURNS = {"taobao": "buyer_return_goods", "pdd": "buyer_return_goods", "douyin": "buyer_returns",
                 "wechat": "buyer_ships_return", "kuaishou": "buyer_returns_goods", "xhs": "buyer_returns_goods"}
ADDRESS = {"address": {"province": "浙江省", "city": "杭州市", "district": "余杭区", "detail": "文一西路969号 退货仓"},
           "contact": "售后组", "phone": "13800000000"}
REFUNDED = {S.REFUNDED, S.PLATFORM_PROCESSING}
RESEND_SANDBOXES = set(PLATFORMS)   # every sandbox serves its platform's resend API


def unthrottled_client(shop: Any) -> Any:
    """shop_clients' client without its per-shop rate limiter: the sandbox does not need sparing."""
    from chalicelib.platforms.registry import client_for
    from chalicelib.platforms.shop_clients import credentials_for
    from tests.contract.platform_suite import fast_transport
    return client_for(credentials_for(shop, bootstrap.shops().get_secrets(shop.shop_id)), fast_transport())


@pytest.fixture
def world() -> Iterator[fakes.FixedClock]:
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    from tests.aws import aws
    clock = fakes.FixedClock(datetime.now(UTC).replace(microsecond=0))
    with aws(("shops", "orders", "after_sales", "shipments")):
        bootstrap.reset()
        with bootstrap.override(shops=DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                publisher=fakes.RecordingPublisher(), clock=clock, clients=unthrottled_client,
                                stock=None):
            yield clock
        bootstrap.reset()


@dataclass
class Seller:
    platform: str
    sandbox: Any
    seller_id: str
    shop: Any
    client: Any
    clock: fakes.FixedClock
    orders: list[str]

    def ingest_order(self, order_no: str) -> Any:
        apply_snapshot(bootstrap.orders(), self.clock, self.shop.shop_id, self.client.get_order(order_no), {})
        return bootstrap.orders().get(order_id_for(self.shop.shop_id, order_no))

    def ingest_case(self, case_no: str) -> AfterSale:
        apply_case(bootstrap.after_sales(), bootstrap.orders(), self.clock, self.shop.shop_id,
                   self.client.get_after_sale(case_no), fetch_order=self.ingest_order)
        case = bootstrap.after_sales().get(case_id_for(self.shop.shop_id, case_no))
        assert case is not None
        return case

    def order(self, *, shipped: bool) -> str:
        order_no = self.orders.pop()
        if shipped:
            carrier = platform_carrier(bootstrap.platforms(), self.platform, "ZTO")
            self.client.ship(ShipRequest(order_no, carrier, f"7{abs(hash(order_no)) % 10**12:012d}"))
        self.ingest_order(order_no)
        return order_no

    def deliver(self) -> None:
        publisher = bootstrap.publisher()
        sent, publisher.sent = [m for m in publisher.sent if m[0] == "platform_actions"], []
        for _queue, body, _, _ in sent:
            action = decode(body)
            run_action(replace(bootstrap.action_deps(), clients=lambda _shop: self.client), action)

    def act(self, case: AfterSale, action: str, **params: Any) -> AfterSale:
        self.clock.advance(seconds=2)      # platform times have second resolution: each step its own second
        svc.request_action(bootstrap.after_sale_deps(), case.case_id, action, "user:admin", params)
        self.deliver()
        return svc.get_case(bootstrap.after_sales(), case.case_id)

    def truth(self, case_no: str) -> str:
        return str(self.sandbox.truth_after_sales(self.seller_id)[case_no].platform_status)


@pytest.fixture(params=PLATFORMS)
def seller(world: fakes.FixedClock, request: pytest.FixtureRequest) -> Iterator[Seller]:
    platform = request.param
    sandbox = importlib.import_module(f"local.sandbox.{platform}").create_sandbox(seed=71, clock=world.now)
    server = SandboxServer(sandbox).start()
    try:
        sb = sandbox.add_shop()
        shop = add_shop(bootstrap.shops(), bootstrap.platforms(), name="售后店", platform=Platform(platform), mode=AppMode.SELF_BUILT,
                        app_key=sb.app_key, app_secret=sb.app_secret, seller_id=sb.seller_id,
                        access_token=sb.access_token, refresh_token=sb.refresh_token, extra=dict(sb.extra),
                        base_url=server.url)
        now = world.now()
        generated = sandbox.generate_orders(sb.seller_id, 40, now - timedelta(hours=2), now - timedelta(hours=1))
        client = bootstrap.clients()(shop)
        awaiting = [no for no in generated if client.get_order(no).status is OrderStatus.AWAITING_SHIPMENT]
        yield Seller(platform, sandbox, sb.seller_id, shop, client, world, awaiting)
    finally:
        server.stop()


def first_reason(seller: Seller) -> str:
    from chalicelib.domain.reject_reasons import allowed_reject_reasons
    return next(iter(allowed_reject_reasons(seller.platform)))


def open_case(seller: Seller, kind: str, *, shipped: bool) -> tuple[str, AfterSale] | None:
    order_no = seller.order(shipped=shipped)
    seller.clock.advance(seconds=2)
    try:
        case_no = seller.sandbox.request_after_sale(seller.seller_id, order_no, kind)
    except (ValueError, KeyError):
        return None                   # this platform has no such case type
    return case_no, seller.ingest_case(case_no)


def buyer_returns(seller: Seller, case_no: str, case: AfterSale) -> AfterSale:
    if case.status is not S.AWAITING_BUYER_RETURN or seller.platform not in BUYER_RETURNS:
        return case
    seller.clock.advance(seconds=2)
    getattr(seller.sandbox, BUYER_RETURNS[seller.platform])(seller.seller_id, case_no)
    return seller.ingest_case(case_no)


def test_given_a_refund_request_on_an_unshipped_order_then_it_is_held_and_an_approval_refunds_and_releases_it(
        seller: Seller) -> None:
    opened = open_case(seller, "refund_only", shipped=False)
    assert opened is not None
    case_no, case = opened
    order = bootstrap.orders().get(case.order_id)
    assert case.status is S.PENDING_REVIEW and HoldReason.REFUND_REQUESTED in order.holds

    before = seller.truth(case_no)
    case = seller.act(case, svc.APPROVE_REFUND)
    assert seller.truth(case_no) != before, "the sandbox shows the approval"
    assert case.status in REFUNDED and not case.pending_action and not case.action_error
    assert [e.kind for e in case.history] == ["requested", "applied"]
    assert HoldReason.REFUND_REQUESTED not in bootstrap.orders().get(case.order_id).holds

    again = seller.act(case, svc.APPROVE_REFUND)      # asked again later: answered as it stands, nothing re-sent
    assert again.revision == case.revision and not again.pending_action


def test_given_a_case_the_platform_already_closed_then_a_rejection_surfaces_the_platforms_reason_once(
        seller: Seller) -> None:
    opened = open_case(seller, "refund_only", shipped=False)
    assert opened is not None
    case_no, case = opened
    seller.clock.advance(seconds=2)
    seller.client.approve_refund(case_no)            # settled in the platform's back office; the OMS lags

    case = seller.act(case, svc.REJECT_REFUND, reason_code=first_reason(seller),
                      reason_text="商品已发出，请拒收后再申请")
    assert case.action_error and case.history[-1].kind == "refused", case.history
    assert case.status in REFUNDED, "the refusal shows the platform's state as it is now"
    truth = seller.truth(case_no)
    with pytest.raises(InvalidTransitionError):
        seller.act(case, svc.REJECT_REFUND, reason_code=first_reason(seller), reason_text="再试一次")
    assert seller.truth(case_no) == truth and len(svc.get_case(bootstrap.after_sales(), case.case_id).history) == 2


def test_given_a_return_then_approve_return_buyer_ships_and_confirm_received_refund_it(seller: Seller) -> None:
    opened = open_case(seller, "return_and_refund", shipped=True)
    if opened is None:
        pytest.skip(f"{seller.platform} sandbox has no return_and_refund case")
    case_no, case = opened
    assert case.status is S.PENDING_REVIEW, case
    case = seller.act(case, svc.APPROVE_RETURN, **ADDRESS)
    assert case.status in (S.AWAITING_BUYER_RETURN, S.AWAITING_SELLER_RECEIPT), case.action_error
    case = buyer_returns(seller, case_no, case)
    assert case.status is S.AWAITING_SELLER_RECEIPT, case
    case = seller.act(case, svc.CONFIRM_RECEIVED)
    assert case.status in REFUNDED, case.action_error
    # the ingest of the buyer's parcel rebuilt the case (see the report: it should carry the OMS history)
    assert [e.action for e in case.history if e.kind == "applied"][-1] == svc.CONFIRM_RECEIVED


@pytest.mark.parametrize("kind", ["exchange", "reissue", "repair"])
def test_given_an_exchange_or_reissue_then_the_oms_ships_a_new_parcel_linked_to_the_case(
        seller: Seller, kind: str) -> None:
    opened = open_case(seller, kind, shipped=True)
    if opened is None:
        pytest.skip(f"{seller.platform} sandbox has no {kind} case")
    case_no, case = opened
    if case.status is S.PENDING_REVIEW and case.type.value in ("exchange", "repair"):
        case = seller.act(case, svc.APPROVE_RETURN, **ADDRESS)
        case = buyer_returns(seller, case_no, case)
    try:
        case, created = svc.reissue(bootstrap.after_sale_deps(), case.case_id, "user:admin", "SF", "SF1000000001")
    except InvalidTransitionError as exc:
        pytest.skip(f"{seller.platform} {kind}: {exc}")
    again, created_again = svc.reissue(bootstrap.after_sale_deps(), case.case_id, "user:admin", "SF", "SF1000000001")
    assert created and not created_again and again.reissue_shipment_ids == case.reissue_shipment_ids
    before = seller.truth(case_no)
    seller.deliver()
    seller.deliver()                                  # a redelivery sends nothing twice
    shipment = bootstrap.shipments().get(case.reissue_shipment_ids[0])
    assert shipment.after_sale_id == case.case_id
    stored = svc.get_case(bootstrap.after_sales(), case.case_id)
    if shipment.status is ShipmentStatus.FAILED:
        # refused by the platform (its state does not allow the parcel): the reason is kept for the operator
        assert shipment.platform_error and stored.history[-1].kind == "refused", stored.history
        if seller.platform in RESEND_SANDBOXES:
            pytest.fail(f"{seller.platform} {kind}: {shipment.platform_error}")
        return
    assert shipment.status is ShipmentStatus.CONFIRMED, shipment
    assert seller.truth(case_no) != before, "the sandbox shows the parcel sent"
    assert [e.kind for e in stored.history if e.action == svc.RESEND] == ["applied"], stored.history
    assert stored.status in (S.RESHIPPED, S.AWAITING_BUYER_ACTION), stored
