"""The JSON shapes of the shipping API (docs: /work/briefs/shipping-api.md): accounts and waybills as the
admin UI sees them. The seller's own sender phone is masked too: a screen is not a label."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.waybills import ShopWaybillAccount, Waybill


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def mask_phone(phone: str) -> str:
    return phone if len(phone) < 7 else phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def account_view(account: ShopWaybillAccount, is_default: bool) -> dict[str, Any]:
    s = account.sender
    return {
        "account_id": account.account_id, "shop_id": account.shop_id, "platform": account.platform,
        "carrier_code": account.carrier_code, "carrier_name": account.carrier_name,
        "branch_code": account.branch_code, "branch_name": account.branch_name, "remaining": account.remaining,
        "sender": {"name": s.name, "phone_masked": mask_phone(s.phone), "province": s.province, "city": s.city,
                   "district": s.district, "detail": s.detail},
        "is_default": is_default, "updated_at": _time(account.updated_at),
    }


def waybill_view(waybill: Waybill) -> dict[str, Any]:
    tracking = waybill.tracking
    return {
        "waybill_id": waybill.waybill_id, "shop_id": waybill.shop_id, "platform": waybill.platform,
        "order_ids": list(waybill.order_ids), "order_nos": list(waybill.order_nos),
        "account_id": waybill.account_id, "account_reason": waybill.account_reason,
        "carrier_code": waybill.carrier_code,
        "carrier_name": waybill.carrier_name, "waybill_no": waybill.waybill_no, "status": waybill.status.value,
        "print_count": waybill.print_count, "issued_at": _time(waybill.issued_at),
        "printed_at": _time(waybill.printed_at), "shipped_at": _time(waybill.shipped_at),
        "cancelled_at": _time(waybill.cancelled_at),
        "shipment_id": waybill.shipment_ids[0] if waybill.shipment_ids else None,
        "shipment_ids": list(waybill.shipment_ids),
        "tracking": None if tracking is None else {
            "state": tracking.state.value, "updated_at": _time(tracking.updated_at),
            "events": [{"at": _time(e.at), "description": e.description} for e in tracking.events],
        },
    }
