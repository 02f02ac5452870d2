"""The seller's alert channels and quiet period: add, change, remove, and the views the admin API shows.
A webhook URL must be https on the vendor's own host (plain http to the loopback only where the local
runtime allows it: its bot sandboxes); DingTalk and Feishu channels need their signing secret. Secrets
are write-only: a view shows whether one is set and the URL with its token masked."""
from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.domain.alerts import EVENT_TYPES, ChannelKind, QuietPeriod, parse_hhmm
from chalicelib.domain.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.services.alert_ports import AlertSettings, AlertSettingsStore, Channel

MAX_CHANNELS = 20
# kind -> (host, path check, the query parameter carrying its token or None)
VENDOR: dict[ChannelKind, tuple[tuple[str, ...], Callable[[str], bool], str | None]] = {
    ChannelKind.DINGTALK: (("oapi.dingtalk.com",), lambda p: p == "/robot/send", "access_token"),
    ChannelKind.WECOM: (("qyapi.weixin.qq.com",), lambda p: p == "/cgi-bin/webhook/send", "key"),
    ChannelKind.FEISHU: (("open.feishu.cn", "open.larksuite.com"),
                         lambda p: p.startswith("/open-apis/bot/v2/hook/") and len(p) > 23, None),
}
SIGNED = (ChannelKind.DINGTALK, ChannelKind.FEISHU)


def check_url(kind: ChannelKind, url: str, allow_loopback: bool) -> str:
    parts = urlsplit(url.strip())
    hosts, path_ok, token = VENDOR[kind]
    if allow_loopback and parts.scheme == "http" and _loopback(parts.hostname or ""):
        return url.strip()
    if parts.scheme != "https" or (parts.hostname or "") not in hosts:
        raise ValidationError(f"webhook_url must be https://{hosts[0]}/... for a {kind.value} channel",
                              field="webhook_url", reason="alerts.bad_webhook_url")
    if not path_ok(parts.path) or (token and not parse_qs(parts.query).get(token)):
        what = f"with its {token}" if token else "with its hook id"
        raise ValidationError(f"webhook_url is not a {kind.value} bot webhook {what}", field="webhook_url",
                              reason="alerts.bad_webhook_url")
    return url.strip()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_events(events: Iterable[str]) -> frozenset[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(f"unknown events: {', '.join(unknown)}", field="events", reason="alerts.unknown_event")
    return frozenset(events)


def add_channel(store: AlertSettingsStore, *, kind: str, name: str, webhook_url: str, secret: str = "",
                events: Iterable[str] = (), allow_loopback: bool = False) -> Channel:
    chosen = ChannelKind(kind)
    if chosen in SIGNED and not secret:
        raise ValidationError(f"a {chosen.value} channel needs its signing secret", field="secret",
                              reason="alerts.secret_missing")
    channel = Channel(f"ch_{uuid.uuid4().hex[:12]}", chosen, name.strip(), check_url(chosen, webhook_url,
                      allow_loopback), secret, check_events(events))

    def added(settings: AlertSettings) -> AlertSettings:
        if len(settings.channels) >= MAX_CHANNELS:
            raise ValidationError(f"at most {MAX_CHANNELS} channels", field="name", reason="alerts.too_many")
        return replace(settings, channels=(*settings.channels, channel))
    change_settings(store, added)
    return channel


def edit_channel(store: AlertSettingsStore, channel_id: str, changes: Mapping[str, Any],
                 allow_loopback: bool = False) -> Channel:
    """Fields left out stay; an empty secret keeps the stored one (it is never shown, so never echoed)."""
    def edited(settings: AlertSettings) -> AlertSettings:
        current = require(settings, channel_id)
        updated = replace(
            current, name=str(changes.get("name", current.name)).strip(), active=bool(changes.get("active",
                                                                                                  current.active)),
            webhook_url=check_url(current.kind, changes["webhook_url"], allow_loopback)
            if changes.get("webhook_url") else current.webhook_url,
            secret=changes.get("secret") or current.secret,
            events=check_events(changes["events"]) if "events" in changes else current.events)
        return replace(settings, channels=tuple(updated if c.channel_id == channel_id else c
                                                for c in settings.channels))
    return require(change_settings(store, edited), channel_id)


def remove_channel(store: AlertSettingsStore, channel_id: str) -> None:
    def removed(settings: AlertSettings) -> AlertSettings:
        require(settings, channel_id)
        return replace(settings, channels=tuple(c for c in settings.channels if c.channel_id != channel_id))
    change_settings(store, removed)


def set_quiet(store: AlertSettingsStore, *, enabled: bool, start: str, end: str) -> QuietPeriod:
    for name, value in (("start", start), ("end", end)):
        try:
            parse_hhmm(value)
        except ValueError as exc:
            raise ValidationError(f"{name} must be HH:MM (00:00-23:59)", field=name,
                                  reason="alerts.bad_quiet_time") from exc
    quiet = QuietPeriod(start, end, enabled)
    change_settings(store, lambda s: replace(s, quiet=quiet))
    return quiet


def require(settings: AlertSettings, channel_id: str) -> Channel:
    channel = settings.channel(channel_id)
    if channel is None:
        raise NotFoundError(f"no alert channel {channel_id}", reason="alerts.no_channel")
    return channel


def change_settings(store: AlertSettingsStore, change: Callable[[AlertSettings], AlertSettings],
                    tries: int = 5) -> AlertSettings:
    for _ in range(tries):
        current = store.load()
        updated = change(current)
        try:
            store.save(updated, current.revision)
            return replace(updated, revision=current.revision + 1)
        except ConflictError:
            continue
    raise ConflictError("the alert settings kept changing", reason="alerts.busy")


def channel_view(channel: Channel) -> dict[str, Any]:
    return {"channel_id": channel.channel_id, "kind": channel.kind.value, "name": channel.name,
            "webhook_url": mask_url(channel.webhook_url), "secret_set": bool(channel.secret),
            "events": sorted(channel.events), "every_event": not channel.events, "active": channel.active}


def settings_view(settings: AlertSettings) -> dict[str, Any]:
    quiet = settings.quiet
    return {"channels": [channel_view(c) for c in settings.channels], "events": list(EVENT_TYPES),
            "quiet": {"enabled": quiet.enabled, "start": quiet.start, "end": quiet.end, "time_zone": "Asia/Shanghai"}}


def mask_url(url: str) -> str:
    """The host and path to recognise it by; the token (query or Feishu's hook id) down to its last 4."""
    parts = urlsplit(url)
    path = parts.path
    if "/hook/" in path:
        head, _, hook = path.rpartition("/")
        path = f"{head}/****{hook[-4:]}"
    query = "&".join(f"{k}=****{v[0][-4:]}" for k, v in parse_qs(parts.query).items())
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")
