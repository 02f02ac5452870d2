"""WeChat Channels (微信小店): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

SPEC = PlatformSpec(
    platform=Platform.WECHAT,
    package="wechat",
    name_zh="微信小店",
    name_en="WeChat Channels",
    capabilities=frozenset({C.PULL, C.PUSH, C.WAYBILL, C.RESEND, C.PARTIAL_SHIPMENT}),
    print_component=ComponentSpec(Platform.WECHAT, Family.WECHAT, "ws://127.0.0.1:12705", version="2.0"),
    print_component_name="wechat",
    seller_in_token=False,
    self_authorising=True,
)
