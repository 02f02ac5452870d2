"""After-sale detail and the seller's agree actions. Agrees are safe to retry: a refusal is
checked against the case, and a case already past the action counts as done."""

from __future__ import annotations

from typing import Any

from chalicelib.platforms.pdd.errors import PLATFORM
from chalicelib.platforms.pdd.gateway import Gateway
from chalicelib.platforms.pdd.mapping import AGREED_STATUSES, RETURN_AGREED_STATUSES, as_int, split_case_id
from chalicelib.services.platform_errors import NotAllowedError, NotFoundError, PlatformError
from chalicelib.services.platform_types import Address


def detail(gateway: Gateway, case_id: str) -> dict[str, Any]:
    order_sn, after_sales_id = split_case_id(case_id)
    body = gateway.call(
        "pdd.refund.information.get", {"order_sn": order_sn, "after_sales_id": after_sales_id}
    )
    if not body.get("id"):
        raise NotFoundError(f"after-sale {case_id} not found", platform=PLATFORM)
    return body


def agree_refund(gateway: Gateway, case_id: str) -> None:
    _agree(gateway, "pdd.refund.agree", case_id, AGREED_STATUSES, {"operate_desc": "同意退款"})


def agree_return(gateway: Gateway, case_id: str, address: Address, contact: str, phone: str) -> None:
    address_id = _return_address_id(gateway, address)
    desc = f"同意退货，请寄回：{contact} {phone}".strip()
    _agree(
        gateway,
        "pdd.refund.returngoods.agree",
        case_id,
        RETURN_AGREED_STATUSES,
        {"operate_desc": desc, "return_address_id": address_id},
    )


RESENT_STATUSES = frozenset({15, 16, 18, 25})   # 换货补寄 sent / done, repair done: a retried send is a success


def resend(gateway: Gateway, case_id: str, shipping_id: str, tracking_no: str) -> None:
    """pdd.refund.exchange.shipping: the exchange / reissue (补寄) parcel on the after-sale."""
    _agree(gateway, "pdd.refund.exchange.shipping", case_id, RESENT_STATUSES,
           {"shipping_id": _id(shipping_id), "tracking_number": tracking_no})


def _agree(gateway: Gateway, api: str, case_id: str, done: frozenset[int], extra: dict[str, Any]) -> None:
    order_sn, after_sales_id = split_case_id(case_id)
    request = {"after_sales_id": _id(after_sales_id), "order_sn": order_sn, **extra}
    try:
        refusal = _refusal(gateway.call(api, {"request": request}))
    except NotAllowedError as exc:
        refusal = exc
    if refusal is None:
        return
    if as_int(detail(gateway, case_id).get("after_sales_status")) not in done:
        raise refusal


def _refusal(body: dict[str, Any]) -> PlatformError | None:
    """pdd.refund.agree answers result.succ; pdd.refund.returngoods.agree answers success + error_msg."""
    raw_result = body.get("result")
    result: dict[str, Any] = raw_result if isinstance(raw_result, dict) else {}
    if body.get("success") is False or result.get("succ") is False:
        message = str(body.get("error_msg") or result.get("message") or "refused")
        return NotAllowedError(message, code=str(body.get("error_code") or ""), platform=PLATFORM)
    return None


def _return_address_id(gateway: Gateway, address: Address) -> int:
    """POP takes a registered return address id: the one matching `address`, else the mall's default."""
    body = gateway.call("pdd.refund.address.list.get")
    rows = list(body.get("refund_address_list") or ())
    if not rows:
        raise NotAllowedError(
            "the mall has no return address registered", code="return_address", platform=PLATFORM
        )
    matching = [row for row in rows if str(row.get("address") or "") == address.detail]
    default = [row for row in rows if as_int(row.get("is_default")) == 1]
    return as_int((matching or default or rows)[0]["id"])


def _id(value: str) -> int | str:
    return int(value) if value.isdigit() else value
