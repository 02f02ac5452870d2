"""The OAuth pages of oauth.taobao.com: /authorize (the seller approves, we redirect with a code) and
/token (authorization_code and refresh_token grants, answered with the token JSON)."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

from local.sandbox.core import SandboxRequest, SandboxResponse
from local.sandbox.taobao.apis_misc import token_json
from local.sandbox.taobao.store import Store


def issue_code(store: Store, seller_id: str) -> str:
    code = secrets.token_urlsafe(18)
    store.codes[code] = seller_id
    return code


def authorize(store: Store, request: SandboxRequest) -> SandboxResponse:
    """Auto-approves as the seller named by `sandbox_seller_id`, else the most recently added one."""
    params = request.params
    if params.get("client_id") not in store.apps or params.get("response_type") != "code":
        return _error(400, "invalid_client", "client_id不存在或response_type不是code")
    redirect = params.get("redirect_uri", "")
    seller_id = params.get("sandbox_seller_id") or (list(store.sellers)[-1] if store.sellers else "")
    if not redirect or seller_id not in store.sellers:
        return _error(400, "invalid_request", "缺少redirect_uri或沙箱里还没有店铺")
    query = urlencode({"code": issue_code(store, seller_id), "state": params.get("state", "")})
    separator = "&" if "?" in redirect else "?"
    return SandboxResponse(
        status=302, headers={"Location": f"{redirect}{separator}{query}", "Content-Type": "text/html;charset=UTF-8"}
    )


def token(store: Store, request: SandboxRequest) -> SandboxResponse:
    params = request.params
    if store.apps.get(params.get("client_id", "")) != params.get("client_secret"):
        return _error(401, "invalid_client", "client_id或client_secret错误")
    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        seller_id = store.codes.pop(params.get("code", ""), None)
        if seller_id is None:
            return _error(400, "invalid_grant", "code无效或已使用")
        return SandboxResponse(status=200, body=token_json(store, store.issue_grant(seller_id)).encode("utf-8"))
    if grant_type == "refresh_token":
        grant = store.refresh_grants.pop(params.get("refresh_token", ""), None)
        if grant is None or grant.refresh_expires_at <= store.now():
            return _error(400, "invalid_grant", "refresh_token无效或已过期")
        return SandboxResponse(status=200, body=token_json(store, store.issue_grant(grant.seller_id)).encode())
    return _error(400, "unsupported_grant_type", "grant_type只支持authorization_code和refresh_token")


def _error(status: int, error: str, description: str) -> SandboxResponse:
    body = json.dumps({"error": error, "error_description": description}, ensure_ascii=False)
    return SandboxResponse(status=status, body=body.encode("utf-8"))
