"""The first step of every JSON gateway's parse: the body must be a JSON object."""
from __future__ import annotations

import json
from typing import Any

import httpx

from chalicelib.services.platform_errors import TransientError


def json_object(response: httpx.Response, platform: str) -> dict[str, Any]:
    """A body that is not a JSON object is a proxy's error page or a truncated answer: retried."""
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        raise TransientError(f"HTTP {response.status_code}: body is not JSON", platform=platform) from exc
    if not isinstance(payload, dict):
        raise TransientError(f"HTTP {response.status_code}: the envelope is not an object", platform=platform)
    return payload
