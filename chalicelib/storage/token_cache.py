"""Shared token state of a shop across Lambdas, in the shops table beside the shop:
- DynamoTokenCache: WeChat's TokenCache Protocol (chalicelib/platforms/wechat/token.py). sk "WECHAT_TOKEN"
  holds the token envelope-encrypted with a version (compare-and-set), sk "LEASE#wechat_token" elects the
  one refresher (WeChat's force refresh kills the previous token, so only one worker may do it).
- DynamoShopLeases: a conditional-write lease per shop and purpose (the scheduled token refresh)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.codec import parse_time, sortable
from chalicelib.services.platform_ports import CachedToken
from chalicelib.storage.catalog_models import ShopSideItem
from chalicelib.storage.envelope import Envelope, default_envelope

TOKEN = "WECHAT_TOKEN"
LEASE = "LEASE#"


def _now() -> datetime:
    return datetime.now(UTC)


def _lost(exc: PutError | UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


class DynamoShopLeases:
    def __init__(self, clock: Callable[[], datetime] = _now) -> None:
        self._clock = clock

    def acquire(self, shop_id: str, purpose: str, holder: str, ttl: timedelta) -> bool:
        now = self._clock()
        item = ShopSideItem(shop_id, LEASE + purpose)
        free = (ShopSideItem.lease_until.does_not_exist() | (ShopSideItem.lease_until < sortable(now))
                | (ShopSideItem.lease_owner == holder))
        try:
            item.update(actions=[ShopSideItem.lease_owner.set(holder),
                                 ShopSideItem.lease_until.set(sortable(now + ttl))], condition=free)
        except UpdateError as exc:
            if _lost(exc):
                return False
            raise
        return True

    def release(self, shop_id: str, purpose: str, holder: str) -> None:
        try:
            ShopSideItem(shop_id, LEASE + purpose).update(
                actions=[ShopSideItem.lease_owner.remove(), ShopSideItem.lease_until.remove()],
                condition=ShopSideItem.lease_owner == holder)
        except UpdateError as exc:
            if not _lost(exc):   # lost: it expired and someone else holds it now
                raise


class DynamoTokenCache:
    """One WeChat shop's token slot. Pass one per shop to the WeChat client: create_client(..., token_cache=)."""

    def __init__(self, shop_id: str, envelope: Envelope | None = None,
                 clock: Callable[[], datetime] = _now) -> None:
        self.shop_id = shop_id
        self._envelope = envelope
        self._leases = DynamoShopLeases(clock)

    @property
    def envelope(self) -> Envelope:
        if self._envelope is None:
            self._envelope = default_envelope()
        return self._envelope

    def _context(self) -> str:
        return f"shop:{self.shop_id}:wechat_token"

    def get(self) -> CachedToken | None:
        try:
            item = ShopSideItem.get(self.shop_id, TOKEN, consistent_read=True)
        except ShopSideItem.DoesNotExist:
            return None
        plain = self.envelope.decrypt(str((item.doc or {})["blob"]), self._context())
        return CachedToken(str(plain["access_token"]), parse_time(str(plain["expires_at"])), int(item.version or 0))

    def compare_and_set(self, expected_version: int, new: CachedToken) -> bool:
        blob = self.envelope.encrypt({"access_token": new.access_token, "expires_at": new.expires_at.isoformat()},
                                     self._context())
        item = ShopSideItem(self.shop_id, TOKEN, version=new.version, doc={"blob": blob})
        condition = (ShopSideItem.sk.does_not_exist() if expected_version == 0
                     else ShopSideItem.version == expected_version)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if _lost(exc):
                return False
            raise
        return True

    def acquire(self, holder: str, ttl: timedelta) -> bool:
        return self._leases.acquire(self.shop_id, "wechat_token", holder, ttl)

    def release(self, holder: str) -> None:
        self._leases.release(self.shop_id, "wechat_token", holder)
