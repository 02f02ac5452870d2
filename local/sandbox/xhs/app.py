"""The Xiaohongshu gateway: one POST endpoint (`/ark/open_api/v3/common_controller`) dispatching on
`method`, plus the authorisation page. Checks appId, timestamp, signature and accessToken, rolls
faults, answers in the `success`/`error_code` envelope (reference §4.1-§4.4)."""

from __future__ import annotations

import json
import time
from typing import Any

from local.sandbox.core import SandboxRequest, SandboxResponse
from local.sandbox.world import redirect_with_code
from local.sandbox.xhs import actions, handlers, parcels
from local.sandbox.xhs.handlers import BAD_PARAM, ApiError, Handler
from local.sandbox.xhs.signing import sign_ok
from local.sandbox.xhs.store import Shop
from local.sandbox.xhs.world import XhsWorld

PATH = "/ark/open_api/v3/common_controller"
AUTHORIZE_PATH = "/ark/authorization"
SKEW_S = 10 * 60
CODE_TTL_MS = 10 * 60 * 1000
# [I] codes: the sources name none for these (reference §4.3)
SYSTEM_BUSY, SIGN_INVALID, APP_INVALID, TIMESTAMP_INVALID = -1, -100, -101, -102
TOKEN_INVALID, REFRESH_INVALID, CODE_INVALID, RATE_LIMITED = -103, -104, -105, -106

METHODS: dict[str, Handler] = {
    "order.getOrderList": handlers.order_list,
    "order.getOrderDetail": handlers.order_detail,
    "data.batchDesensitise": handlers.desensitise,
    "order.orderDeliver": handlers.deliver,
    "order.modifySellerMarkInfo": handlers.remark,
    "product.getDetailSkuList": handlers.sku_list,
    "inventory.syncSkuStock": handlers.sync_stock,
    "common.getExpressCompanyList": handlers.carriers,
    "afterSale.listAfterSaleInfos": actions.case_list,
    "afterSale.getAfterSaleInfo": actions.case_info,
    "afterSale.rejectReasons": actions.reject_reasons,
    "afterSale.auditReturns": actions.audit,
    "afterSale.confirmReceive": actions.confirm_receive,
    "afterSale.receiveAndShip": parcels.receive_and_ship,
    "order.getOrderTracking": parcels.order_tracking,
    "express.queryEbillSubscribes": actions.subscribes,
    "express.createEbillOrders": actions.create_ebill,
    "express.cancelEbillOrder": actions.cancel_ebill,
}
OAUTH = frozenset({"oauth.getAccessToken", "oauth.refreshToken"})
LISTS = frozenset({"order.getOrderList", "afterSale.listAfterSaleInfos"})


def fail(code: int, message: str) -> SandboxResponse:
    return SandboxResponse.json({"success": False, "error_code": code, "error_msg": message})


def ok(data: Any) -> SandboxResponse:
    return SandboxResponse.json({"success": True, "error_code": 0, "error_msg": "", "data": data})


class XhsSandbox(XhsWorld):
    def advance_tracking(self, seller_id: str, waybill_no: str, to: str = "delivered") -> str:
        """Test hook: the parcel moves on (delivered / exception) at the sandbox clock's now."""
        with self.lock:
            return parcels.advance(self, self.shops[seller_id], waybill_no, to)

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if request.path == AUTHORIZE_PATH:
            with self.lock:
                return self._authorize(request.params)
        if request.path != PATH or request.method != "POST":
            return SandboxResponse.json({"success": False, "error_code": 404, "error_msg": "not found"}, status=404)
        return self.faulted(fail(SYSTEM_BUSY, "系统繁忙，请稍后再试"), fail(RATE_LIMITED, "请求过于频繁，请稍后再试"),
                            lambda: self._api(request))

    def _api(self, request: SandboxRequest) -> SandboxResponse:
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return fail(BAD_PARAM, "请求体不是合法JSON")
        if not isinstance(body, dict):
            return fail(BAD_PARAM, "请求体必须是JSON对象")
        method = str(body.get("method", ""))
        if method not in METHODS and method not in OAUTH:
            return fail(BAD_PARAM, f"method {method} 不存在")
        shop = self.shop_by_app(str(body.get("appId", "")))
        if shop is None:
            return fail(APP_INVALID, "appId不存在")
        refused = self._refuse(body, method, shop)
        if refused:
            return refused
        try:
            if method in OAUTH:
                return self._oauth(method, body, shop)
            if method in LISTS:
                handlers.shift(self, shop)
            return ok(METHODS[method](self, shop, body))
        except ApiError as exc:
            return fail(exc.code, exc.message)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return fail(BAD_PARAM, f"参数错误: {exc}")

    def _refuse(self, body: dict[str, Any], method: str, shop: Shop) -> SandboxResponse | None:
        # the doc sends timestamp as a string, the Go SDK as a number: sign over its text either way
        stamp, version = str(body.get("timestamp", "")), str(body.get("version", ""))
        if not stamp.isdigit() or abs(int(stamp[:10]) - int(time.time())) > SKEW_S:
            return fail(TIMESTAMP_INVALID, "timestamp无效或已过期")
        if not sign_ok(str(body.get("sign", "")), method, shop.app_id, stamp, version, shop.app_secret):
            return fail(SIGN_INVALID, "签名错误")
        if method not in OAUTH and shop.access_tokens.get(str(body.get("accessToken", "")), 0) <= self.now_ms():
            return fail(TOKEN_INVALID, "accessToken无效或已过期")
        return None

    # ------------------------------------------------------------ OAuth
    def _authorize(self, p: dict[str, str]) -> SandboxResponse:
        shop = self.shop_by_app(p.get("appId", ""))
        if shop is None or not p.get("redirectUri"):
            return fail(APP_INVALID, "appId或redirectUri无效")
        code = f"code-{self.rng.getrandbits(64):016x}"
        shop.codes[code] = self.now_ms() + CODE_TTL_MS
        return redirect_with_code(p["redirectUri"], code, p.get("state", ""))

    def _oauth(self, method: str, body: dict[str, Any], shop: Shop) -> SandboxResponse:
        now = self.now_ms()
        if method == "oauth.getAccessToken":
            if shop.codes.pop(str(body.get("code", "")), 0) <= now:
                return fail(CODE_INVALID, "code无效或已过期")
        else:
            token = str(body.get("refreshToken", ""))
            if shop.refresh_tokens.pop(token, 0) <= now:  # rotates: the old one is spent
                return fail(REFRESH_INVALID, "refreshToken无效或已过期")
        access, refresh = self.issue_tokens(shop)
        return ok(
            {
                "accessToken": access,
                "accessTokenExpiresAt": shop.access_tokens[access],
                "refreshToken": refresh,
                "refreshTokenExpiresAt": shop.refresh_tokens[refresh],
                "sellerId": shop.seller_id,
                "sellerName": "沙箱小红书店",
            }
        )


def create_sandbox(seed: int = 1, clock: Any = None, faults: Any = None) -> XhsSandbox:
    return XhsSandbox(seed=seed, clock=clock, faults=faults)
