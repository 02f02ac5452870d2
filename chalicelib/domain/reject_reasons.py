"""The reason codes each platform takes when a seller refuses a refund (reject_refund's reason_code). From
the platform references: JD's replyRefund rejectType 1-5; Kuaishou's open.refund.reject.reason and
Xiaohongshu's afterSale.rejectReasons lists. Taobao (refuse_reason_id), Douyin (reject_reason_code) and
WeChat (reject_reason_type) take the refusal without a code, the reason_text saying why: "other". PDD has
no open API to refuse (the platform refuses it; the seller refuses in the merchant backend)."""
from __future__ import annotations

from chalicelib.domain.errors import ValidationError

OTHER = {"other": "其他 (reason_text explains)"}

REJECT_REASONS: dict[str, dict[str, str]] = {
    "taobao": OTHER,
    "jd": {"1": "rejectType 1", "2": "rejectType 2", "3": "rejectType 3", "4": "rejectType 4",
           "5": "其他 (rejectType 5)"},
    "pdd": OTHER,
    "douyin": OTHER,
    "wechat": OTHER,
    "kuaishou": {"1": "商品已发出，买家未退回", "2": "买家退回商品影响二次销售", "3": "与买家协商一致不退款"},
    "xhs": {"101": "商品已影响二次销售", "102": "买家未按要求退回商品", "103": "已与买家协商一致"},
    "offline": OTHER,
}


def allowed_reject_reasons(platform: str) -> dict[str, str]:
    return REJECT_REASONS.get(platform, OTHER)


def check_reject_reason(platform: str, code: str) -> None:
    allowed = allowed_reject_reasons(platform)
    if code not in allowed:
        raise ValidationError(f"reason_code must be one of {', '.join(allowed)} on {platform} "
                              "(GET /admin/reject-reasons lists them)", field="reason_code")
