"""The platform packages, by name: the one module that imports them by name. Each package's spec.py
declares what the OMS may know about the platform (services/platform_ports.PlatformSpec); services read
those facts through the PlatformDirectory port, which this module implements (bootstrap.platforms()).
The client is imported on first use: a Lambda that talks to one platform should not pay for importing
the other six (the specs are small and import no client)."""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability, PlatformSpec, PushGate

if TYPE_CHECKING:
    from chalicelib.platforms.http import Transport
    from chalicelib.services.platform_ports import PlatformClient
    from chalicelib.services.platform_types import ShopCredentials

# The roles a file in a platform package may have: one name per role, the same on every platform.
FILE_ROLES = frozenset({
    "__init__",
    "spec",          # this platform's PlatformSpec
    "client",        # the PlatformClient (create_client)
    "gateway",       # the signed HTTP call and its envelope
    "signing",       # request signatures
    "errors",        # platform error codes -> our PlatformError types
    "paging",        # windowed, cursor or page walks
    "queries",       # read queries with their field lists
    "mapping",       # enum, status and carrier tables, small converters
    "canonical",     # payloads -> the canonical shapes of services/platform_types.py
    "catalog",       # products, SKUs, stock write-back
    "after_sales",   # the seller's after-sale actions
    "waybill",       # electronic waybills and print data
    "trace",         # parcel routes
    "push",          # verifying pushed messages
    "tmc",           # a polled message feed
    "oauth",         # authorise URL, code exchange, refresh
    "token",         # an app-secret token life cycle (no OAuth refresh token)
})


PACKAGES = ("taobao", "jd", "pdd", "douyin", "wechat", "kuaishou", "xhs")


@cache
def specs() -> tuple[PlatformSpec, ...]:
    return tuple(importlib.import_module(f"chalicelib.platforms.{package}.spec").SPEC for package in PACKAGES)


def spec_of(platform: Platform | str) -> PlatformSpec | None:
    """None for a channel with no platform package (offline shops) or a name we do not know."""
    return next((spec for spec in specs() if spec.platform == platform), None)


def require_spec(platform: Platform | str) -> PlatformSpec:
    spec = spec_of(platform)
    if spec is None:
        raise ValueError(f"no platform package for {platform!r}")
    return spec


def mapping_module(platform: Platform | str) -> ModuleType:
    return importlib.import_module(f"chalicelib.platforms.{require_spec(platform).package}.mapping")


def carrier_tables(platform: Platform | str) -> list[Mapping[str, str]]:
    """The platform's carrier tables (our code -> theirs) named by its spec, the shipping one first."""
    mapping = mapping_module(platform)
    return [getattr(mapping, table) for table in require_spec(platform).carrier_tables]


def push_gate(platform: Platform | str) -> PushGate | None:
    spec = spec_of(platform)
    if spec is None or not spec.can(Capability.PUSH):
        return None
    gate: PushGate = importlib.import_module(f"chalicelib.platforms.{spec.package}.push").GATE
    return gate


def client_for(credentials: ShopCredentials, transport: Transport | None = None, **options: Any) -> PlatformClient:
    """`options` go to the package's create_client as they are (WeChat's token_cache)."""
    spec = spec_of(credentials.platform)
    if spec is None:
        raise ValueError(f"no client for platform {credentials.platform}")
    from chalicelib.platforms.http import Transport  # cold start: httpx ~1.0 s, on the first client
    module = importlib.import_module(f"chalicelib.platforms.{spec.package}.client")
    client: PlatformClient = module.create_client(credentials, transport or Transport(), **options)
    return client


def supported_platforms() -> list[Platform]:
    available = []
    for spec in specs():
        try:
            importlib.import_module(f"chalicelib.platforms.{spec.package}.client")
        except ModuleNotFoundError:
            continue
        available.append(spec.platform)
    return available
