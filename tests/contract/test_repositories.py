"""One suite per repository port, run against the in-memory fake and the DynamoDB adapter (moto)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.order_query import PrintState
from chalicelib.domain.orders import Receiver, WaybillMark
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import ErpHandoff, HoldReason, OrderStatus, ReviewState, ShopStatus
from chalicelib.domain.users import Role, User
from chalicelib.services.ports import OrderQuery
from tests import fakes
from tests.aws import aws
from tests.factories import make_order

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("orders", "shops", "users", "idempotency", "after_sales")):
        yield "dynamodb"


@pytest.fixture
def orders(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryOrderRepository()
    from chalicelib.storage.orders import DynamoOrderRepository
    return DynamoOrderRepository()


@pytest.fixture
def shops(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryShopRepository()
    import os

    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.shops import DynamoShopRepository
    return DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))


@pytest.fixture
def users(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryUserRepository()
    from chalicelib.storage.users import DynamoUserRepository
    return DynamoUserRepository()


@pytest.fixture
def idempotency(backend: str):  # type: ignore[no-untyped-def]
    if backend == "fake":
        return fakes.InMemoryIdempotencyStore()
    from chalicelib.storage.idempotency import DynamoIdempotencyStore
    return DynamoIdempotencyStore()


class TestOrderRepository:
    def test_given_a_new_order_when_added_then_it_reads_back_equal_at_revision_1(self, orders) -> None:
        orders.add(make_order(1))
        assert orders.get("shopA-1") == replace(make_order(1), revision=1)

    def test_given_an_existing_order_when_added_again_then_conflict(self, orders) -> None:
        orders.add(make_order(1))
        with pytest.raises(ConflictError):
            orders.add(make_order(1))

    def test_given_a_stale_revision_when_saved_then_conflict_and_nothing_changes(self, orders) -> None:
        orders.add(make_order(1))
        orders.save(replace(make_order(1), seller_memo="first"), expected_revision=1)
        with pytest.raises(ConflictError):
            orders.save(replace(make_order(1), seller_memo="lost update"), expected_revision=1)
        stored = orders.get("shopA-1")
        assert (stored.seller_memo, stored.revision) == ("first", 2)

    def test_given_orders_of_two_shops_when_listing_a_shop_then_newest_update_first_with_cursor_paging(
            self, orders) -> None:
        for n in range(7):
            orders.add(make_order(n))
        orders.add(make_order(99, shop="shopB"))
        first = orders.query(OrderQuery(shop_id="shopA", limit=4))
        second = orders.query(OrderQuery(shop_id="shopA", limit=4, cursor=first.cursor))
        got = [o.order_no for o in first.items + second.items]
        assert got == ["6", "5", "4", "3", "2", "1", "0"]
        assert second.cursor is None or orders.query(OrderQuery(shop_id="shopA", cursor=second.cursor)).items == []

    def test_given_held_orders_when_filtering_by_hold_reason_then_only_those(self, orders) -> None:
        orders.add(make_order(1, holds=frozenset({HoldReason.UNLINKED_SKU})))
        orders.add(make_order(2, holds=frozenset({HoldReason.MANUAL_HOLD})))
        orders.add(make_order(3))
        got = orders.query(OrderQuery(hold=HoldReason.UNLINKED_SKU)).items
        assert [o.order_no for o in got] == ["1"]

    def test_given_statuses_when_filtering_by_status_then_newest_created_first(self, orders) -> None:
        orders.add(make_order(1, status=OrderStatus.SHIPPED))
        orders.add(make_order(2))
        orders.add(make_order(3, status=OrderStatus.SHIPPED))
        got = orders.query(OrderQuery(status=OrderStatus.SHIPPED)).items
        assert [o.order_no for o in got] == ["3", "1"]

    def test_given_held_ready_and_taken_orders_of_a_status_when_paged_small_then_each_once_newest_created_first(
            self, orders) -> None:
        held = frozenset({HoldReason.UNLINKED_SKU})
        kinds = [{"holds": held}, {"erp_handoff": ErpHandoff.READY}, {"erp_handoff": ErpHandoff.TAKEN}]
        for n in range(12):     # creation times repeat (n // 2): order ids decide within one time
            orders.add(make_order(n, created_at=T0 + timedelta(minutes=n // 2), **kinds[n % 3]))
        orders.add(make_order(20, status=OrderStatus.SHIPPED, holds=held))
        orders.add(make_order(21, status=OrderStatus.SHIPPED))
        got, cursor = [], None
        for _ in range(10):
            page = orders.query(OrderQuery(status=OrderStatus.AWAITING_SHIPMENT, limit=5, cursor=cursor))
            got += [o.order_id for o in page.items]
            cursor = page.cursor
            if cursor is None:
                break
        expected = sorted((make_order(n) for n in range(12)), key=lambda o: (T0 + timedelta(minutes=o.version // 2),
                                                                            o.order_id), reverse=True)
        assert got == [o.order_id for o in expected]
        shipped = orders.query(OrderQuery(status=OrderStatus.SHIPPED)).items
        assert [o.order_no for o in shipped] == ["21", "20"]
        every_held = orders.query(OrderQuery(held_only=True, limit=50)).items
        assert sorted(o.order_no for o in every_held) == ["0", "20", "3", "6", "9"]

    def test_given_ready_orders_when_the_erp_asks_then_only_ready_ones_oldest_first(self, orders) -> None:
        orders.add(make_order(2, erp_handoff=ErpHandoff.READY))
        orders.add(make_order(1, erp_handoff=ErpHandoff.READY))
        orders.add(make_order(3, erp_handoff=ErpHandoff.TAKEN))
        assert [o.order_no for o in orders.erp_ready(limit=10).items] == ["1", "2"]

    def test_given_filters_on_platform_handoff_tracking_and_masked_text_then_they_combine(self, orders) -> None:
        orders.add(make_order(1, tracking_no="YT100"))
        orders.add(make_order(2, platform=Platform.JD, erp_handoff=ErpHandoff.READY))
        orders.add(make_order(3, receiver=Receiver("李*", "139****1111", "江苏省", "南京市", "鼓楼区", "中山路***")))
        assert [o.order_no for o in orders.query(OrderQuery(shop_id="shopA", platform="jd")).items] == ["2"]
        assert [o.order_no for o in orders.query(OrderQuery(shop_id="shopA", erp_handoff="ready")).items] == ["2"]
        assert [o.order_no for o in orders.query(OrderQuery(shop_id="shopA", tracking_no="YT100")).items] == ["1"]
        assert [o.order_no for o in orders.query(OrderQuery(shop_id="shopA", text="139****1111")).items] == ["3"]

    def test_given_few_orders_to_print_among_many_when_listed_then_full_pages_newest_first_per_shop(
            self, orders) -> None:
        mark = WaybillMark("W1", "YT1", "YTO", "YTO-1", T0)
        others = [{"holds": frozenset({HoldReason.BUYER_MESSAGE})}, {"review": ReviewState.PENDING},
                  {"status": OrderStatus.SHIPPED}, {"supplier_id": "sup1"}]
        for n in range(40):          # every 8th to print, every 8th (+4) printed, the rest in neither list
            kind = ({} if n % 8 == 0 else {"waybill": mark} if n % 8 == 4 else others[n % 4])
            orders.add(make_order(n, shop="shopA" if n % 16 < 8 else "shopB", **kind))
        got, cursor = [], None
        for _ in range(5):
            page = orders.query(OrderQuery(print_state=PrintState.TO_PRINT, limit=2, cursor=cursor))
            assert len(page.items) == 2 or page.cursor is None
            got += [o.order_no for o in page.items]
            cursor = page.cursor
            if cursor is None:
                break
        assert got == ["32", "24", "16", "8", "0"]
        in_shop = orders.query(OrderQuery(shop_id="shopA", print_state=PrintState.TO_PRINT, limit=2))
        assert [o.order_no for o in in_shop.items] == ["32", "16"] and in_shop.cursor is not None
        printed = orders.query(OrderQuery(print_state=PrintState.PRINTED)).items
        assert [o.order_no for o in printed] == ["36", "28", "20", "12", "4"]

    def test_given_an_order_no_when_looked_up_then_found_across_shops(self, orders, shops) -> None:
        shops.add(Shop("shopA", "旗舰店", Platform.TAOBAO, "1"))
        shops.add(Shop("shopB", "小店", Platform.JD, "2"))
        orders.add(make_order(5))
        orders.add(make_order(5, shop="shopB"))
        assert {o.shop_id for o in orders.by_order_no("5")} == {"shopA", "shopB"}


class TestShopRepository:
    def test_given_shops_when_queried_then_by_seller_and_syncing_work(self, shops) -> None:
        shops.add(Shop("s1", "旗舰店", Platform.JD, "10001"))
        shops.add(Shop("s2", "小店", Platform.JD, "10002", status=ShopStatus.PAUSED))
        assert shops.by_seller("jd", "10002").shop_id == "s2"
        assert [s.shop_id for s in shops.syncing()] == ["s1"]
        assert [s.shop_id for s in shops.all()] == ["s1", "s2"]

    def test_given_a_stale_shop_when_saved_then_conflict(self, shops) -> None:
        shops.add(Shop("s1", "旗舰店", Platform.JD, "10001"))
        shops.save(replace(shops.get("s1"), name="新名"), expected_revision=1)
        with pytest.raises(ConflictError):
            shops.save(replace(shops.get("s1"), name="旧"), expected_revision=1)


    def test_given_secrets_when_stored_then_read_back_and_a_stale_rotation_conflicts(self, shops) -> None:
        shops.put_secrets("s1", ShopSecrets("fake-app-secret", "tok-1", "ref-1"), expected_revision=0)
        first = shops.get_secrets("s1")
        assert (first.access_token, first.revision) == ("tok-1", 1)
        shops.put_secrets("s1", replace(first, access_token="tok-2"), expected_revision=1)
        with pytest.raises(ConflictError):
            shops.put_secrets("s1", replace(first, access_token="tok-lost"), expected_revision=1)
        assert shops.get_secrets("s1").access_token == "tok-2"
        assert shops.get_secrets("nope") is None

    def test_given_shops_of_one_app_then_found_by_app(self, shops) -> None:
        shops.add(Shop("s1", "a", Platform.DOUYIN, "1", app_key="app-1"))
        shops.add(Shop("s2", "b", Platform.DOUYIN, "2", app_key="app-1"))
        shops.add(Shop("s3", "c", Platform.DOUYIN, "3", app_key="app-2"))
        assert [s.shop_id for s in shops.by_app("douyin", "app-1")] == ["s1", "s2"]


class TestUserRepository:
    def test_given_a_user_when_added_twice_then_conflict(self, users) -> None:
        users.add(User("alice", "hash", Role.ADMIN))
        with pytest.raises(ConflictError):
            users.add(User("alice", "hash2", Role.VIEWER))
        assert users.get("alice").role is Role.ADMIN
        assert [u.username for u in users.all()] == ["alice"]

    def test_given_sign_in_attempts_then_the_limit_goes_ahead_and_the_rest_wait_for_the_window(self, users) -> None:
        window = timedelta(minutes=15)
        assert [users.claim_sign_in("alice", T0, 3, window) for _ in range(3)] == [None, None, None]
        assert users.claim_sign_in("alice", T0 + timedelta(minutes=1), 3, window) == T0 + window
        assert users.claim_sign_in("nobody-by-that-name", T0, 3, window) is None     # names need not exist
        assert users.claim_sign_in("alice", T0 + window + timedelta(seconds=1), 3, window) is None
        assert users.all() == []                                                      # counters are not users

    def test_given_cleared_attempts_then_the_count_starts_again(self, users) -> None:
        window = timedelta(minutes=15)
        for _ in range(3):
            users.claim_sign_in("bob", T0, 3, window)
        users.clear_sign_ins("bob")
        users.clear_sign_ins("never-tried")
        assert users.claim_sign_in("bob", T0, 3, window) is None

    def test_given_64_concurrent_attempts_then_exactly_the_limit_goes_ahead(self, users, backend) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from tests.aws import one_request_at_a_time
        window = timedelta(minutes=15)
        users.claim_sign_in("carol", T0 - 2 * window, 5, window)          # an old window: restarted by the burst
        with one_request_at_a_time(), ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: users.claim_sign_in("carol", T0, 5, window), range(64)))
        assert answers.count(None) == 5
        assert set(answers) - {None} == {T0 + window}


class TestIdempotencyStore:
    def test_given_a_key_when_claimed_twice_then_only_the_first_wins(self, idempotency) -> None:
        assert idempotency.claim("push:dy:1", 3600) is True
        assert idempotency.claim("push:dy:1", 3600) is False
        assert idempotency.claim("push:dy:2", 3600) is True

    def test_given_a_released_key_then_it_can_be_claimed_again(self, idempotency) -> None:
        assert idempotency.claim("push:wx:9", 3600) is True
        idempotency.release("push:wx:9")
        assert idempotency.claim("push:wx:9", 3600) is True


def test_given_a_cursor_not_from_a_list_then_the_list_refuses_it_naming_the_field() -> None:
    from chalicelib.domain.errors import ValidationError
    from chalicelib.storage import order_lists, paging
    with pytest.raises(ValidationError) as refused:
        order_lists.position(paging.encode({"order_id": {"S": "x"}}))
    assert refused.value.field == "cursor"
