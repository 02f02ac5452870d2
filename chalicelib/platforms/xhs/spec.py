"""Xiaohongshu (小红书): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

# The new e-waybill (billVersion=2) component, seen in one ERP client only; the old one listens on 14528
# (printing.components.XHS_LEGACY_URL).
SPEC = PlatformSpec(
    platform=Platform.XHS,
    package="xhs",
    name_zh="小红书",
    name_en="Xiaohongshu",
    capabilities=frozenset({C.PULL, C.PUSH, C.WAYBILL, C.TRACE, C.RESEND}),
    print_component=ComponentSpec(
        Platform.XHS, Family.CAINIAO, "ws://127.0.0.1:10818", preview_type="image", known_content=False,
    ),
    print_component_name="xhs",
    seller_in_token=True,
)
