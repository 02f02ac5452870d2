"""Refreshing shop tokens ahead of expiry (scheduled). One refresh at a time per shop across concurrent
Lambdas: a conditional-write lease, then a re-read (a peer may have just refreshed), then the call. Kuaishou
and Xiaohongshu rotate the refresh token, so a second refresh with the old one would fail and wrongly park
the shop: the lease is what prevents that. Only a refusal of the credentials themselves (AuthExpiredError:
a dead refresh token or a frozen secret; SignatureRejectedError: a wrong app key or secret) marks the shop
re-authorisation needed. Anything else (a 5xx, a wrong base URL's 404 or HTML page, a refused connection,
an answer we cannot read) is a failure the next tick retries, and the pulls surface it as sync errors:
parking a shop on it would stop its orders for a fault the seller cannot fix by authorising again. Every
other shop carries on."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import REFRESH_FAILING, Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.services.platform_errors import AuthExpiredError, PlatformError, SignatureRejectedError
from chalicelib.services.platform_ports import PlatformAuth, PlatformClient, PlatformDirectory
from chalicelib.services.platform_types import TokenSet
from chalicelib.services.ports import Clock, Leases, ShopStore
from chalicelib.services.shop_admin import change_shop, mark_reauth_needed, self_authorising, store_tokens

log = logging.getLogger("oms.tokens")

LEASE = "token_refresh"
LEASE_TTL = timedelta(minutes=2)
DEFAULT_AHEAD = timedelta(hours=6)
# WeChat tokens live 2 h and its client refreshes them itself on use; the schedule only keeps watch
AHEAD = {Platform.WECHAT: timedelta(minutes=20)}


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


def refresh_due(shops: ShopStore, clients: Callable[[Shop], PlatformClient], platforms: PlatformDirectory,
                leases: Leases, clock: Clock, time_left: Callable[[], float] = lambda: 600.0) -> dict[str, str]:
    """The scheduled tick: every shop whose token expires within its horizon."""
    outcomes: dict[str, str] = {}
    for shop in shops.all():
        if time_left() < 20:
            break
        if is_due(shop, clock.now()):
            outcomes[shop.shop_id] = refresh_shop(shops, clients, platforms, leases, clock, shop.shop_id).value
    return outcomes


def refresh_shop(shops: ShopStore, clients: Callable[[Shop], PlatformClient], platforms: PlatformDirectory,
                 leases: Leases, clock: Clock, shop_id: str, force: bool = False) -> Refresh:
    if shops.get(shop_id) is None:         # no lease row is written for a shop that does not exist
        return Refresh.NOT_DUE
    holder = uuid.uuid4().hex
    if not leases.acquire(shop_id, LEASE, holder, LEASE_TTL):
        return Refresh.BUSY
    try:
        shop = shops.get(shop_id)          # read under the lease: a peer may have refreshed a moment ago
        if shop is None or not (force or is_due(shop, clock.now())):
            return Refresh.NOT_DUE
        return _refresh(shops, clients, platforms, shop)
    finally:
        leases.release(shop_id, LEASE, holder)


def _refresh(shops: ShopStore, clients: Callable[[Shop], PlatformClient], platforms: PlatformDirectory,
             shop: Shop) -> Refresh:
    secrets = shops.get_secrets(shop.shop_id)
    try:
        client = clients(shop)
        tokens = _call(client, shop, secrets.refresh_token if secrets else "",
                       self_authorising(platforms, shop.platform))
    except (AuthExpiredError, SignatureRejectedError) as exc:
        mark_reauth_needed(shops, shop.shop_id, f"token refresh refused ({exc.code or type(exc).__name__}): "
                                                f"{exc}. Authorise the shop again.")
        return Refresh.REAUTH_NEEDED
    except PlatformError as exc:
        log.warning("token refresh failed, will retry", extra={"shop_id": shop.shop_id, "error": str(exc),
                                                               "code": exc.code, "kind": type(exc).__name__})
        return _failed(shops, shop.shop_id, f"{exc.code or type(exc).__name__}: {exc}")
    except Exception as exc:   # an answer no parser foresaw: this shop's tick fails, not every shop's
        log.exception("token refresh failed unexpectedly, will retry", extra={"shop_id": shop.shop_id})
        return _failed(shops, shop.shop_id, f"unreadable answer ({type(exc).__name__})")
    if tokens is None:
        mark_reauth_needed(shops, shop.shop_id, "no refresh token: authorise the shop again or paste new tokens")
        return Refresh.REAUTH_NEEDED
    store_tokens(shops, shop.shop_id, tokens)
    change_shop(shops, shop.shop_id, lambda s: replace(s, status_reason="")
                if s.status_reason.startswith(REFRESH_FAILING) else None)
    return Refresh.REFRESHED


def _failed(shops: ShopStore, shop_id: str, why: str) -> Refresh:
    """Shown on an active shop (the UI prints its status_reason) until a refresh succeeds: the transport
    has already retried, so the seller sees the fault, but the shop keeps syncing."""
    def noted(shop: Shop) -> Shop | None:
        if shop.status is not ShopStatus.ACTIVE or (shop.status_reason and not
                                                     shop.status_reason.startswith(REFRESH_FAILING)):
            return None
        return replace(shop, status_reason=f"{REFRESH_FAILING} ({why}); retried every tick"[:300])
    change_shop(shops, shop_id, noted)
    return Refresh.FAILED


def _call(client: PlatformAuth, shop: Shop, refresh_token: str, self_authorised: bool) -> TokenSet | None:
    if shop.platform is Platform.WECHAT:
        return client.refresh("")                 # a new token from the app secret
    if refresh_token:
        return client.refresh(refresh_token)
    if self_authorised:
        return client.exchange_code("", "")       # Douyin self-built: the token again from the shop id
    return None
