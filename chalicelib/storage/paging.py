"""Opaque cursors over DynamoDB's LastEvaluatedKey."""
from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.domain.errors import ValidationError


def encode(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()


def decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError("cursor is not one this API issued", field="cursor") from exc
    if not isinstance(value, dict):
        raise ValidationError("cursor is not one this API issued", field="cursor")
    return value
