"""Every platform's sandbox, where it listens by default, and a way to start them all."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from local.sandbox.core import SandboxServer, SandboxShop

# platform -> (module, default port, demo shop name). The ports avoid the print components' (5000, 9113,
# 12705, 13528, 13888, 16888) and stay fixed so that shops keep their base URL across restarts.
SANDBOXES = {
    "taobao": ("local.sandbox.taobao", 8761, "淘宝演示旗舰店"),
    "jd": ("local.sandbox.jd", 8762, "京东演示店"),
    "pdd": ("local.sandbox.pdd", 8763, "拼多多演示店"),
    "douyin": ("local.sandbox.douyin", 8764, "抖店演示店"),
    "wechat": ("local.sandbox.wechat", 8765, "微信小店演示店"),
    "kuaishou": ("local.sandbox.kuaishou", 8766, "快手演示小店"),
    "xhs": ("local.sandbox.xhs", 8767, "小红书演示店"),
}


@dataclass
class Running:
    platform: str
    name: str
    sandbox: Any
    server: SandboxServer
    shop: SandboxShop


def start_all(any_port: bool = False, seed: int = 11) -> list[Running]:
    running = []
    for platform, (module, port, name) in SANDBOXES.items():
        sandbox = importlib.import_module(module).create_sandbox(seed=seed)
        server = SandboxServer(sandbox, port=0 if any_port else port).start()
        running.append(Running(platform, name, sandbox, server, sandbox.add_shop()))
    return running


def describe(r: Running) -> dict[str, Any]:
    return {"gateway": r.server.url, "shop_name": r.name, "seller_id": r.shop.seller_id, "app_key": r.shop.app_key,
            "app_secret": r.shop.app_secret, "access_token": r.shop.access_token,
            "refresh_token": r.shop.refresh_token, "extra": dict(r.shop.extra)}
