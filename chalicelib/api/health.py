"""Liveness: answers without touching DynamoDB, so a cold start or a throttled table never fails it."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ctx, public_route
from chalicelib.config import settings

bp = Blueprint(__name__)


@public_route(bp, "/health")
def health(ctx: Ctx) -> dict[str, Any]:
    return {"status": "ok", "stage": settings().stage}
