"""The Kuaishou gateway: routes `/open/...` paths and the OAuth endpoints, checks app key, timestamp,
signature and token, rolls faults, and answers in the `result` envelope (reference §3.1-§3.4)."""

from __future__ import annotations

import json
import time
from typing import Any

from local.sandbox.core import SandboxRequest, SandboxResponse
from local.sandbox.kuaishou import actions, handlers, split
from local.sandbox.kuaishou.handlers import BAD_PARAM, ApiError, Handler
from local.sandbox.kuaishou.signing import sign_ok
from local.sandbox.kuaishou.store import Shop
from local.sandbox.kuaishou.world import KuaishouWorld
from local.sandbox.world import redirect_with_code

SKEW_MS = 10 * 60 * 1000
CODE_TTL_MS = 2 * 60 * 1000
ROTATION_GRACE_MS = 5 * 60 * 1000
SYSTEM_BUSY, RATE_LIMITED, TOKEN_INVALID, SIGN_INVALID, APPKEY_INVALID = 2, 15, 21, 27, 28
INVALID_REQUEST, UNAUTHORIZED_CLIENT, ACCESS_DENIED, UNSUPPORTED_GRANT, INVALID_GRANT = (
    100200100,
    100200101,
    100200102,
    100200104,
    100200105,
)

METHODS: dict[str, Handler] = {
    "open.order.cursor.list": handlers.order_list,
    "open.order.detail": handlers.order_detail,
    "open.seller.order.goods.deliver": handlers.deliver,
    "open.order.goods.split.deliver": split.split_deliver,
    "open.seller.order.note.add": handlers.note_add,
    "open.seller.order.refund.pcursor.list": handlers.refund_list,
    "open.seller.order.refund.detail": handlers.refund_detail,
    "open.seller.order.refund.approve": actions.refund_approve,
    "open.seller.order.refund.returngoods.approve": actions.returngoods_approve,
    "open.refund.reject.reason": actions.reject_reason,
    "open.refund.reject": actions.refund_reject,
    "open.seller.order.refund.confirm.receipt": actions.confirm_receipt,
    "open.refund.confirm.and.send": actions.confirm_and_send,
    "open.item.list.get": actions.item_list,
    "open.item.sku.list.get": actions.sku_list,
    "open.item.sku.stock.update": actions.stock_update,
    "open.express.subscribe.query": actions.subscribe_query,
    "open.express.ebill.get": actions.ebill_get,
    "open.express.ebill.cancel": actions.ebill_cancel,
}


def fail(code: int, message: str) -> SandboxResponse:
    return SandboxResponse.json({"result": code, "error_msg": message})


def oauth_fail(code: int, error: str, message: str) -> SandboxResponse:
    return SandboxResponse.json({"result": code, "error": error, "error_msg": message})


class KuaishouSandbox(KuaishouWorld):
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        oauth = {
            "/oauth/authorize": self._authorize,
            "/oauth2/access_token": self._access_token,
            "/oauth2/refresh_token": self._refresh_token,
        }.get(request.path)
        if oauth:
            with self.lock:
                return oauth(request.params)
        busy, throttled = fail(SYSTEM_BUSY, "系统繁忙，请稍后重试"), fail(RATE_LIMITED, "API调用频率超限，请稍后重试")
        return self.faulted(busy, throttled, lambda: self._api(request))

    # ------------------------------------------------------------ the open API
    def _api(self, request: SandboxRequest) -> SandboxResponse:
        params = request.params
        method = request.path.strip("/").replace("/", ".")
        handler = METHODS.get(method)
        if handler is None or params.get("method", method) != method:
            return fail(BAD_PARAM, f"接口{method}不存在")
        shop = self.shop_by_app(params.get("appkey", ""))
        if shop is None:
            return fail(APPKEY_INVALID, "appkey不存在")
        refused = self._refuse(params, shop)
        if refused:
            return refused
        try:
            param = json.loads(params.get("param") or "{}")
            data = handler(self, shop, param if isinstance(param, dict) else {})
        except ApiError as exc:
            return fail(exc.code, exc.message)
        except (ValueError, TypeError, KeyError) as exc:
            return fail(BAD_PARAM, f"参数错误: {exc}")
        return SandboxResponse.json({"result": 1, "data": data})

    def _refuse(self, params: dict[str, str], shop: Shop) -> SandboxResponse | None:
        try:
            stamp = int(params.get("timestamp", ""))
        except ValueError:
            return fail(BAD_PARAM, "timestamp格式错误")
        # skew against the wall clock: clients sign with real time even when the sandbox clock is simulated
        if abs(stamp - int(time.time() * 1000)) > SKEW_MS:
            return fail(BAD_PARAM, "timestamp已过期")
        if not params.get("sign") or not sign_ok(params, shop.sign_secret):
            return fail(SIGN_INVALID, "签名验证失败")
        expires = shop.access_tokens.get(params.get("access_token", ""))
        if expires is None or expires <= self.now_ms():
            return fail(TOKEN_INVALID, "access_token已过期或无效")
        return None

    # ------------------------------------------------------------ OAuth (doc 401716)
    def _authorize(self, p: dict[str, str]) -> SandboxResponse:
        shop = self.shop_by_app(p.get("app_id", ""))
        if shop is None or p.get("response_type") != "code" or not p.get("redirect_uri"):
            return oauth_fail(INVALID_REQUEST, "invalid_request", "app_id/redirect_uri/response_type错误")
        code = f"code{self.rng.getrandbits(64):016x}"
        shop.codes[code] = self.now_ms() + CODE_TTL_MS
        return redirect_with_code(p["redirect_uri"], code, p.get("state", ""))

    def _client(self, p: dict[str, str]) -> Shop | SandboxResponse:
        shop = self.shop_by_app(p.get("app_id", ""))
        if shop is None or p.get("app_secret") != shop.app_secret:
            return oauth_fail(UNAUTHORIZED_CLIENT, "unauthorized_client", "app_id或app_secret错误")
        return shop

    def _access_token(self, p: dict[str, str]) -> SandboxResponse:
        shop = self._client(p)
        if isinstance(shop, SandboxResponse):
            return shop
        if p.get("grant_type") != "code":
            return oauth_fail(UNSUPPORTED_GRANT, "unsupported_grant_type", "grant_type错误")
        expires = shop.codes.pop(p.get("code", ""), 0)  # a code is good once, for 2 minutes
        if expires <= self.now_ms():
            return oauth_fail(INVALID_GRANT, "invalid_grant", "code无效或已过期")
        return self._tokens(shop, inherit=False)

    def _refresh_token(self, p: dict[str, str]) -> SandboxResponse:
        shop = self._client(p)
        if isinstance(shop, SandboxResponse):
            return shop
        if p.get("grant_type") != "refresh_token":
            return oauth_fail(UNSUPPORTED_GRANT, "unsupported_grant_type", "grant_type错误")
        token = p.get("refresh_token", "")
        dies = shop.refresh_tokens.get(token, 0)
        if dies <= self.now_ms():
            return oauth_fail(ACCESS_DENIED, "access_denied", "refreshToken.discarded")
        # rotation: the old token dies within 5 minutes, the new one inherits the 180-day expiry
        shop.refresh_tokens[token] = min(dies, self.now_ms() + ROTATION_GRACE_MS)
        return self._tokens(shop, inherit=True)

    def _tokens(self, shop: Shop, inherit: bool) -> SandboxResponse:
        access, refresh = self.issue_tokens(shop, inherit_expiry=inherit)
        body: dict[str, Any] = {
            "result": 1,
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": 172800,
            "refresh_token_expires_in": max(0, (shop.refresh_expires_ms - self.now_ms()) // 1000),
            "open_id": f"f1{shop.seller_id}",
            "scopes": ["merchant_order", "merchant_item", "merchant_refund", "merchant_logistics"],
        }
        return SandboxResponse.json(body)


def create_sandbox(seed: int = 1, clock: Any = None, faults: Any = None) -> KuaishouSandbox:
    return KuaishouSandbox(seed=seed, clock=clock, faults=faults)
