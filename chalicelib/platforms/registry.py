"""Finds the client for a shop's platform. Imports the platform package on first use: a Lambda that
talks to one platform should not pay for importing the other six."""
from __future__ import annotations

import importlib

from chalicelib.domain.platform import Platform
from chalicelib.platforms.base import PlatformClient, ShopCredentials
from chalicelib.platforms.http import Transport

_PACKAGES = {
    Platform.TAOBAO: "taobao", Platform.JD: "jd", Platform.PDD: "pdd", Platform.DOUYIN: "douyin",
    Platform.WECHAT: "wechat", Platform.KUAISHOU: "kuaishou", Platform.XHS: "xhs",
}


def client_for(credentials: ShopCredentials, transport: Transport | None = None) -> PlatformClient:
    package = _PACKAGES.get(credentials.platform)
    if package is None:
        raise ValueError(f"no client for platform {credentials.platform}")
    module = importlib.import_module(f"chalicelib.platforms.{package}.client")
    client: PlatformClient = module.create_client(credentials, transport or Transport())
    return client


def supported_platforms() -> list[Platform]:
    available = []
    for platform, package in _PACKAGES.items():
        try:
            importlib.import_module(f"chalicelib.platforms.{package}.client")
        except ModuleNotFoundError:
            continue
        available.append(platform)
    return available
