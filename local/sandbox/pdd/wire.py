"""What the POP router reads and writes: merged parameters from any body encoding, the md5 check,
the per-API response roots, the error envelope, yuan and Beijing-time renderings."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import json
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from local.sandbox.core import SHANGHAI, SandboxRequest, SandboxResponse


class GatewayError(Exception):
    def __init__(self, code: int, msg: str, sub_msg: str = "", sub_code: str | None = None) -> None:
        super().__init__(msg)
        self.code, self.msg, self.sub_msg, self.sub_code = code, msg, sub_msg, sub_code


def params_of(request: SandboxRequest) -> dict[str, str]:
    """Query string and body merged (the body wins), each value the exact string received."""
    merged = dict(parse_qsl(request.raw_query, keep_blank_values=True))
    merged.update(_body_params(request))
    return merged


def _body_params(request: SandboxRequest) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").lower()
    body = request.body
    if not body:
        return {}
    if "multipart/form-data" in content_type:
        return _multipart(request.headers["content-type"], body)
    if "json" in content_type or body.lstrip()[:1] == b"{":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise GatewayError(10001, "公共参数错误", "body is not JSON") from exc
        return {str(k): _json_text(v) for k, v in (data or {}).items() if v is not None}
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            fields[name] = payload.decode("utf-8") if isinstance(payload, bytes) else ""
    return fields


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def md5_sign(params: dict[str, str], secret: str, *, keep_empty: bool) -> str:
    joined = "".join(k + params[k] for k in sorted(params) if k != "sign" and (keep_empty or params[k] != ""))
    return hashlib.md5((secret + joined + secret).encode("utf-8")).hexdigest().upper()


def signature_ok(params: dict[str, str], secret: str) -> bool:
    """The PHP SDK leaves "" values out of the string it signs; other clients sign the bare key."""
    given = params.get("sign", "").upper()
    return any(
        secrets.compare_digest(given, md5_sign(params, secret, keep_empty=keep)) for keep in (False, True)
    )


def ws_sign(client_id: str, timestamp_ms: str, secret: str) -> str:

    hex_digest = hashlib.md5((client_id + timestamp_ms + secret).encode("utf-8")).hexdigest()
    return base64.b64encode(hex_digest.encode("ascii")).decode("ascii")


def ok(root: str | None, body: dict[str, Any]) -> SandboxResponse:
    return SandboxResponse.json(body if root is None else {root: body})


def error(exc: GatewayError, status: int = 200) -> SandboxResponse:
    return SandboxResponse.json(
        {
            "error_response": {
                "error_code": exc.code,
                "error_msg": exc.msg,
                "sub_code": exc.sub_code,
                "sub_msg": exc.sub_msg,
                "request_id": secrets.token_hex(8),
            }
        },
        status=status,
    )


def yuan(fen: int) -> float:
    return float(Decimal(fen) / 100)


def yuan_text(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def beijing(ts: int) -> str:
    return datetime.fromtimestamp(ts, SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


def int_param(params: dict[str, str], name: str, default: int | None = None) -> int:
    raw = params.get(name, "")
    if raw == "":
        if default is None:
            raise GatewayError(21002, "业务参数为空", f"{name}不能为空")
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise GatewayError(21001, "业务参数错误", f"{name}格式错误") from exc


def json_param(params: dict[str, str], name: str) -> dict[str, Any]:
    try:
        value = json.loads(params.get(name) or "")
    except ValueError as exc:
        raise GatewayError(21001, "业务参数错误", f"{name}不是合法的JSON") from exc
    if not isinstance(value, dict):
        raise GatewayError(21001, "业务参数错误", f"{name}必须是对象")
    return value


def business_refusal(sub_msg: str) -> GatewayError:
    return GatewayError(50001, "业务服务错误", sub_msg, sub_code="50001")
