"""The TMC poll (taobao.tmc.messages.consume / confirm) against the sandbox's per-app TMC queue."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.platforms.taobao.client import create_client
from chalicelib.platforms.taobao.tmc import TmcFeed, to_event
from chalicelib.services.platform_types import ShipRequest, ShopCredentials
from local.sandbox.core import SHANGHAI, SandboxServer, SandboxShop
from local.sandbox.taobao import TaobaoSandbox, create_sandbox
from tests.contract.platform_suite import fast_transport, quick_server

START = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> TaobaoSandbox:
    return create_sandbox(seed=5, clock=clock)


@pytest.fixture
def server(sandbox: TaobaoSandbox) -> Iterator[SandboxServer]:
    yield from quick_server(sandbox)


@pytest.fixture
def shop(sandbox: TaobaoSandbox) -> SandboxShop:
    return sandbox.add_shop()


@pytest.fixture
def credentials(shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
    return ShopCredentials(platform=Platform.TAOBAO, app_key=shop.app_key, app_secret=shop.app_secret,
                           access_token=shop.access_token, refresh_token=shop.refresh_token,
                           seller_id=shop.seller_id, base_url=server.url)


@pytest.fixture
def feed(credentials: ShopCredentials) -> TmcFeed:
    feed = TmcFeed(credentials, fast_transport())
    feed.permit()
    return feed


def _orders(sandbox: TaobaoSandbox, shop: SandboxShop, count: int) -> list[str]:
    return sandbox.generate_orders(shop.seller_id, count, START - timedelta(hours=2), START)


def test_given_new_orders_when_consumed_then_order_events_carry_ids_topics_and_the_seller(
        sandbox: TaobaoSandbox, shop: SandboxShop, feed: TmcFeed) -> None:
    orders = _orders(sandbox, shop, 5)
    events = feed.consume(200)
    assert {e.order_no for e in events} == set(orders)
    assert all(e.kind == "order" and e.seller_id == shop.seller_id and e.platform is Platform.TAOBAO
               for e in events)
    assert {e.event_type for e in events} <= {"taobao_trade_TradeCreate", "taobao_trade_TradeBuyerPay"}
    assert len({e.message_id for e in events}) == len(events)
    assert all(e.occurred_at.tzinfo is not None for e in events)


def test_given_unconfirmed_messages_then_they_come_back_and_confirmed_ones_do_not(
        sandbox: TaobaoSandbox, shop: SandboxShop, feed: TmcFeed, clock: FakeClock) -> None:
    _orders(sandbox, shop, 6)
    first = feed.consume(200)
    confirmed, left = first[:3], first[3:]
    feed.confirm([e.message_id for e in confirmed])
    assert feed.consume(200) == []            # still leased: not handed out twice at once
    clock.advance(61)
    again = feed.consume(200)
    assert {e.message_id for e in again} == {e.message_id for e in left}
    feed.confirm([e.message_id for e in again])
    clock.advance(61)
    assert feed.consume(200) == [] and sandbox.tmc_pending() == 0


def test_given_a_batch_size_then_consume_hands_out_at_most_that_many(
        sandbox: TaobaoSandbox, shop: SandboxShop, feed: TmcFeed) -> None:
    _orders(sandbox, shop, 30)
    assert len(feed.consume(10)) == 10
    assert len(feed.consume(5)) == 10          # below TMC's minimum of 10: asked for 10


def test_given_a_seller_who_never_permitted_then_no_messages_flow(
        sandbox: TaobaoSandbox, shop: SandboxShop, credentials: ShopCredentials) -> None:
    _orders(sandbox, shop, 3)
    assert TmcFeed(credentials, fast_transport()).consume() == []


def test_given_a_refund_and_a_shipment_then_after_sale_and_ship_events_arrive(
        sandbox: TaobaoSandbox, shop: SandboxShop, feed: TmcFeed, credentials: ShopCredentials) -> None:
    orders = _orders(sandbox, shop, 20)
    feed.confirm([e.message_id for e in feed.consume(200)])
    truth = sandbox.truth_orders(shop.seller_id)
    awaiting = [no for no in orders if truth[no].platform_status == "WAIT_SELLER_SEND_GOODS"]
    client = create_client(credentials, fast_transport())
    client.ship(ShipRequest(order_no=awaiting[0], carrier_code="ZTO", tracking_no="78200000000001"))
    case_id = sandbox.request_after_sale(shop.seller_id, awaiting[1], "refund_only")
    client.approve_refund(case_id)
    events = feed.consume(200)
    topics = [(e.kind, e.event_type, e.order_no, e.case_id) for e in events]
    assert ("order", "taobao_trade_TradeSellerShip", awaiting[0], "") in topics
    assert ("after_sale", "taobao_refund_RefundCreated", awaiting[1], case_id) in topics
    assert ("after_sale", "taobao_refund_RefundSuccess", awaiting[1], case_id) in topics


def test_given_a_topic_we_do_not_handle_then_it_is_confirmed_at_once(
        sandbox: TaobaoSandbox, shop: SandboxShop, feed: TmcFeed, clock: FakeClock) -> None:
    sandbox.store.tmc.publish(shop.seller_id, "店", "taobao_item_ItemUpdate", {"num_iid": 1}, clock())
    assert feed.consume() == []
    clock.advance(120)
    assert feed.consume() == [] and sandbox.tmc_pending() == 0


def test_given_raw_messages_then_to_event_keeps_triggers_and_drops_the_rest() -> None:
    trade = {"id": 9000000001, "topic": "taobao_trade_TradeClose", "content": '{"tid":41000001,"status":"TRADE_CLOSED"}',
             "pub_time": "2026-11-20 09:00:00", "user_id": 2200007919, "user_nick": "店"}
    event = to_event(trade)
    assert event is not None and (event.kind, event.order_no, event.message_id) == ("order", "41000001", "9000000001")
    assert event.occurred_at == START and event.payload["content"]["status"] == "TRADE_CLOSED"
    assert to_event({**trade, "content": "not json"}) is None
    assert to_event({**trade, "topic": "taobao_refund_RefundCreated"}) is None   # no refund_id: not actionable
    refund = to_event({**trade, "topic": "taobao_refund_RefundCreated",
                       "content": '{"tid":41000001,"refund_id":2100001}'})
    assert refund is not None and (refund.kind, refund.case_id) == ("after_sale", "2100001")
