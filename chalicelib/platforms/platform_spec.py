"""What a platform package declares about itself (its `spec.py`), read through platforms/registry.py.

Facts about a platform live here and nowhere else: its names, what it can do, its print component, whether
its token names the seller, where its carrier codes are. Services read them from the registry instead of
keeping their own per-platform tables. Importing a spec is cheap (no client, no HTTP): the registry loads
all seven specs, and only the client of the platform a Lambda talks to."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chalicelib.domain.platform import Platform
from chalicelib.printing.messages import ComponentSpec


class Capability(StrEnum):
    PULL = "pull"                  # orders and after-sales by time window (every platform)
    PUSH = "push"                  # signed HTTP pushes to our endpoint (push.py)
    TMC = "tmc"                    # a message feed we poll (taobao/tmc.py)
    WAYBILL = "waybill"            # electronic waybills (电子面单) issued through the platform
    TRACE = "trace"                # a route query for a parcel
    RESEND = "resend"              # an exchange's new goods shipped on the case
    PARTIAL_SHIPMENT = "partial_shipment"   # ship some lines of an order, the rest later


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
    "canonical",     # payloads -> the canonical shapes of base.py
    "catalog",       # products, SKUs, stock write-back
    "after_sales",   # the seller's after-sale actions
    "waybill",       # electronic waybills and print data
    "trace",         # parcel routes
    "push",          # verifying pushed messages
    "tmc",           # a polled message feed
    "oauth",         # authorise URL, code exchange, refresh
    "token",         # an app-secret token life cycle (no OAuth refresh token)
})


@dataclass(frozen=True)
class PlatformSpec:
    platform: Platform
    package: str                          # the folder under chalicelib/platforms/
    name_zh: str
    name_en: str
    capabilities: frozenset[Capability]
    print_component: ComponentSpec
    print_component_name: str             # what the UI calls the component program
    seller_in_token: bool                 # the OAuth token answer names the seller
    self_authorising: bool = False        # the token comes from the app credentials alone, no redirect
    carrier_tables: tuple[str, ...] = ("CARRIERS",)   # tables in <package>/mapping.py: our code -> theirs
    # Where the platform's print data carries no standard template and its component needs one passed
    # ({code}: the carrier). [I] the real URL comes from the platform's template list API, not called.
    standard_template: str = ""

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities
