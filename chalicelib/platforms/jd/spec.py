"""JD (京东): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

# Protocol "2" needs JD print component >= 3.3.2.7.
SPEC = PlatformSpec(
    platform=Platform.JD,
    package="jd",
    name_zh="京东",
    name_en="JD",
    capabilities=frozenset({C.PULL, C.WAYBILL, C.TRACE, C.RESEND}),
    print_component=ComponentSpec(Platform.JD, Family.JD, "ws://127.0.0.1:9113", version="2"),
    print_component_name="jd",
    seller_in_token=True,
    standard_template="https://template-content.jd.com/template-oss?tempCode=jdkd76x130",
)
