"""Taobao (淘宝): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

SPEC = PlatformSpec(
    platform=Platform.TAOBAO,
    package="taobao",
    name_zh="淘宝",
    name_en="Taobao",
    capabilities=frozenset({C.PULL, C.TMC, C.WAYBILL, C.TRACE, C.RESEND, C.PARTIAL_SHIPMENT}),
    print_component=ComponentSpec(
        Platform.TAOBAO, Family.CAINIAO, "ws://127.0.0.1:13528", "wss://127.0.0.1:13529",
        notify_types=("render", "print"),
    ),
    print_component_name="cainiao",
    seller_in_token=True,
)
