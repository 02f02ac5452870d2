"""The OAuth callback each platform redirects the seller to: public (the platform's redirect carries no
credentials of ours), trusted only through the state it carries (HMAC-signed, expiring, bound to one shop
and platform, good once: services/oauth.py)."""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, public_route

bp = Blueprint(__name__)


def callback_uri(request: Request, platform: str) -> str:
    """OAUTH_CALLBACK_BASE (e.g. https://api.example.com/api) when set: it must match what is registered
    with each platform. Otherwise the API's own address, as the request reached it."""
    base = os.environ.get("OAUTH_CALLBACK_BASE", "").rstrip("/")
    if not base:
        headers: dict[str, str] = {k.lower(): v for k, v in (request.headers or {}).items()}
        host = headers.get("host", "localhost")
        local = host.startswith(("127.0.0.1", "localhost"))
        scheme = headers.get("x-forwarded-proto", "http" if local else "https")
        stage = (request.context or {}).get("stage", "")
        prefix = f"/{stage}" if stage and not local and "execute-api" in host else ""
        base = f"{scheme}://{host}{prefix}"
    return f"{base}/oauth/{platform}/callback"


@public_route(bp, "/oauth/{platform}/callback")
def oauth_callback(ctx: Ctx, platform: str) -> Any:
    from chalicelib.config import settings
    from chalicelib.domain.errors import DomainError, ValidationError
    from chalicelib.domain.platform import Platform
    from chalicelib.services.oauth import complete_authorisation
    from chalicelib.services.shop_admin import shop_view
    try:
        which = Platform(platform)
    except ValueError as exc:
        raise ValidationError(f"unknown platform {platform}", field="platform") from exc
    query: dict[str, str] = dict(ctx.request.query_params or {})
    ui = ui_address()
    try:
        shop = complete_authorisation(bootstrap.shops(), bootstrap.clients(), bootstrap.platforms(),
                                      bootstrap.idempotency(), which,
                                      query.get("code", ""), query.get("state", ""),
                                      callback_uri(ctx.request, platform), settings().jwt_secret,
                                      bootstrap.clock().now())
    except DomainError as exc:
        if ui is None:
            raise
        # the seller arrives here from the platform's page in a browser: send them back to the UI with the
        # reason, not to a JSON error page
        reason = urlencode({"authorise_error": type(exc).__name__, "reason": exc.reason, "message": str(exc)[:200]})
        return Response("", status_code=302, headers={"Location": f"{ui}/#/shops?{reason}"})
    from chalicelib.services.waybill_accounts import set_up_shipping
    set_up_shipping(bootstrap.waybill_deps(), shop.shop_id)      # waybill accounts and a default, at once
    if ui is not None:
        return Response("", status_code=302, headers={"Location": f"{ui}/#/shops/{shop.shop_id}?authorised=1"})
    return {"authorised": True, "shop": shop_view(shop)}


def ui_address() -> str | None:
    """Where the seller's browser goes back to: UI_ORIGIN on AWS; the local runtime serves the UI at the
    API's own address, so there the same origin ("" makes the redirect relative). None: no UI to return
    to (an API-only deployment), the callback answers JSON."""
    from chalicelib.config import settings
    if settings().ui_origin:
        return settings().ui_origin.rstrip("/")
    return "" if os.environ.get("OMS_LOCAL") == "1" else None
