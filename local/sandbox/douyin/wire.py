"""The Douyin gateway's side of the wire, written from the reference (§1.1-§1.4) and not shared with the
client: signature checks over what was received, timestamps, the response envelope and error codes."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from local.sandbox.core import SHANGHAI, SandboxResponse

SKEW = timedelta(minutes=10)


class _Verbatim(str):
    """A JSON number kept exactly as it was written (Go's UseNumber)."""


def _go_string(text: str, escape_html: bool) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code in (0x2028, 0x2029) or (escape_html and ch in "<>&"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_json(value: Any, escape_html: bool) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(_go_string(k, escape_html) + ":" + _go_json(value[k], escape_html) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_go_json(v, escape_html) for v in value) + "]"
    if isinstance(value, _Verbatim):
        return str(value)
    if isinstance(value, str):
        return _go_string(value, escape_html)
    return {True: "true", False: "false", None: "null"}[value]


def canonical_forms(body: str) -> list[str]:
    """What the signature may cover: the body as received, and the re-sorted forms with HTML escaping
    off and on (the Java SDK signs a Gson form but sends an unsorted body; reference §1.2)."""
    forms = [body]
    try:
        parsed = json.loads(body, parse_int=_Verbatim, parse_float=_Verbatim)
    except ValueError:
        return forms
    for escape_html in (False, True):
        text = _go_json(parsed, escape_html)
        if text not in forms:
            forms.append(text)
    return forms


def expected_sign(secret: str, app_key: str, method: str, param_json: str, timestamp: str, sign_method: str) -> str:
    plain = secret + "app_key" + app_key + "method" + method + "param_json" + param_json
    plain += "timestamp" + timestamp + "v" + "2" + secret
    if sign_method == "hmac-sha256":
        return hmac.new(secret.encode("utf-8"), plain.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.md5(plain.encode("utf-8")).hexdigest()


def signature_matches(given: str, secret: str, params: dict[str, str], body: str) -> bool:
    sign_method = (params.get("sign_method") or "md5").lower()
    if sign_method not in ("md5", "hmac-sha256"):
        return False
    for form in canonical_forms(body):
        want = expected_sign(
            secret, params.get("app_key", ""), params.get("method", ""), form, params.get("timestamp", ""), sign_method
        )
        if hmac.compare_digest(want, given.lower()):
            return True
    return False


def parse_timestamp(raw: str) -> datetime | None:
    """Unix seconds, milliseconds, or `yyyy-MM-dd HH:mm:ss` in GMT+8 (reference §1.1)."""
    text = raw.strip()
    if text.isdigit():
        number = int(text)
        return datetime.fromtimestamp(number / 1000 if len(text) >= 13 else number, SHANGHAI)
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


# ---------------------------------------------------------------- errors and envelopes
@dataclass
class ApiError(Exception):
    code: int
    sub_code: str
    sub_msg: str
    msg: str = ""
    data: Any = None

    def __post_init__(self) -> None:
        self.msg = self.msg or _MESSAGES.get(self.code, "")


_MESSAGES = {
    20000: "服务不可用",
    30001: "权限不足",
    40001: "缺少必选参数",
    40002: "缺少必选业务参数",
    40003: "非法的参数",
    40004: "非法的业务参数",
    50001: "平台处理失败",
    50002: "业务处理失败",
    60000: "触发限流，请稍后重试",
    70000: "API已下线",
}


def missing(sub_code: str, what: str) -> ApiError:
    return ApiError(40001, sub_code, f"缺少{what}")


def invalid(sub_code: str, what: str) -> ApiError:
    return ApiError(40003, sub_code, what)


def bad_param(what: str) -> ApiError:
    return ApiError(40004, "isv.parameter-invalid", what)


def business(detail: str, what: str) -> ApiError:
    return ApiError(50002, f"isv.business-failed:{detail}", what)


def token_failed(reason: str, what: str) -> ApiError:
    return ApiError(50001, f"dop.token-generate-failed:{reason}", what)


THROTTLED = ApiError(60000, "isv.trigger-limit", "触发限流")
UNAVAILABLE = ApiError(20000, "isp.service-error:unavailable", "服务暂不可用，请稍后重试")


class Envelope:
    """Renders answers; clients that did not send `x-open-no-old-err-code: 1` also get err_no/message."""

    def __init__(self, legacy: bool, log_id: str) -> None:
        self.legacy = legacy
        self.log_id = log_id

    def ok(self, data: Any) -> SandboxResponse:
        return self._render(10000, "success", "", "", data)

    def error(self, err: ApiError) -> SandboxResponse:
        return self._render(err.code, err.msg, err.sub_code, err.sub_msg, err.data)

    def _render(self, code: int, msg: str, sub_code: str, sub_msg: str, data: Any) -> SandboxResponse:
        payload: dict[str, Any] = {
            "code": code,
            "msg": msg,
            "sub_code": sub_code,
            "sub_msg": sub_msg,
            "log_id": self.log_id,
            "data": data if data is not None else {},
        }
        if self.legacy:
            payload["err_no"] = 0 if code == 10000 else code
            payload["message"] = sub_msg or msg
        return SandboxResponse.json(payload)
