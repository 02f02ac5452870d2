"""The fulfilment rules store and the gift counters: the in-memory kit and DynamoDB agree (versions apart from
the review rules', limits counted once per order, a refused limit counts nothing)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfil_plan import GiftPick
from tests.aws import aws
from tests.fulfil_kit import InMemoryFulfilStore, InMemoryGiftCounters, gift_rule


@pytest.fixture(params=["fake", "dynamodb"])
def world(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any, Any]]:
    if request.param == "fake":
        from tests.review_kit import InMemoryReviewStore
        yield InMemoryFulfilStore(), InMemoryGiftCounters(), InMemoryReviewStore()
        return
    with aws(("sync",)):
        from chalicelib.storage.fulfil import DynamoFulfilStore, DynamoGiftCounters
        from chalicelib.storage.review import DynamoReviewStore
        yield DynamoFulfilStore(), DynamoGiftCounters(), DynamoReviewStore()


def test_GIVEN_fulfilment_rules_published_THEN_they_version_apart_from_the_review_rules(world: Any) -> None:
    store, _, review = world
    assert store.publish({"gift": [gift_rule()]}, 0) == 1
    assert review.version() == 0 and store.load() == {"gift": [gift_rule()], "version": 1}
    with pytest.raises(ConflictError) as caught:
        store.publish({"gift": []}, 0)
    assert caught.value.reason == "fulfil.changed"


def test_GIVEN_limits_THEN_each_order_counts_once_and_a_reached_limit_refuses(world: Any) -> None:
    _, counters, _ = world
    pick = GiftPick("g1", "SOCKS", 1, True, per_buyer_limit=1, total_limit=2)
    assert counters.claim(pick, "o1", "buyer:a")
    assert counters.claim(pick, "o1", "buyer:a"), "a redelivery of the same order is counted already"
    assert not counters.claim(pick, "o2", "buyer:a"), "one per buyer"
    assert counters.claim(pick, "o3", "buyer:b")
    assert not counters.claim(pick, "o4", "buyer:c"), "two in all"


def test_GIVEN_a_counted_gift_WHEN_given_back_THEN_both_limits_free_one_place_once(world: Any) -> None:
    _, counters, _ = world
    pick = GiftPick("g1", "SOCKS", 1, True, per_buyer_limit=1, total_limit=1)
    assert counters.claim(pick, "o1", "buyer:a")
    assert not counters.give_back("g1", "o9"), "never counted: nothing to give back"
    assert counters.give_back("g1", "o1")
    assert not counters.give_back("g1", "o1"), "a redelivery gives nothing back twice"
    assert counters.claim(pick, "o2", "buyer:a"), "the buyer's and the total's place are free again"
    assert not counters.claim(pick, "o3", "buyer:b")
