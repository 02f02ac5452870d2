"""The OAuth state: HMAC-signed, expiring, bound to one shop and platform, good once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import AuthenticationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.platforms import registry
from chalicelib.services.oauth import complete_authorisation, sign_state, verify_state
from chalicelib.services.platform_types import TokenSet
from tests import fakes
from tests.factories import T0

SECRET = "test-secret-not-real-0123456789"
SHOP = Shop("S1", "店", Platform.PDD, "pending:S1")


def test_given_a_fresh_state_then_it_names_the_shop_and_platform() -> None:
    state = verify_state(SECRET, sign_state(SECRET, SHOP, T0), Platform.PDD, T0 + timedelta(minutes=14))
    assert (state.shop_id, state.platform) == ("S1", Platform.PDD)


@pytest.mark.parametrize("tamper", [
    lambda s: s[:-2] + ("AA" if not s.endswith("AA") else "BB"),                 # signature changed
    lambda s: sign_state("another-secret", SHOP, T0),                            # signed with another key
    lambda s: "eyJzIjoiUzIiLCJwIjoicGRkIiwiZSI6OTk5OTk5OTk5OSwibiI6IngifQ." + s.split(".")[1],  # other shop
    lambda s: "not-a-state",
    lambda s: "",
])
def test_given_a_forged_state_then_refused(tamper) -> None:
    with pytest.raises(AuthenticationError):
        verify_state(SECRET, tamper(sign_state(SECRET, SHOP, T0)), Platform.PDD, T0)


def test_given_an_expired_or_other_platform_state_then_refused() -> None:
    state = sign_state(SECRET, SHOP, T0)
    with pytest.raises(AuthenticationError, match="expired"):
        verify_state(SECRET, state, Platform.PDD, T0 + timedelta(minutes=16))
    with pytest.raises(AuthenticationError, match="platform"):
        verify_state(SECRET, state, Platform.TAOBAO, T0)


class Client:
    def __init__(self) -> None:
        self.codes: list[str] = []

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        self.codes.append(code)
        return TokenSet("at-1", T0 + timedelta(days=30), "rt-1", seller_id="mall-9")


def test_given_a_state_when_used_twice_then_the_second_callback_is_refused_before_any_exchange() -> None:
    from chalicelib.services.shop_admin import AppMode, add_shop
    shops = fakes.InMemoryShopRepository()
    shop = add_shop(shops, registry, name="拼多多店", platform=Platform.PDD, mode=AppMode.THIRD_PARTY, app_key="k", app_secret="s")
    client = Client()
    state = sign_state(SECRET, shop, T0)
    used = fakes.InMemoryIdempotencyStore(fakes.FixedClock(T0))
    done = complete_authorisation(shops, lambda _s: client, registry, used, Platform.PDD, "code-1", state, "cb", SECRET, T0)
    assert (done.seller_id, done.status.value) == ("mall-9", "active")
    assert shops.get_secrets(shop.shop_id).access_token == "at-1"
    with pytest.raises(AuthenticationError, match="already used"):
        complete_authorisation(shops, lambda _s: client, registry, used, Platform.PDD, "code-2", state, "cb", SECRET, T0)
    assert client.codes == ["code-1"]
