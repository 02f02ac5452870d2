"""TOP's error_response, as the sandbox raises and renders it."""

from __future__ import annotations

from typing import Any


class TopError(Exception):
    def __init__(self, code: int, msg: str, sub_code: str = "", sub_msg: str = "") -> None:
        super().__init__(f"{code} {msg} {sub_code} {sub_msg}")
        self.code, self.msg, self.sub_code, self.sub_msg = code, msg, sub_code, sub_msg

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "msg": self.msg}
        if self.sub_code:
            error["sub_code"] = self.sub_code
        if self.sub_msg:
            error["sub_msg"] = self.sub_msg
        error["request_id"] = request_id
        return {"error_response": error}


def remote(sub_code: str, sub_msg: str) -> TopError:
    """Code 15 carries the business errors of the services behind the router."""
    return TopError(15, "Remote service error", sub_code, sub_msg)


def missing(name: str) -> TopError:
    return TopError(40, f"Missing required arguments:{name}", "isv.missing-parameter", f"{name} is required")


def invalid(name: str, why: str) -> TopError:
    return TopError(41, f"Invalid arguments:{name}", f"isv.invalid-parameter:{name}", why)


def trade_not_found(tid: object) -> TopError:
    return remote("isv.trade-not-exist", f"交易{tid}不存在")


def refund_not_found(refund_id: object) -> TopError:
    return remote("isv.refund-not-exist", f"退款单{refund_id}不存在")


def refund_state(status: str) -> TopError:
    return remote("isv.refund-status-not-support", f"退款状态为{status}，不支持此操作")


THROTTLED = TopError(
    7, "App Call Limited", "accesscontrol.limited-by-api-access-count", "This ban will last for 1 more seconds"
)
