"""afterSale.operate: which operation type a seller action is on Douyin, and reading its per-item results.

Types 201/202 are verified; 101/102/111/112/301/302/311/312 follow the SDK struct comments [I]
(reference §1.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.platform_types import Address, RejectReason

AGREE_REFUND = 201
REFUSE_REFUND = 202
AGREE_RETURN = 101
REFUSE_RETURN = 102
AGREE_AFTER_RETURN = 111  # goods came back: refund
REFUSE_AFTER_RETURN = 112
AGREE_REISSUE = 301  # with the reissue parcel's tracking number
REFUSE_REISSUE = 302
EXCHANGE_RESHIP = 311  # goods came back: send the replacement
REFUSE_EXCHANGE = 312

# (aftersale_status, aftersale_type) -> the refusal that applies there
_REFUSALS: dict[tuple[int, int], int] = {
    (6, 0): REFUSE_RETURN,
    (6, 1): REFUSE_REFUND,
    (6, 2): REFUSE_REFUND,
    (6, 3): REFUSE_RETURN,
    (6, 7): REFUSE_REISSUE,
    (11, 0): REFUSE_AFTER_RETURN,
    (11, 3): REFUSE_EXCHANGE,
}
_RESHIPS: dict[tuple[int, int], int] = {(6, 7): AGREE_REISSUE, (11, 3): EXCHANGE_RESHIP}

# The statuses an operation leads to: seeing one of them after a refusal means a retry already succeeded.
DONE_STATUSES: dict[int, frozenset[int]] = {
    AGREE_REFUND: frozenset({12}),
    AGREE_RETURN: frozenset({7, 11, 12, 13, 14}),
    AGREE_AFTER_RETURN: frozenset({12}),
    AGREE_REISSUE: frozenset({13, 14, 12}),
    EXCHANGE_RESHIP: frozenset({13, 14, 12}),
    REFUSE_REFUND: frozenset({27}),
    REFUSE_RETURN: frozenset({27}),
    REFUSE_REISSUE: frozenset({27}),
    REFUSE_AFTER_RETURN: frozenset({29}),
    REFUSE_EXCHANGE: frozenset({29}),
}


def refusal_for(status: int, kind: int) -> int:
    return _pick(_REFUSALS, status, kind, "refuse")


def reship_for(status: int, kind: int) -> int:
    return _pick(_RESHIPS, status, kind, "reship")


def _pick(table: Mapping[tuple[int, int], int], status: int, kind: int, action: str) -> int:
    if (status, kind) not in table:
        raise NotAllowedError(
            f"cannot {action} a Douyin after-sale of type {kind} in status {status}",
            code="state",
            platform="douyin",
        )
    return table[(status, kind)]


def refusal_item(reason: RejectReason) -> dict[str, Any]:
    item: dict[str, Any] = {"reason": reason.text, "remark": reason.text}
    if reason.code.isdigit():
        item["reject_reason_code"] = int(reason.code)  # from afterSale.rejectReasonCodeList
    return item


def return_address_item(address: Address, contact: str, phone: str, address_id: str = "") -> dict[str, Any]:
    if address_id:
        return {"logistics": {"receiver_address_id": int(address_id)}}
    return {
        "logistics": {
            "after_sale_address_detail": {
                "province_name": address.province,
                "city_name": address.city,
                "town_name": address.district,
                "street_name": address.town,
                "detail": address.detail,
                "user_name": contact,
                "mobile": phone,
            }
        }
    }


def raise_for_items(data: Mapping[str, Any] | None) -> None:
    """afterSale.operate answers code 10000 and reports each item's own result."""
    for result in (data or {}).get("items") or ():
        status_code = int(result.get("status_code") or 0)
        if status_code != 0:
            raise NotAllowedError(
                str(result.get("status_msg") or "refused"), code=str(status_code), platform="douyin"
            )


def reshipped_with(detail: Mapping[str, Any], tracking_no: str) -> bool:
    """afterSale.Detail's logistics_info.resend / .exchange: the parcel the seller already sent."""
    logistics = (detail.get("process_info") or {}).get("logistics_info") or {}
    return any((logistics.get(key) or {}).get("tracking_no") == tracking_no for key in ("resend", "exchange"))
