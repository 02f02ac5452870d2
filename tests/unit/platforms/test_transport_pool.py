"""The platform transports of one process share one HTTP connection pool (issue 19.3: a client per
pull job cost each job a TLS context and a new connection to its platform)."""
from __future__ import annotations

from chalicelib.platforms.http import Transport, shared_client


def test_GIVEN_two_shops_transports_WHEN_they_send_THEN_they_use_the_same_pool() -> None:
    first, second = Transport(), Transport()
    assert first.client is second.client is shared_client()


def test_GIVEN_a_transport_given_its_own_client_WHEN_it_sends_THEN_it_keeps_that_client() -> None:
    import httpx
    own = httpx.Client(trust_env=False)
    assert Transport(client=own).client is own
