"""The fulfilment store: the in-memory kit and DynamoDB agree (insert once, revisions, batch get, settings)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfilments import (
    Fulfilment,
    FulfilmentKind,
    FulfilmentState,
    FulfilSettings,
    MergeMode,
    Part,
)
from tests.aws import aws
from tests.fulfil_kit import InMemoryFulfilments

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "fake":
        yield InMemoryFulfilments(), InMemoryFulfilments()
        return
    with aws(("sync",)):
        from chalicelib.storage.fulfilments import DynamoFulfilmentRepository, DynamoFulfilSettingsStore
        yield DynamoFulfilmentRepository(), DynamoFulfilSettingsStore()


def merged(fid: str = "M1") -> Fulfilment:
    parts = (Part("s-1", "s", "1"), Part("s-2", "s", "2", (("l1", 2),)))
    return Fulfilment(fid, "pdd", FulfilmentKind.MERGED, parts, FulfilmentState.OPEN, "manual", NOW, NOW)


def test_GIVEN_a_fulfilment_THEN_it_reads_back_whole_and_a_second_insert_conflicts(store: Any) -> None:
    repo, _ = store
    repo.add(merged())
    assert repo.get("M1") == replace(merged(), revision=1)
    with pytest.raises(ConflictError):
        repo.add(merged())
    assert repo.get("nope") is None


def test_GIVEN_a_stale_revision_THEN_the_save_conflicts(store: Any) -> None:
    repo, _ = store
    repo.add(merged())
    repo.save(replace(merged(), state=FulfilmentState.DISSOLVED), 1)
    with pytest.raises(ConflictError):
        repo.save(merged(), 1)
    assert repo.get("M1").state is FulfilmentState.DISSOLVED and repo.get("M1").revision == 2


def test_GIVEN_several_THEN_get_many_returns_the_found_ones(store: Any) -> None:
    repo, _ = store
    repo.add(merged("M1"))
    repo.add(merged("M2"))
    assert set(repo.get_many(["M1", "M2", "M3"])) == {"M1", "M2"}


def test_GIVEN_settings_THEN_saved_on_their_revision(store: Any) -> None:
    _, settings = store
    assert settings.get_fulfil_settings("s").merge_mode is MergeMode.PROPOSE
    settings.save_fulfil_settings("s", FulfilSettings(MergeMode.AUTO, 5000), 0)
    assert settings.get_fulfil_settings("s") == FulfilSettings(MergeMode.AUTO, 5000, revision=1)
    with pytest.raises(ConflictError):
        settings.save_fulfil_settings("s", FulfilSettings(MergeMode.OFF), 0)
