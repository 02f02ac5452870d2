"""Admin routes of business alerts: the seller's bot channels (add, change, remove, send a test), which
events go where (each channel's events), the quiet period, and the recent deliveries with their status."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _loopback_allowed() -> bool:
    """Plain http to 127.0.0.1 only in the local runtime, where the bot sandboxes listen."""
    return os.environ.get("OMS_LOCAL") == "1"


@admin_route(bp, "/admin/alerts/settings")
def get_alert_settings(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.alert_channels import settings_view
    return settings_view(bootstrap.alert_settings().load())


@admin_route(bp, "/admin/alerts/channels", methods=("POST",), role=Role.ADMIN)
def add_alert_channel(ctx: Ctx) -> Response:
    from chalicelib.api.alert_schemas import ChannelBody
    from chalicelib.services.alert_channels import add_channel, channel_view
    body = parse(ChannelBody, ctx.request)
    channel = add_channel(bootstrap.alert_settings(), kind=body.kind, name=body.name, webhook_url=body.webhook_url,
                          secret=body.secret, events=body.events, allow_loopback=_loopback_allowed())
    return Response(ctx.audited(channel_view(channel)), status_code=201)


@admin_route(bp, "/admin/alerts/channels/{channel_id}", methods=("PATCH",), role=Role.ADMIN)
def edit_alert_channel(ctx: Ctx, channel_id: str) -> dict[str, Any]:
    from chalicelib.api.alert_schemas import ChannelPatchBody
    from chalicelib.services.alert_channels import channel_view, edit_channel
    body = parse(ChannelPatchBody, ctx.request)
    channel = edit_channel(bootstrap.alert_settings(), channel_id, body.model_dump(exclude_none=True),
                           allow_loopback=_loopback_allowed())
    return ctx.audited(channel_view(channel))


@admin_route(bp, "/admin/alerts/channels/{channel_id}", methods=("DELETE",), role=Role.ADMIN)
def remove_alert_channel(ctx: Ctx, channel_id: str) -> dict[str, Any]:
    from chalicelib.services.alert_channels import remove_channel
    remove_channel(bootstrap.alert_settings(), channel_id)
    return ctx.audited({"channel_id": channel_id, "removed": True})


@admin_route(bp, "/admin/alerts/channels/{channel_id}/test", methods=("POST",), role=Role.ADMIN)
def test_alert_channel(ctx: Ctx, channel_id: str) -> dict[str, Any]:
    from chalicelib.services.alerts import alert_delivery_view, send_test
    return alert_delivery_view(send_test(bootstrap.alert_deps(), channel_id, ctx.actor))


@admin_route(bp, "/admin/alerts/quiet", methods=("PUT",), role=Role.ADMIN)
def set_alert_quiet(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.alert_schemas import QuietBody
    from chalicelib.services.alert_channels import set_quiet, settings_view
    body = parse(QuietBody, ctx.request)
    set_quiet(bootstrap.alert_settings(), enabled=body.enabled, start=body.start, end=body.end)
    return ctx.audited(settings_view(bootstrap.alert_settings().load())["quiet"])


@admin_route(bp, "/admin/alerts/deliveries")
def list_alert_deliveries(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.alerts import alert_delivery_view, recent
    params: Mapping[str, str] = ctx.request.query_params or {}
    cursor = cursors.read(ctx.request, params.get("cursor", ""))
    page = recent(bootstrap.alert_deps(), page_limit(ctx.request), cursor,
                  undelivered_only=params.get("undelivered") == "true")
    return {"items": [alert_delivery_view(d) for d in page.items],
            "next_cursor": cursors.issue(ctx.request, page.cursor)}
