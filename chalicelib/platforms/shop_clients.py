"""A shop's platform client, built from the shop and its decrypted credentials (bootstrap.clients())."""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.platforms.http import Transport, limiter_for
from chalicelib.platforms.registry import client_for
from chalicelib.services.platform_ports import PlatformClient, TokenCache
from chalicelib.services.platform_types import ShopCredentials
from chalicelib.services.ports import SecretsSource

# Calls per second one Lambda makes to one shop; the platforms' own quotas are higher (per app), and
# their throttle errors park the shop when many Lambdas add up.
DEFAULT_RATE_PER_SHOP = 8.0


def credentials_for(shop: Shop, secrets: ShopSecrets) -> ShopCredentials:
    return ShopCredentials(platform=shop.platform, app_key=shop.app_key, app_secret=secrets.app_secret,
                           access_token=secrets.access_token, refresh_token=secrets.refresh_token,
                           seller_id=shop.seller_id, base_url=shop.base_url, extra=secrets.extra_dict())


def client_for_shop(shops: SecretsSource, shop: Shop,
                    token_cache: Callable[[Shop], TokenCache] | None = None) -> PlatformClient:
    """`token_cache`: the shop's shared token slot, for a platform whose client fetches its own tokens from
    the app secret (WeChat): one shared cache with a lease keeps concurrent Lambdas from each fetching (and
    so revoking) the other's token. The caller builds it (storage/token_cache.py in AWS)."""
    secrets = shops.get_secrets(shop.shop_id)
    if secrets is None:
        raise NotFoundError(f"shop {shop.shop_id} has no credentials yet: authorise it first")
    transport = Transport(limiter=limiter_for(f"shop:{shop.shop_id}", DEFAULT_RATE_PER_SHOP, burst=4))
    if shop.platform is Platform.WECHAT and token_cache is not None:
        return client_for(credentials_for(shop, secrets), transport, token_cache=token_cache(shop))
    return client_for(credentials_for(shop, secrets), transport)
