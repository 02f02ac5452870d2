"""Carrier codes between ours (CARRIER_CODES, what shipments speak) and each platform's, through the carrier
tables its package names in its spec (the PlatformDirectory port)."""
from __future__ import annotations

from chalicelib.domain.errors import ValidationError
from chalicelib.services.erp_ports import CARRIER_CODES
from chalicelib.services.platform_errors import BadRequestError
from chalicelib.services.platform_ports import PlatformDirectory


def platform_carrier(platforms: PlatformDirectory, platform: str, carrier_code: str) -> str:
    """Ours -> the platform's shipping code."""
    carriers = platforms.carrier_tables(platform)[0]
    if carrier_code not in carriers:
        raise BadRequestError(f"carrier {carrier_code} has no code on {platform}", platform=platform)
    return carriers[carrier_code]


def our_carrier(platforms: PlatformDirectory, platform: str, code: str) -> str:
    """The waybill account speaks the platform's carrier code; shipments speak ours (CARRIER_CODES)."""
    if code in CARRIER_CODES:
        return code
    tables = platforms.carrier_tables(platform) if platforms.spec_of(platform) else []
    for table in tables:
        for ours, theirs in table.items():
            if theirs == code:
                return str(ours)
    raise ValidationError(f"carrier {code} of {platform} has no common code", field="carrier_code")
