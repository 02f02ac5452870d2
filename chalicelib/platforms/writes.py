"""Retry-safe platform writes, shared by the clients."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.services.platform_errors import NotAllowedError


def idempotent(write: Callable[[], Any], already_done: Callable[[], bool]) -> None:
    """A retried write the platform refuses because it already happened is a success."""
    try:
        write()
    except NotAllowedError:
        if not already_done():
            raise
