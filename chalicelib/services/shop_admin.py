"""Adding shops of either kind, storing their tokens, pausing and resuming their sync, and the
re-authorisation state. Self-built-app shops (the seed's only mode) are added with the seller id and
tokens the seller copied from the platform; third-party-app shops start waiting for OAuth
(services/oauth.py) and learn their seller id from the token exchange."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import ShopStatus
from chalicelib.services.platform_ports import PlatformDirectory
from chalicelib.services.platform_types import TokenSet
from chalicelib.services.ports import ShopStore
from chalicelib.services.shops import new_shop_id, register_shop

MAX_ATTEMPTS = 5
PENDING_SELLER = "pending:"
AWAITING_AUTHORISATION = "awaiting authorisation: open the authorise link and approve as the seller"


def self_authorising(platforms: PlatformDirectory, platform: Platform | str) -> bool:
    """The token comes from the app credentials alone (Douyin self-built apps' authorization_self, WeChat's
    appid + secret): "authorise" there is one call, no redirect."""
    spec = platforms.spec_of(platform)
    return spec is not None and spec.self_authorising


def seller_in_token(platforms: PlatformDirectory, platform: Platform | str) -> bool:
    """The token answer names the seller (Kuaishou's names the user's open_id instead): a third-party-app
    shop there learns its seller id from the authorisation, elsewhere it must be given."""
    spec = platforms.spec_of(platform)
    return spec is not None and spec.seller_in_token


class AppMode(StrEnum):
    SELF_BUILT = "self_built"      # the seller's own app: tokens pasted (or fetched from the app secret)
    THIRD_PARTY = "third_party"    # our ISV app: the seller authorises it through OAuth


def add_shop(shops: ShopStore, platforms: PlatformDirectory, *, name: str, platform: Platform, mode: AppMode,
             app_key: str, app_secret: str, seller_id: str = "", access_token: str = "", refresh_token: str = "",
             token_expires_at: datetime | None = None, refresh_expires_at: datetime | None = None,
             extra: Mapping[str, str] | None = None, base_url: str = "") -> Shop:
    if platform is Platform.OFFLINE:
        raise ValidationError("offline shops have no platform to sync", field="platform", reason="shop.offline")
    if not seller_id and (mode is AppMode.SELF_BUILT or not seller_in_token(platforms, platform)):
        raise ValidationError(f"give the platform's seller / shop id ({platform.value} does not tell it when "
                              "authorising)" if mode is AppMode.THIRD_PARTY else
                              "a self-built-app shop needs the platform's seller / shop id", field="seller_id",
                              reason="shop.seller_id_needed")
    shop_id = new_shop_id()
    ready = bool(access_token) or platform is Platform.WECHAT   # WeChat's client fetches its own token
    reason = "" if ready else AWAITING_AUTHORISATION
    return register_shop(
        shops, name=name, platform=platform, seller_id=seller_id or PENDING_SELLER + shop_id, app_key=app_key,
        secrets=ShopSecrets(app_secret=app_secret, access_token=access_token, refresh_token=refresh_token,
                            extra=tuple(sorted((extra or {}).items()))),
        base_url=base_url, shop_id=shop_id, status=ShopStatus.ACTIVE if ready else ShopStatus.REAUTH_NEEDED,
        status_reason=reason, token_expires_at=token_expires_at, refresh_expires_at=refresh_expires_at)


def require(shops: ShopStore, shop_id: str) -> Shop:
    shop = shops.get(shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {shop_id}")
    return shop


def change_shop(shops: ShopStore, shop_id: str, change: Callable[[Shop], Shop | None]) -> Shop:
    """Revision-conditional read-modify-write; `change` returns None to leave the shop as it is."""
    for _ in range(MAX_ATTEMPTS):
        shop = require(shops, shop_id)
        changed = change(shop)
        if changed is None or changed == shop:
            return shop
        try:
            shops.save(changed, shop.revision)
            return replace(changed, revision=shop.revision + 1)
        except ConflictError:
            continue
    raise ConflictError(f"shop {shop_id} kept changing")


def change_secrets(shops: ShopStore, shop_id: str, change: Callable[[ShopSecrets], ShopSecrets]) -> None:
    for _ in range(MAX_ATTEMPTS):
        current = shops.get_secrets(shop_id)
        if current is None:
            raise NotFoundError(f"shop {shop_id} has no credentials")
        try:
            shops.put_secrets(shop_id, change(current), current.revision)
            return
        except ConflictError:
            continue
    raise ConflictError(f"credentials of shop {shop_id} kept changing")


def store_tokens(shops: ShopStore, shop_id: str, tokens: TokenSet, seller_id: str = "") -> Shop:
    """New tokens first (a rotating refresh token is spent once the platform answered), then the shop:
    a shop waiting for re-authorisation is active again; paused or parked shops stay so."""
    if seller_id:
        _check_seller(shops, shop_id, seller_id)   # before storing: never another seller's tokens here
    change_secrets(shops, shop_id, lambda s: replace(s, access_token=tokens.access_token,
                                                     refresh_token=tokens.refresh_token or s.refresh_token))

    def authorised(shop: Shop) -> Shop:
        seller = seller_id if seller_id and shop.seller_id.startswith(PENDING_SELLER) else shop.seller_id
        reauthorised = shop.status is ShopStatus.REAUTH_NEEDED
        return replace(shop, seller_id=seller, status=ShopStatus.ACTIVE if reauthorised else shop.status,
                       status_reason="" if reauthorised else shop.status_reason, token_expires_at=tokens.expires_at,
                       refresh_expires_at=tokens.refresh_expires_at or shop.refresh_expires_at)
    return change_shop(shops, shop_id, authorised)


def _check_seller(shops: ShopStore, shop_id: str, seller_id: str) -> None:
    shop = require(shops, shop_id)
    if shop.seller_id.startswith(PENDING_SELLER):
        other = shops.by_seller(shop.platform.value, seller_id)
        if other is not None and other.shop_id != shop_id:
            raise ConflictError(f"seller {seller_id} is already shop {other.shop_id} ({other.name})",
                                reason="shop.seller_taken")
    elif shop.seller_id != seller_id:
        raise ConflictError(f"the authorising seller {seller_id} is not this shop's seller {shop.seller_id}",
                            reason="shop.seller_mismatch")


def set_tokens(shops: ShopStore, shop_id: str, *, access_token: str, refresh_token: str = "",
               expires_at: datetime, refresh_expires_at: datetime | None = None) -> Shop:
    """A self-built-app shop: the seller pastes tokens from the platform's console."""
    return store_tokens(shops, shop_id, TokenSet(access_token=access_token, expires_at=expires_at,
                                                 refresh_token=refresh_token, refresh_expires_at=refresh_expires_at))


def mark_reauth_needed(shops: ShopStore, shop_id: str, reason: str) -> Shop:
    """The seller must authorise again. Only this shop stops: its pulls leave the schedule (not syncing)."""
    def parked(shop: Shop) -> Shop | None:
        if shop.status in (ShopStatus.DISABLED, ShopStatus.ARCHIVED):
            return None
        return replace(shop, status=ShopStatus.REAUTH_NEEDED, status_reason=reason[:300])
    return change_shop(shops, shop_id, parked)


def pause_shop(shops: ShopStore, shop_id: str, reason: str = "") -> Shop:
    def paused(shop: Shop) -> Shop | None:
        if shop.status is ShopStatus.ARCHIVED:
            return None
        return replace(shop, status=ShopStatus.PAUSED, status_reason=reason or "paused by an admin")
    return change_shop(shops, shop_id, paused)


def edit_shop(shops: ShopStore, shop_id: str, *, name: str | None = None, app_key: str | None = None,
              app_secret: str | None = None, base_url: str | None = None,
              extra: Mapping[str, str] | None = None) -> Shop:
    """Name, app key and gateway on the shop; the app secret and extra secrets go to the encrypted
    credentials, as at creation. Fields left None stay as they are."""
    require(shops, shop_id)
    if app_secret is not None or extra is not None:
        change_secrets(shops, shop_id, lambda s: replace(
            s, app_secret=s.app_secret if app_secret is None else app_secret,
            extra=s.extra if extra is None else tuple(sorted({**s.extra_dict(), **extra}.items()))))

    def edited(shop: Shop) -> Shop:
        return replace(shop, name=shop.name if name is None else name,
                       app_key=shop.app_key if app_key is None else app_key,
                       base_url=shop.base_url if base_url is None else base_url)
    return change_shop(shops, shop_id, edited)


def archive_shop(shops: ShopStore, shop_id: str, actor: str) -> Shop:
    """Delete, as a seller means it: the shop stops syncing and leaves the lists; its orders, cases and
    shipments stay. Archiving again changes nothing."""
    def archived(shop: Shop) -> Shop | None:
        if shop.status is ShopStatus.ARCHIVED:
            return None
        return replace(shop, status=ShopStatus.ARCHIVED, status_reason=f"archived by {actor}", parked_until=None)
    return change_shop(shops, shop_id, archived)


def resume_shop(shops: ShopStore, platforms: PlatformDirectory, shop_id: str, now: datetime) -> Shop:
    """Back to syncing, unless the tokens are gone: then it shows re-authorisation needed again."""
    secrets = shops.get_secrets(shop_id)

    def resumed(shop: Shop) -> Shop | None:
        if shop.status not in (ShopStatus.PAUSED, ShopStatus.RATE_LIMITED):
            return None
        expired = shop.token_expires_at is not None and shop.token_expires_at <= now
        if (secrets is None or not secrets.access_token or expired) and not self_authorising(platforms, shop.platform):
            return replace(shop, status=ShopStatus.REAUTH_NEEDED, status_reason="tokens missing or expired")
        return replace(shop, status=ShopStatus.ACTIVE, status_reason="", parked_until=None)
    return change_shop(shops, shop_id, resumed)


def shop_view(shop: Shop) -> dict[str, object]:
    """What the admin UI shows: never a secret."""
    pending = shop.seller_id.startswith(PENDING_SELLER)
    return {"shop_id": shop.shop_id, "name": shop.name, "platform": shop.platform.value,
            "seller_id": "" if pending else shop.seller_id, "status": shop.status.value,
            "status_reason": shop.status_reason, "syncing": shop.syncing,
            "reauth_needed": shop.status is ShopStatus.REAUTH_NEEDED, "app_key": shop.app_key,
            "token_expires_at": shop.token_expires_at.isoformat() if shop.token_expires_at else None,
            "refresh_expires_at": shop.refresh_expires_at.isoformat() if shop.refresh_expires_at else None,
            "sandbox": bool(shop.base_url), "revision": shop.revision}
