"""The pull's pending marks and its memory of what it sent: the in-memory fake and DynamoDB agree."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.sync import Stream
from tests import fakes
from tests.aws import aws

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "dynamodb"])
def sync(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "fake":
        yield fakes.InMemorySyncRepository()
        return
    with aws(("sync",)):
        from chalicelib.storage.sync import DynamoSyncRepository
        yield DynamoSyncRepository()


def test_GIVEN_a_pending_mark_THEN_a_second_is_refused_until_cleared_or_expired(sync: Any) -> None:
    until = NOW + timedelta(minutes=20)
    assert sync.mark_pending("s1", Stream.ORDERS, "job-1", NOW, until)
    assert not sync.mark_pending("s1", Stream.ORDERS, "job-2", NOW + timedelta(minutes=2), until)
    assert sync.mark_pending("s1", Stream.AFTER_SALES, "job-3", NOW, until)      # another stream
    sync.clear_pending("s1", Stream.ORDERS, "job-other")                          # not its mark: kept
    assert not sync.mark_pending("s1", Stream.ORDERS, "job-2", NOW, until)
    sync.clear_pending("s1", Stream.ORDERS, "job-1")
    assert sync.mark_pending("s1", Stream.ORDERS, "job-2", NOW, until)
    assert sync.mark_pending("s1", Stream.ORDERS, "job-4", until + timedelta(seconds=1), until + timedelta(minutes=20))


def test_GIVEN_what_was_sent_THEN_it_reads_back(sync: Any) -> None:
    assert sync.get_sent("s1", Stream.ORDERS) == {}
    sent = {"o1": ("a1b2", 1763625600.5), "as-9": ("c3d4", 1763625601.0)}
    sync.put_sent("s1", Stream.ORDERS, sent)
    assert sync.get_sent("s1", Stream.ORDERS) == sent
    assert sync.get_sent("s1", Stream.AFTER_SALES) == {}


def test_GIVEN_a_lease_WHEN_the_last_window_advances_with_release_THEN_the_stream_is_free(sync: Any) -> None:
    lease = timedelta(minutes=16)
    assert sync.acquire_lease("s1", Stream.ORDERS, "job-1", NOW, lease)
    assert sync.advance("s1", Stream.ORDERS, "job-1", NOW - timedelta(minutes=2), NOW)
    assert not sync.acquire_lease("s1", Stream.ORDERS, "job-2", NOW, lease)          # still held
    assert sync.advance("s1", Stream.ORDERS, "job-1", NOW, NOW, release=True)
    cursor = sync.get_cursor("s1", Stream.ORDERS)
    assert cursor.watermark == NOW and cursor.lease_owner == ""
    taken = sync.acquire_lease("s1", Stream.ORDERS, "job-2", NOW, lease)
    # the lease write answers with the cursor: the pull reads no cursor after it
    assert (taken.watermark, taken.lease_owner, taken.lease_until) == (NOW, "job-2", NOW + lease)
    assert not sync.advance("s1", Stream.ORDERS, "job-1", NOW + timedelta(minutes=2), NOW, release=True)
    assert sync.get_cursor("s1", Stream.ORDERS).lease_owner == "job-2"                # not its lease: kept
