"""The JOS wire format as the sandbox speaks it, written from the reference (§2) independently of the
client: signature check, timestamps, envelopes, JD's business codes, and TDE ciphertext."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from local.sandbox.core import SHANGHAI, SandboxResponse

SKEW = timedelta(minutes=10)
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(\.\d{1,3})?\s?([+-]\d{2}:?\d{2})?$")

# Business codes the sandbox answers inside result containers (the client's convention, see the report).
OK_NUMBER = "10100000"
BAD_PARAM = "10200001"
NOT_FOUND = "10200002"
BAD_STATE = "10200003"


class GatewayRefusal(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code} {en}")
        self.code, self.zh, self.en = code, zh, en


class BusinessRefusal(Exception):
    """A refusal the JOS API reports inside its result container, with HTTP 200."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


def expected_sign(params: Mapping[str, str], secret: str) -> str:
    """md5(secret + concat(sorted k+v of the non-empty received values, sign left out) + secret), upper."""
    pairs = sorted((k, v) for k, v in params.items() if k != "sign" and v != "")
    text = secret + "".join(k + v for k, v in pairs) + secret
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


def parse_timestamp(text: str) -> datetime:
    """`yyyy-MM-dd HH:mm:ss` (GMT+8), optionally with `.SSS` and a zone such as `+0800`."""
    match = _TIMESTAMP.match(text.strip())
    if not match:
        raise ValueError(text)
    moment = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
    zone = match.group(3)
    if not zone:
        return moment.replace(tzinfo=SHANGHAI)
    sign = -1 if zone.startswith("-") else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment.replace(tzinfo=timezone(sign * offset))


def within_skew(text: str, now: datetime) -> bool:
    try:
        return abs(parse_timestamp(text) - now) <= SKEW
    except ValueError:
        return False


def jd_time(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


# ---------------------------------------------------------------- envelopes
def gateway_error(code: str, zh: str, en: str, status: int = 200) -> SandboxResponse:
    return SandboxResponse.json({"error_response": {"code": code, "zh_desc": zh, "en_desc": en}}, status=status)


def success(method: str, body: Mapping[str, Any]) -> SandboxResponse:
    return SandboxResponse.json({method.replace(".", "_") + "_responce": {"code": "0", **body}})


def api_result(ok: bool = True, code: str = OK_NUMBER, message: str = "成功") -> dict[str, Any]:
    return {"success": ok, "numberCode": code, "chineseErrCode": message,
            "englishErrCode": "success" if ok else "failure"}


def param_json(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise GatewayRefusal("13", "360buy_param_json格式错误", "Invalid 360buy_param_json") from exc
    if not isinstance(value, dict):
        raise GatewayRefusal("13", "360buy_param_json格式错误", "Invalid 360buy_param_json")
    return value


# ---------------------------------------------------------------- TDE (reference §2.7)
class Tde:
    """base64(0x00 0x04 | keyId(16) | IV(16) | AES-128-CBC-PKCS5(plaintext)), with sandbox keys."""

    def __init__(self, seed: int, iv_source: Any) -> None:
        digest = hashlib.sha256(f"jd-sandbox-tde-{seed}".encode()).digest()
        self.key, self.key_id = digest[:16], digest[16:32]
        self._iv_source = iv_source

    def encrypt(self, plaintext: str) -> str:
        iv = bytes(self._iv_source.getrandbits(8) for _ in range(16))
        padder = padding.PKCS7(128).padder()
        data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
        sealed = encryptor.update(data) + encryptor.finalize()
        return base64.b64encode(b"\x00\x04" + self.key_id + iv + sealed).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        raw = base64.b64decode(ciphertext)
        iv, sealed = raw[18:34], raw[34:]
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(iv)).decryptor()
        unpadder = padding.PKCS7(128).unpadder()
        data = unpadder.update(decryptor.update(sealed) + decryptor.finalize()) + unpadder.finalize()
        return data.decode("utf-8")
