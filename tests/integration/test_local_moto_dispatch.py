"""The local runtime's moto server finds a request's backend once per host (local/runtime/moto_speedups.py):
moto looked it up anew for every request, a listdir and ~150 stats of its package each time."""
from __future__ import annotations

from typing import Any

import pytest

from local.runtime import moto_speedups


def test_GIVEN_requests_for_one_service_WHEN_dispatched_THEN_the_backend_is_looked_up_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    moto_speedups.apply()
    listings: list[int] = []
    every_module = backends.list_of_moto_modules

    def counted() -> Any:
        listings.append(1)
        return every_module()

    monkeypatch.setattr(backends, "list_of_moto_modules", counted)
    dispatcher = DomainDispatcherApplication(create_backend_app)
    host = "sqs.ap-east-1.amazonaws.com"      # a host no other test has dispatched in this process
    first = dispatcher.get_backend_for_host(host)
    again = [dispatcher.get_backend_for_host(host) for _ in range(5)]
    assert first == "sqs" and again == ["sqs"] * 5
    assert len(listings) <= 1
