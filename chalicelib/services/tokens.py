"""Refreshing shop tokens ahead of expiry (scheduled). One refresh at a time per shop across concurrent
Lambdas: a conditional-write lease, then a re-read (a peer may have just refreshed), then the call. Kuaishou
and Xiaohongshu rotate the refresh token, so a second refresh with the old one would fail and wrongly park
the shop: the lease is what prevents that. A refresh the platform refuses marks the shop re-authorisation
needed; every other shop carries on."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.platforms.base import PlatformClient, TokenSet
from chalicelib.platforms.errors import PlatformError, RateLimitedError, TransientError
from chalicelib.services.ports import Clock
from chalicelib.services.shop_admin import SELF_AUTHORISING, ShopStore, mark_reauth_needed, store_tokens

log = logging.getLogger("oms.tokens")

LEASE = "token_refresh"
LEASE_TTL = timedelta(minutes=2)
DEFAULT_AHEAD = timedelta(hours=6)
# WeChat tokens live 2 h and its client refreshes them itself on use; the schedule only keeps watch
AHEAD = {Platform.WECHAT: timedelta(minutes=20)}


class Leases(Protocol):
    def acquire(self, shop_id: str, purpose: str, holder: str, ttl: timedelta) -> bool: ...
    def release(self, shop_id: str, purpose: str, holder: str) -> None: ...


class Refresh(StrEnum):
    REFRESHED = "refreshed"
    NOT_DUE = "not_due"
    BUSY = "busy"                        # another Lambda holds this shop's refresh lease
    REAUTH_NEEDED = "reauth_needed"
    FAILED = "failed"                    # transient: the next tick tries again


def is_due(shop: Shop, now: datetime) -> bool:
    if shop.status in (ShopStatus.REAUTH_NEEDED, ShopStatus.DISABLED, ShopStatus.ARCHIVED) \
            or shop.token_expires_at is None:
        return False
    return shop.token_expires_at - AHEAD.get(shop.platform, DEFAULT_AHEAD) <= now


def refresh_due(shops: ShopStore, clients: Callable[[Shop], PlatformClient], leases: Leases, clock: Clock,
                time_left: Callable[[], float] = lambda: 600.0) -> dict[str, str]:
    """The scheduled tick: every shop whose token expires within its horizon."""
    outcomes: dict[str, str] = {}
    for shop in shops.all():
        if time_left() < 20:
            break
        if is_due(shop, clock.now()):
            outcomes[shop.shop_id] = refresh_shop(shops, clients, leases, clock, shop.shop_id).value
    return outcomes


def refresh_shop(shops: ShopStore, clients: Callable[[Shop], PlatformClient], leases: Leases, clock: Clock,
                 shop_id: str, force: bool = False) -> Refresh:
    holder = uuid.uuid4().hex
    if not leases.acquire(shop_id, LEASE, holder, LEASE_TTL):
        return Refresh.BUSY
    try:
        shop = shops.get(shop_id)          # read under the lease: a peer may have refreshed a moment ago
        if shop is None or not (force or is_due(shop, clock.now())):
            return Refresh.NOT_DUE
        return _refresh(shops, clients, shop)
    finally:
        leases.release(shop_id, LEASE, holder)


def _refresh(shops: ShopStore, clients: Callable[[Shop], PlatformClient], shop: Shop) -> Refresh:
    secrets = shops.get_secrets(shop.shop_id)
    try:
        client = clients(shop)
        tokens = _call(client, shop, secrets.refresh_token if secrets else "")
    except (TransientError, RateLimitedError) as exc:
        log.warning("token refresh failed, will retry", extra={"shop_id": shop.shop_id, "error": str(exc)})
        return Refresh.FAILED
    except PlatformError as exc:
        mark_reauth_needed(shops, shop.shop_id, f"token refresh refused ({exc.code or type(exc).__name__}): "
                                                f"{exc}. Authorise the shop again.")
        return Refresh.REAUTH_NEEDED
    if tokens is None:
        mark_reauth_needed(shops, shop.shop_id, "no refresh token: authorise the shop again or paste new tokens")
        return Refresh.REAUTH_NEEDED
    store_tokens(shops, shop.shop_id, tokens)
    return Refresh.REFRESHED


def _call(client: PlatformClient, shop: Shop, refresh_token: str) -> TokenSet | None:
    if shop.platform is Platform.WECHAT:
        return client.refresh("")                 # a new token from the app secret
    if refresh_token:
        return client.refresh(refresh_token)
    if shop.platform in SELF_AUTHORISING:
        return client.exchange_code("", "")       # Douyin self-built: the token again from the shop id
    return None
