"""Xiaohongshu request signing (reference §4.2): md5 of `method?appId=..&timestamp=..&version=..`
followed directly by the app secret, lower-case hex. accessToken and business fields are not signed."""

from __future__ import annotations

import hashlib


def string_to_sign(method: str, app_id: str, timestamp: str, version: str, app_secret: str) -> str:
    return f"{method}?appId={app_id}&timestamp={timestamp}&version={version}{app_secret}"


def sign(method: str, app_id: str, timestamp: str, version: str, app_secret: str) -> str:
    text = string_to_sign(method, app_id, timestamp, version, app_secret)
    return hashlib.md5(text.encode("utf-8")).hexdigest()
