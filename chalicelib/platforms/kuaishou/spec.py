"""Kuaishou (快手): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

SPEC = PlatformSpec(
    platform=Platform.KUAISHOU,
    package="kuaishou",
    name_zh="快手",
    name_en="Kuaishou",
    capabilities=frozenset({C.PULL, C.PUSH, C.WAYBILL, C.RESEND}),
    print_component=ComponentSpec(
        Platform.KUAISHOU, Family.CAINIAO, "ws://127.0.0.1:16888/ks/printer", custom_data_key="customData",
    ),
    print_component_name="kuaishou",
    seller_in_token=False,  # Kuaishou's token names the user's open_id, not the shop
    carrier_tables=("CARRIERS", "EBILL_CARRIERS"),
)
