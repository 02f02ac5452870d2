"""ERP clients: created by an admin with a key id and a secret shown once; the secret is kept encrypted
(the HMAC needs it), rotated with an overlap during which both the old and the new one are accepted."""
from __future__ import annotations

import secrets as random
from dataclasses import replace
from datetime import datetime, timedelta
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.services.erp_ports import EVENT_TYPES, SCOPES, ErpClient, ErpClientRepository, SigningSecret
from chalicelib.services.erp_scope import check_shop_ids
from chalicelib.services.ports import Clock, ShopDirectory

MAX_OVERLAP = timedelta(days=7)
LOOPBACK_HOSTS = ("localhost",)


def new_key_id() -> str:
    return "ek_" + random.token_hex(8)


def new_secret() -> str:
    return "es_" + random.token_urlsafe(32)


def create_client(repo: ErpClientRepository, clock: Clock, *, name: str, scopes: list[str], webhook_url: str = "",
                  events: list[str] | None = None, rate_per_minute: int = 600, shop_ids: list[str] | None = None,
                  shops: ShopDirectory | None = None) -> tuple[ErpClient, str]:
    """Returns the client and its secret: the only time the secret is ever shown. `shop_ids` (each one a
    shop of `shops`) limits what it sees; none: every shop."""
    now = clock.now()
    secret = new_secret()
    client = ErpClient(key_id=new_key_id(), name=_name(name), scopes=_scopes(scopes), created_at=now,
                       webhook_url=check_webhook_url(webhook_url), events=_events(events or []),
                       shop_ids=check_shop_ids(shops, shop_ids or ()),
                       rate_per_minute=_rate(rate_per_minute), secrets=(SigningSecret(secret, now),))
    repo.add(client)
    return client, secret


def get_client(repo: ErpClientRepository, key_id: str) -> ErpClient:
    client = repo.get(key_id)
    if client is None:
        raise NotFoundError(f"no ERP client {key_id}")
    return client


def update_client(repo: ErpClientRepository, key_id: str, changes: dict[str, Any],
                  shops: ShopDirectory | None = None) -> ErpClient:
    """`changes["shop_ids"]`: the shops it may see from now on ([]: every shop)."""
    client = get_client(repo, key_id)
    fields: dict[str, Any] = {}
    if changes.get("name") is not None:
        fields["name"] = _name(changes["name"])
    if changes.get("scopes") is not None:
        fields["scopes"] = _scopes(changes["scopes"])
    if changes.get("webhook_url") is not None:
        fields["webhook_url"] = check_webhook_url(changes["webhook_url"])
    if changes.get("events") is not None:
        fields["events"] = _events(changes["events"])
    if changes.get("rate_per_minute") is not None:
        fields["rate_per_minute"] = _rate(changes["rate_per_minute"])
    if changes.get("shop_ids") is not None:
        fields["shop_ids"] = check_shop_ids(shops, changes["shop_ids"])
    if changes.get("active") is not None:
        fields["active"] = bool(changes["active"])
    updated = replace(client, **fields)
    repo.save(updated, client.revision)
    return replace(updated, revision=client.revision + 1)


def rotate_secret(repo: ErpClientRepository, clock: Clock, key_id: str, overlap_seconds: int) -> tuple[ErpClient, str]:
    """The new secret signs from now on; the old ones stay valid for `overlap_seconds` (0: revoked now)."""
    if not 0 <= overlap_seconds <= MAX_OVERLAP.total_seconds():
        raise ValidationError(f"overlap must be 0..{int(MAX_OVERLAP.total_seconds())} seconds",
                              field="overlap_seconds")
    client = get_client(repo, key_id)
    now = clock.now()
    until = now + timedelta(seconds=overlap_seconds)
    shortened = (replace(s, expires_at=min(s.expires_at, until) if s.expires_at else until) for s in client.secrets)
    kept = tuple(s for s in shortened if s.expires_at and s.expires_at > now)
    secret = new_secret()
    rotated = replace(client, secrets=(SigningSecret(secret, now), *kept))
    try:
        repo.save(rotated, client.revision)
    except ConflictError as exc:
        raise ConflictError(f"ERP client {key_id} changed meanwhile: rotate again") from exc
    return replace(rotated, revision=client.revision + 1), secret


def client_view(client: ErpClient, now: datetime) -> dict[str, Any]:
    """Never the secrets: only how many are valid and until when the old ones last."""
    return {"key_id": client.key_id, "name": client.name, "scopes": sorted(client.scopes),
            "webhook_url": client.webhook_url, "events": sorted(client.events), "active": client.active,
            "shop_ids": sorted(client.shop_ids), "every_shop": not client.shop_ids,
            "rate_per_minute": client.rate_per_minute, "created_at": client.created_at.isoformat(),
            "valid_secrets": len(client.valid_secrets(now)),
            "old_secrets_expire_at": [s.expires_at.isoformat() for s in client.secrets
                                      if s.expires_at and s.expires_at > now]}


def check_webhook_url(url: str) -> str:
    """https anywhere; plain http only to the loopback (the local runtime and tests)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return url
    raise ValidationError("webhook_url must be https (plain http only to the loopback)", field="webhook_url")


def _loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise ValidationError("name must be 1-80 characters", field="name")
    return name


def _scopes(scopes: list[str]) -> frozenset[str]:
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValidationError(f"scopes must be some of {', '.join(SCOPES)}", field="scopes")
    return frozenset(scopes)


def _events(events: list[str]) -> frozenset[str]:
    unknown = set(events) - set(EVENT_TYPES)
    if unknown:
        raise ValidationError(f"unknown event types: {', '.join(sorted(unknown))}", field="events")
    return frozenset(events)


def _rate(rate: int) -> int:
    if not 1 <= int(rate) <= 100_000:
        raise ValidationError("rate_per_minute must be 1..100000", field="rate_per_minute")
    return int(rate)
