"""The platforms as the use cases see them: the client split by role, so that a use case (and its fake)
depends only on the calls it makes, and the facts a platform package declares about itself (PlatformSpec).
platforms/ implements these; services never import platforms/. Every client method raises the
PlatformError subclasses of services/platform_errors.py, never httpx's or a raw dict."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import (
    Address,
    CanonicalAfterSale,
    CanonicalOrder,
    CanonicalProduct,
    Carrier,
    PushEvent,
    PushReply,
    PushRequest,
    RejectReason,
    ResendRequest,
    ShipRequest,
    TokenSet,
    Tracking,
    WaybillAccount,
    WaybillRequest,
    WaybillResult,
)


# ---------------------------------------------------------------- the client, by role
class PlatformOrders(Protocol):
    """list_* returns every record whose platform modified time falls in [start, end), at least once, even
    when records move out of the window between page reads (walk offset pages from the last to the first,
    or use the platform's stable cursor), and de-duplicated within one call. The caller splits long
    ranges by `max_window`."""

    platform: Platform
    max_window: timedelta        # the longest window one list call may span
    settle_lag: timedelta        # how long the platform's modified-time index takes to settle

    def list_orders(self, start: datetime, end: datetime) -> Iterator[CanonicalOrder]: ...
    def get_order(self, order_no: str) -> CanonicalOrder: ...


class PlatformOrderWrites(Protocol):
    """Order write-backs other than shipping."""

    platform: Platform

    def set_seller_memo(self, order_no: str, memo: str, flag: int = 0) -> None: ...


class PlatformAfterSales(Protocol):
    platform: Platform
    max_window: timedelta
    settle_lag: timedelta

    def list_after_sales(self, start: datetime, end: datetime) -> Iterator[CanonicalAfterSale]: ...
    def get_after_sale(self, case_id: str) -> CanonicalAfterSale: ...


class PlatformAfterSaleActions(Protocol):
    """The seller's answers to a case, and the parcel of a reissue or exchange."""

    platform: Platform

    def approve_refund(self, case_id: str) -> None: ...
    def reject_refund(self, case_id: str, reason: RejectReason) -> None: ...
    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None: ...
    def confirm_return_received(self, case_id: str) -> None: ...
    def resend(self, request: ResendRequest) -> None: ...


class PlatformShipping(Protocol):
    """Ship-back, carriers, electronic waybills and parcel routes."""

    platform: Platform

    def ship(self, request: ShipRequest) -> None: ...
    def list_carriers(self) -> list[Carrier]: ...
    def waybill_accounts(self) -> list[WaybillAccount]: ...
    def get_waybill(self, request: WaybillRequest) -> WaybillResult: ...
    def cancel_waybill(self, carrier_code: str, waybill_no: str) -> None: ...
    def track(self, carrier_code: str, waybill_no: str, order_no: str = "") -> Tracking: ...


class PlatformCatalog(Protocol):
    """Products and SKUs, and the stock write-back."""

    platform: Platform

    def list_products(self) -> Iterator[CanonicalProduct]: ...
    def update_stock(self, platform_sku_id: str, quantity: int, platform_product_id: str = "") -> None: ...


class PlatformAuth(Protocol):
    platform: Platform

    def authorize_url(self, redirect_uri: str, state: str) -> str: ...
    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet: ...
    def refresh(self, refresh_token: str) -> TokenSet: ...


class PlatformClient(PlatformOrders, PlatformOrderWrites, PlatformAfterSales, PlatformAfterSaleActions,
                     PlatformShipping, PlatformCatalog, PlatformAuth, Protocol):
    """What every platform package's create_client returns: all the roles."""


# ---------------------------------------------------------------- pushes
class PushGate(Protocol):
    """A platform's push endpoint (platforms/<p>/push.py GATE): how its pushes authenticate, what it answers."""

    keyed_by_app: bool          # the URL names the app (its shops share the secret), else our shop id

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        """Verifies before it parses; PushRejectedError for anything it refuses. The events are trusted for
        ids and times only; a URL check (WeChat's GET) has none."""
    def refusal(self, exc: PushRejectedError) -> PushReply: ...


# ---------------------------------------------------------------- WeChat's shared token slot
@dataclass(frozen=True)
class CachedToken:
    access_token: str
    expires_at: datetime
    version: int  # 0 means "no token yet"; every stored token increments it


class TokenCache(Protocol):
    """One shop's token slot, shared by every worker that talks to that shop (storage/token_cache.py)."""

    def get(self) -> CachedToken | None: ...
    def compare_and_set(self, expected_version: int, new: CachedToken) -> bool: ...
    def acquire(self, holder: str, ttl: timedelta) -> bool: ...
    def release(self, holder: str) -> None: ...


# ---------------------------------------------------------------- what a platform package declares
class Family(StrEnum):
    CAINIAO = "cainiao"
    JD = "jd"
    WECHAT = "wechat"


@dataclass(frozen=True)
class ComponentSpec:
    platform: Platform
    family: Family
    url: str
    secure_url: str = ""                      # wss:// endpoint where one is known
    version: str = "1.0"
    preview_type: str = "pdf"
    custom_data_key: str = "data"             # key of the custom-area content's data
    notify_cmds: tuple[str, ...] = ("notifyPrintResult",)
    notify_types: tuple[str, ...] = ()        # task.notifyType; sent only where the reference shows it
    known_content: bool = True                # False: the print data's shape is not documented; pass it as is


class Capability(StrEnum):
    PULL = "pull"                  # orders and after-sales by time window (every platform)
    PUSH = "push"                  # signed HTTP pushes to our endpoint (push.py)
    TMC = "tmc"                    # a message feed we poll (taobao/tmc.py)
    WAYBILL = "waybill"            # electronic waybills (电子面单) issued through the platform
    TRACE = "trace"                # a route query for a parcel
    RESEND = "resend"              # an exchange's new goods shipped on the case
    PARTIAL_SHIPMENT = "partial_shipment"   # ship some lines of an order, the rest later



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


class PlatformDirectory(Protocol):
    """The platform packages' specs (platforms/registry.py, the module itself, implements it)."""

    def specs(self) -> tuple[PlatformSpec, ...]: ...
    def spec_of(self, platform: Platform | str) -> PlatformSpec | None:
        """None for a channel with no platform package (offline shops) or a name we do not know."""
    def carrier_tables(self, platform: Platform | str) -> list[Mapping[str, str]]:
        """The platform's carrier tables (our code -> theirs) named by its spec, the shipping one first."""
    def push_gate(self, platform: Platform | str) -> PushGate | None:
        """None for a platform that does not push to us (or a name we do not know)."""
