"""The local runtime's bot sandbox (local/sandbox/bots.py): one gateway for the DingTalk, WeCom and Feishu
bots, with one demo bot each, and a DingTalk alert channel in the OMS pointed at its demo bot (every
event), so alerts can be seen arriving: the sandbox's page at its address, or GET /_sandbox/messages.
Everything is listed in local.json under "bots"."""
from __future__ import annotations

import logging
import os

from local.runtime.hooks import StartContext, on_started, on_stopping
from local.sandbox.bots import BotSandbox
from local.sandbox.core import SandboxServer

log = logging.getLogger("local.bot_demo")

PORT = 8768                      # after the platform sandboxes' 8761-8767
DEMO_CHANNEL = "演示钉钉群"

_servers: list[SandboxServer] = []


@on_started
def start_bot_sandbox(ctx: StartContext) -> None:
    sandbox = BotSandbox()
    any_port = os.environ.get("OMS_SANDBOX_PORTS", "fixed") == "any"
    server = SandboxServer(sandbox, port=0 if any_port else PORT).start()
    _servers.append(server)
    robots = {vendor: sandbox.add_robot(vendor) for vendor in ("dingtalk", "wecom", "feishu")}
    urls = {vendor: sandbox.webhook_url(server.url, robot) for vendor, robot in robots.items()}
    listing = {"gateway": server.url, "messages": f"{server.url}/_sandbox/messages",
               **{vendor: {"webhook_url": urls[vendor], "secret": robot.secret} for vendor, robot in robots.items()}}
    _configure_demo_channel(urls["dingtalk"], robots["dingtalk"].secret)
    ctx.publish("bots", listing)


def _configure_demo_channel(webhook_url: str, secret: str) -> None:
    """Added once; on a later start (a new sandbox port when ports are free) its URL and secret follow."""
    from chalicelib import bootstrap
    from chalicelib.services.alert_channels import add_channel, edit_channel
    store = bootstrap.alert_settings()
    existing = next((c for c in store.load().channels if c.name == DEMO_CHANNEL), None)
    if existing is None:
        add_channel(store, kind="dingtalk", name=DEMO_CHANNEL, webhook_url=webhook_url, secret=secret,
                    allow_loopback=True)
    elif existing.webhook_url != webhook_url or existing.secret != secret:
        edit_channel(store, existing.channel_id, {"webhook_url": webhook_url, "secret": secret}, allow_loopback=True)


@on_stopping
def stop_bot_sandbox(ctx: StartContext) -> None:
    for server in _servers:
        server.stop()
