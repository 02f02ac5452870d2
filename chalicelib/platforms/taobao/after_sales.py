"""Seller decisions on TOP refunds. Each action is safe to retry: a case already in the state the
action leads to counts as done, also when an earlier attempt succeeded but its answer was lost."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.money import yuan_to_fen
from chalicelib.platforms.taobao import queries
from chalicelib.platforms.taobao.gateway import TopGateway, items
from chalicelib.services.platform_errors import NotAllowedError
from chalicelib.services.platform_types import Address, RejectReason

RETURN_AGREED = frozenset({"WAIT_BUYER_RETURN_GOODS", "WAIT_SELLER_CONFIRM_GOODS", "SUCCESS"})


class RefundDesk:
    def __init__(self, gateway: TopGateway) -> None:
        self.gateway = gateway

    def approve_refund(self, case_id: str) -> None:
        refund = queries.refund(self.gateway, case_id)
        if refund["status"] != "SUCCESS":
            self._agree(refund)

    def confirm_return_received(self, case_id: str) -> None:
        refund = queries.refund(self.gateway, case_id)
        if refund["status"] == "SUCCESS":
            return
        if refund["status"] != "WAIT_SELLER_CONFIRM_GOODS":
            # TOP has one "agree" API: agreeing before the goods are back would refund without a return
            raise NotAllowedError(
                f"refund {case_id} is {refund['status']}: no returned goods to confirm",
                code="state",
                sub_code=str(refund["status"]),
                platform="taobao",
            )
        self._agree(refund)

    def reject_refund(self, case_id: str, reason: RejectReason) -> None:
        refund = queries.refund(self.gateway, case_id)
        if refund["status"] == "SELLER_REFUSE_BUYER":
            return
        params = {"refund_id": case_id, "refuse_message": reason.text, **_version(refund)}
        if reason.code.isdigit():
            params["refuse_reason_id"] = reason.code
        self._act("taobao.refund.refuse", params, case_id, done=frozenset({"SELLER_REFUSE_BUYER"}))

    def approve_return(self, case_id: str, address: Address, contact: str, phone: str) -> None:
        refund = queries.refund(self.gateway, case_id)
        if refund["status"] in RETURN_AGREED:
            return
        full = "".join((address.province, address.city, address.district, address.town, address.detail))
        params = {"refund_id": case_id, "name": contact, "mobile": phone, "address": full, **_version(refund)}
        self._act("taobao.rp.returngoods.agree", params, case_id, done=RETURN_AGREED)

    def _agree(self, refund: dict[str, Any]) -> None:
        refund_id = str(refund["refund_id"])
        info = "|".join(
            (
                refund_id,
                str(yuan_to_fen(refund.get("refund_fee"))),
                str(refund.get("refund_version") or ""),
                str(refund.get("refund_phase") or ""),
            )
        )
        body = self.gateway.call("taobao.rp.refunds.agree", {"refund_infos": info})
        if body.get("succ") is True or queries.refund(self.gateway, refund_id)["status"] == "SUCCESS":
            return
        results = items(body.get("results"), "refund_mapping_result")
        reason = "; ".join(str(r["message"]) for r in results if r.get("message")) or body.get("message")
        raise NotAllowedError(
            str(reason or "refund not agreed"),
            code=str(body.get("msg_code") or ""),
            sub_code=str(refund["status"]),
            platform="taobao",
        )

    def _act(self, method: str, params: dict[str, Any], case_id: str, done: frozenset[str]) -> None:
        try:
            body = self.gateway.call(method, params)
        except NotAllowedError:
            if queries.refund(self.gateway, case_id)["status"] in done:
                return
            raise
        if body.get("is_success") is False:
            raise NotAllowedError(f"{method} returned is_success=false", platform="taobao")


def _version(refund: dict[str, Any]) -> dict[str, Any]:
    return {"refund_phase": refund.get("refund_phase"), "refund_version": refund.get("refund_version")}
