"""Pinduoduo (拼多多): what the rest of the OMS may know about this platform without importing its client."""
from __future__ import annotations

from chalicelib.domain.platform import Platform
from chalicelib.services.platform_ports import Capability as C
from chalicelib.services.platform_ports import ComponentSpec, Family, PlatformSpec

# PDD pushes its print result as PrintResultNotify (gavin-hao/ec-print maps it to notifyPrintResult).
SPEC = PlatformSpec(
    platform=Platform.PDD,
    package="pdd",
    name_zh="拼多多",
    name_en="Pinduoduo",
    capabilities=frozenset({C.PULL, C.WAYBILL, C.TRACE, C.RESEND}),
    print_component=ComponentSpec(
        Platform.PDD, Family.CAINIAO, "ws://127.0.0.1:5000", "wss://127.0.0.1:18653",
        notify_cmds=("PrintResultNotify", "notifyPrintResult"),
    ),
    print_component_name="pdd",
    seller_in_token=True,
)
