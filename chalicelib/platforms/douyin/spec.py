"""Douyin (抖音): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

# wss://localhost:13999 appears only commented out in one client: not verified, so not offered.
SPEC = PlatformSpec(
    platform=Platform.DOUYIN,
    package="douyin",
    name_zh="抖音",
    name_en="Douyin",
    capabilities=frozenset({C.PULL, C.PUSH, C.WAYBILL, C.TRACE, C.RESEND, C.PARTIAL_SHIPMENT}),
    print_component=ComponentSpec(Platform.DOUYIN, Family.CAINIAO, "ws://127.0.0.1:13888"),
    print_component_name="douyin",
    seller_in_token=True,
    self_authorising=True,
    standard_template="https://lf3-cm.ecombdstatic.com/obj/logistics-davinci/template/{code}76x130.xml",
)
