"""Token refresh decisions and shop states (fakes only; the sandboxes are in tests/e2e/test_oauth_sandboxes.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ShopStatus
from chalicelib.platforms import registry
from chalicelib.services.platform_errors import AuthExpiredError, TransientError
from chalicelib.services.platform_types import TokenSet
from chalicelib.services.shop_admin import AppMode, add_shop, pause_shop, resume_shop
from chalicelib.services.tokens import Refresh, refresh_due, refresh_shop
from tests import fakes
from tests.factories import T0


class Client:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.refreshed: list[str] = []

    def refresh(self, refresh_token: str) -> TokenSet:
        self.refreshed.append(refresh_token)
        if self.error:
            raise self.error
        return TokenSet("at-new", T0 + timedelta(days=1), "rt-new", T0 + timedelta(days=30))


@pytest.fixture
def setup():  # type: ignore[no-untyped-def]
    shops, clock = fakes.InMemoryShopRepository(), fakes.FixedClock(T0)
    shop = add_shop(shops, registry, name="店", platform=Platform.KUAISHOU, mode=AppMode.SELF_BUILT, app_key="k",
                    app_secret="s", seller_id="1", access_token="at", refresh_token="rt",
                    token_expires_at=T0 + timedelta(hours=1))
    return shops, clock, fakes.InMemoryShopLeases(clock), shop.shop_id


def test_given_a_token_due_then_refreshed_with_both_new_tokens_stored(setup) -> None:
    shops, clock, leases, shop_id = setup
    client = Client()
    assert refresh_due(shops, lambda _s: client, registry, leases, clock) == {shop_id: "refreshed"}
    secrets = shops.get_secrets(shop_id)
    assert (secrets.access_token, secrets.refresh_token, client.refreshed) == ("at-new", "rt-new", ["rt"])
    assert shops.get(shop_id).token_expires_at == T0 + timedelta(days=1)
    assert refresh_due(shops, lambda _s: client, registry, leases, clock) == {}


def test_given_a_transient_failure_then_the_shop_stays_active_for_the_next_tick(setup) -> None:
    shops, clock, leases, shop_id = setup
    assert refresh_shop(shops, lambda _s: Client(TransientError("busy")), registry, leases, clock, shop_id) is Refresh.FAILED
    assert shops.get(shop_id).status is ShopStatus.ACTIVE


def test_given_a_refused_refresh_then_reauth_needed_and_a_new_authorisation_activates_it(setup) -> None:
    shops, clock, leases, shop_id = setup
    dead = Client(AuthExpiredError("refresh_token expired", code="100200102"))
    assert refresh_shop(shops, lambda _s: dead, registry, leases, clock, shop_id) is Refresh.REAUTH_NEEDED
    shop = shops.get(shop_id)
    assert shop.status is ShopStatus.REAUTH_NEEDED and "100200102" in shop.status_reason and not shop.syncing
    from chalicelib.services.shop_admin import set_tokens
    assert set_tokens(shops, shop_id, access_token="pasted", expires_at=T0 + timedelta(days=2)).status is \
        ShopStatus.ACTIVE


def test_given_another_refresher_holds_the_lease_then_busy_and_no_call(setup) -> None:
    shops, clock, leases, shop_id = setup
    leases.acquire(shop_id, "token_refresh", "someone-else", timedelta(minutes=2))
    client = Client()
    assert refresh_shop(shops, lambda _s: client, registry, leases, clock, shop_id) is Refresh.BUSY
    assert client.refreshed == []


def test_given_a_paused_shop_then_its_tokens_still_refresh_and_it_stays_paused_until_resumed(setup) -> None:
    shops, clock, leases, shop_id = setup
    pause_shop(shops, shop_id, "盘点")
    assert refresh_shop(shops, lambda _s: Client(), registry, leases, clock, shop_id) is Refresh.REFRESHED
    assert shops.get(shop_id).status is ShopStatus.PAUSED
    assert resume_shop(shops, registry, shop_id, clock.now()).status is ShopStatus.ACTIVE


def test_given_expired_tokens_when_resumed_then_it_shows_reauth_needed(setup) -> None:
    shops, clock, _leases, shop_id = setup
    pause_shop(shops, shop_id)
    clock.advance(hours=2)
    assert resume_shop(shops, registry, shop_id, clock.now()).status is ShopStatus.REAUTH_NEEDED
