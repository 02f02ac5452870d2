"""Registering shops with their credentials. Authorisation (services/oauth.py), token refresh
(services/tokens.py) and pausing (services/shop_admin.py) build on this."""
from __future__ import annotations

import secrets as random
from contextlib import suppress
from datetime import datetime

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.domain.status import ShopStatus
from chalicelib.services.ports import ShopWriter


def new_shop_id() -> str:
    return "S" + random.token_hex(5).upper()


def register_shop(shops: ShopWriter, *, name: str, platform: Platform, seller_id: str, app_key: str,
                  secrets: ShopSecrets, base_url: str = "", shop_id: str | None = None,
                  status: ShopStatus = ShopStatus.ACTIVE, status_reason: str = "",
                  token_expires_at: datetime | None = None, refresh_expires_at: datetime | None = None) -> Shop:
    """Idempotent per (platform, seller id): registering the same seller again returns the shop."""
    existing = shops.by_seller(platform.value, seller_id)
    if existing:
        return existing
    shop = Shop(shop_id=shop_id or new_shop_id(), name=name, platform=platform, seller_id=seller_id,
                app_key=app_key, base_url=base_url, status=status, status_reason=status_reason,
                token_expires_at=token_expires_at, refresh_expires_at=refresh_expires_at)
    shops.add(shop)
    with suppress(ConflictError):   # a concurrent registration stored them first
        shops.put_secrets(shop.shop_id, secrets, expected_revision=0)
    return shop
