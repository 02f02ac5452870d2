"""The review configuration store: the in-memory kit and DynamoDB agree (versions, conflicts, history)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from tests.aws import aws
from tests.review_kit import MEMO_RULE, InMemoryReviewStore


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "fake":
        yield InMemoryReviewStore()
        return
    with aws(("sync",)):
        from chalicelib.storage.review import DynamoReviewStore
        yield DynamoReviewStore()


def test_GIVEN_no_configuration_THEN_version_0_and_nothing_loaded(store: Any) -> None:
    assert store.version() == 0 and store.load() == {}


def test_GIVEN_published_versions_THEN_the_latest_loads_with_its_version(store: Any) -> None:
    assert store.publish({"rules": [MEMO_RULE]}, 0) == 1
    assert store.publish({"rules": [], "manual_shops": ["s1"]}, 1) == 2
    assert store.version() == 2
    assert store.load() == {"rules": [], "manual_shops": ["s1"], "version": 2}


def test_GIVEN_two_editors_of_one_version_THEN_one_wins_and_the_other_conflicts(store: Any) -> None:
    store.publish({"rules": []}, 0)
    store.publish({"rules": [MEMO_RULE]}, 1)
    with pytest.raises(ConflictError) as caught:
        store.publish({"rules": []}, 1)
    assert caught.value.reason == "review.changed"
    assert store.load()["rules"] == [MEMO_RULE]
