"""JOS request signing: pure functions (reference §2.2, vector #5)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.services.platform_types import shanghai

PARAM_JSON = "360buy_param_json"


def sign(params: Mapping[str, str], secret: str) -> str:
    """upper(hex(md5(secret + k1v1k2v2... + secret))) over every non-empty parameter but `sign`,
    sorted by key (so `360buy_param_json` comes first: '3' < 'a'), UTF-8, not URL-encoded."""
    body = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign" and params[key] != "")
    return hashlib.md5(f"{secret}{body}{secret}".encode()).hexdigest().upper()


def format_timestamp(moment: datetime) -> str:
    """`yyyy-MM-dd HH:mm:ss` in GMT+8, the form every JOS gateway documents."""
    return shanghai(moment).strftime("%Y-%m-%d %H:%M:%S")


def encode_param_json(params: Mapping[str, Any]) -> str:
    """The business parameters as one compact JSON string (`{}` when there are none)."""
    return json.dumps(dict(params), ensure_ascii=False, separators=(",", ":"))
