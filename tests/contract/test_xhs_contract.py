"""The platform contract, plus Xiaohongshu's own flows, against the Xiaohongshu sandbox."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta

import httpx
import pytest

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.xhs import mapping
from chalicelib.platforms.xhs.client import XhsClient, create_client
from chalicelib.platforms.xhs.push import verify_push
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, NotAllowedError, NotFoundError
from chalicelib.services.platform_types import (
    SHANGHAI,
    Address,
    RejectReason,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxRequest, SandboxResponse, SandboxServer, SandboxShop
from local.sandbox.xhs import XhsSandbox, create_sandbox
from local.sandbox.xhs.signing import expected_sign
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, PlatformContract, fast_transport

RETURN_ADDRESS = Address(province="浙江省", city="杭州市", district="西湖区", town="文新街道", detail="文一西路8号")


class TestXhsContract(PlatformContract):
    platform = "xhs"
    ship_carrier_code = mapping.CARRIERS["ZTO"]

    @pytest.fixture
    def sandbox(self) -> XhsSandbox:
        return create_sandbox(seed=13)

    @pytest.fixture
    def make_client(self):
        return create_client

    resend_kinds = ("exchange",)     # xhs documents no reissue case

    def _ready_to_resend(self, sandbox, shop, client, case_id: str, kind: str) -> str:
        """An exchange sends the new goods once the old are back: approve the return, the buyer ships it."""
        client.approve_return(case_id, RETURN_ADDRESS, "李仓管", "13900000000")
        sandbox.buyer_returns_goods(shop.seller_id, case_id)
        return case_id


# ---------------------------------------------------------------- Xiaohongshu's own flows
@pytest.fixture(scope="module")
def world() -> XhsSandbox:
    return create_sandbox(seed=3)


@pytest.fixture
def sandbox(world: XhsSandbox):
    yield world
    world.faults.clear()
    world.subscribe("")


@pytest.fixture(scope="module")
def server(world: XhsSandbox):
    server = SandboxServer(world).start()
    yield server
    server.stop()


@pytest.fixture
def shop(sandbox: XhsSandbox) -> SandboxShop:
    return sandbox.add_shop()


@pytest.fixture
def creds(shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
    return ShopCredentials(
        platform=Platform.XHS,
        app_key=shop.app_key,
        app_secret=shop.app_secret,
        access_token=shop.access_token,
        refresh_token=shop.refresh_token,
        seller_id=shop.seller_id,
        base_url=server.url,
    )


@pytest.fixture
def client(creds: ShopCredentials) -> XhsClient:
    return create_client(creds, fast_transport())


def awaiting(sandbox: XhsSandbox, shop: SandboxShop, client: XhsClient, lines: int = 1) -> str:
    for order_no in sandbox.generate_orders(shop.seller_id, 40, WINDOW_START, WINDOW_END):
        order = client.get_order(order_no)
        if order.status is OrderStatus.AWAITING_SHIPMENT and len(order.lines) >= lines:
            return order_no
    raise AssertionError("no awaiting order generated")


def shipped(sandbox: XhsSandbox, shop: SandboxShop, client: XhsClient) -> str:
    order_no = awaiting(sandbox, shop, client)
    client.ship(ShipRequest(order_no=order_no, carrier_code="yunda", tracking_no="YD5550001"))
    return order_no


def state(sandbox: XhsSandbox, shop: SandboxShop, case_id: str) -> str:
    return sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status


class TestAfterSales:
    def test_given_an_unshipped_refund_when_listed_and_approved_then_refunded_and_the_order_closes(
        self, sandbox, shop, client
    ) -> None:
        order_no = awaiting(sandbox, shop, client)
        start = datetime.now(SHANGHAI) - timedelta(minutes=1)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        [case] = [c for c in client.list_after_sales(start, start + timedelta(minutes=5)) if c.case_id == case_id]
        assert (case.type, case.status, case.order_no, case.platform_type) == (
            AfterSaleType.REFUND_ONLY,
            AfterSaleStatus.PENDING_REVIEW,
            order_no,
            "5",
        )
        assert case.refund_fen == sandbox.truth_after_sales(shop.seller_id)[case_id].refund_fen
        assert client.get_order(order_no).refund_state is RefundState.IN_PROGRESS
        client.approve_refund(case_id)
        client.approve_refund(case_id)  # a retried approval is a success
        assert state(sandbox, shop, case_id) == "4"
        order = client.get_order(order_no)
        assert (order.status, order.refund_state) == (OrderStatus.CANCELLED, RefundState.REFUNDED)

    def test_given_a_return_when_approved_returned_and_received_then_refunded(self, sandbox, shop, client) -> None:
        order_no = shipped(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "return_and_refund")
        with pytest.raises(NotAllowedError):
            client.approve_refund(case_id)  # goods first: a return needs an address
        client.approve_return(case_id, RETURN_ADDRESS, "李仓管", "13900000000")
        assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_RETURN
        sandbox.buyer_returns_goods(shop.seller_id, case_id, "SF1400000000077")
        case = client.get_after_sale(case_id)
        assert (case.status, case.return_tracking_no, case.return_carrier_code) == (
            AfterSaleStatus.AWAITING_SELLER_RECEIPT,
            "SF1400000000077",
            "shunfeng",
        )
        client.confirm_return_received(case_id)
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED

    def test_given_an_exchange_when_received_then_awaiting_reship(self, sandbox, shop, client) -> None:
        order_no = shipped(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "exchange")
        assert client.get_after_sale(case_id).type is AfterSaleType.EXCHANGE
        client.approve_return(case_id, RETURN_ADDRESS, "李仓管", "13900000000")
        sandbox.buyer_returns_goods(shop.seller_id, case_id)
        client.confirm_return_received(case_id)
        assert state(sandbox, shop, case_id) == "12"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_RESHIP

    def test_given_a_request_when_rejected_with_a_reason_then_refused(self, sandbox, shop, client) -> None:
        order_no = shipped(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        reasons = client.reject_reasons(case_id)
        client.reject_refund(case_id, RejectReason(code=reasons[-1].code, text="已与买家协商"))
        assert state(sandbox, shop, case_id) == "9"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REJECTED
        with pytest.raises(NotAllowedError) as refused:
            client.confirm_return_received(case_id)
        assert refused.value.code == "-202"


class TestOrdersAndCatalog:
    def test_given_a_multi_line_order_when_lines_ship_separately_then_partial_then_shipped(
        self, sandbox, shop, client
    ) -> None:
        order_no = awaiting(sandbox, shop, client, lines=2)
        first, *rest = [line.line_id for line in client.get_order(order_no).lines]
        client.ship(ShipRequest(order_no=order_no, carrier_code="zhongtong", tracking_no="ZT1", line_ids=(first,)))
        assert client.get_order(order_no).status is OrderStatus.PARTIALLY_SHIPPED
        client.ship(ShipRequest(order_no=order_no, carrier_code="zhongtong", tracking_no="ZT2", line_ids=tuple(rest)))
        client.ship(ShipRequest(order_no=order_no, carrier_code="zhongtong", tracking_no="ZT1", line_ids=(first,)))
        assert client.get_order(order_no).status is OrderStatus.SHIPPED
        with pytest.raises(NotAllowedError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="zhongtong", tracking_no="ZT9"))

    def test_given_an_order_then_money_is_fen_and_the_receiver_masked_with_ciphertext(
        self, sandbox, shop, client
    ) -> None:
        order_no = awaiting(sandbox, shop, client)
        order = client.get_order(order_no)
        truth = sandbox.truth_orders(shop.seller_id)[order_no]
        assert order.paid_fen == truth.paid_fen == sum(line.paid_fen for line in order.lines) + order.freight_fen
        assert order.receiver is not None and "*" in order.receiver.name_masked
        assert set(order.receiver.ciphertext) == {"receiverName", "receiverPhone", "receiverAddress", "openAddressId"}
        assert all(v.startswith("#") for k, v in order.receiver.ciphertext.items() if k != "openAddressId")

    def test_given_an_unknown_order_then_not_found(self, client) -> None:
        with pytest.raises(NotFoundError):
            client.get_order("P0")

    def test_given_a_memo_then_the_sandbox_and_the_order_show_it(self, sandbox, shop, client) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        client.set_seller_memo(order_no, "赠品：贴纸", flag=3)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "赠品：贴纸"
        assert client.get_order(order_no).seller_flag == 3

    def test_given_products_when_stock_is_set_then_the_sandbox_holds_it(self, sandbox, shop, client) -> None:
        products = list(client.list_products())
        sku = products[0].skus[0]
        assert len(products) == 5 and sku.merchant_code.startswith("SKU-")
        assert all(s.image_url.startswith("https://ci.xiaohongshu.com/") for p in products for s in p.skus)
        client.update_stock(sku.platform_sku_id, 42)
        assert sandbox.truth_stock(shop.seller_id)[sku.platform_sku_id] == 42

    def test_given_the_carrier_list_then_every_common_code_is_listed(self, client) -> None:
        assert set(mapping.CARRIERS.values()) <= {c.code for c in client.list_carriers()}

    def test_given_an_unknown_carrier_then_bad_request(self, sandbox, shop, client) -> None:
        order_no = awaiting(sandbox, shop, client)
        with pytest.raises(BadRequestError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="X1"))


class TestOAuth:
    def test_given_the_authorize_url_when_followed_then_exchange_and_rotating_refresh_work(self, client, creds) -> None:
        redirect = httpx.get(client.authorize_url("https://oms.example/cb?x=1", "s-7"), follow_redirects=False)
        query = dict(httpx.URL(redirect.headers["location"]).params)
        assert (query["state"], query["x"]) == ("s-7", "1")
        tokens = client.exchange_code(query["code"], "https://oms.example/cb")
        assert tokens.seller_id == creds.seller_id and tokens.expires_at > datetime.now(SHANGHAI)
        rotated = client.refresh(tokens.refresh_token)
        assert rotated.refresh_token != tokens.refresh_token
        with pytest.raises(AuthExpiredError):
            client.refresh(tokens.refresh_token)  # spent by the rotation
        fresh = create_client(dataclasses.replace(creds, access_token=rotated.access_token), fast_transport())
        assert fresh.list_carriers()

    def test_given_a_killed_refresh_token_then_auth_expired(self, sandbox, shop, client) -> None:
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            client.refresh(shop.refresh_token)


class TestWaybills:
    def test_given_an_account_when_issued_retried_and_cancelled_then_the_sandbox_follows(
        self, sandbox, shop, client
    ) -> None:
        order_no = awaiting(sandbox, shop, client)
        accounts = client.waybill_accounts()
        assert {a.carrier_code for a in accounts} == {"zhongtong", "yunda"}
        receiver = client.get_order(order_no).receiver
        assert receiver is not None
        request = WaybillRequest(account=accounts[0], order_nos=(order_no,), items=(("T恤", 1),), receiver=receiver)
        issued = client.get_waybill(request)
        assert client.get_waybill(request).waybill_no == issued.waybill_no
        assert isinstance(issued.print_data, dict) and "encryptedData" in issued.print_data
        assert sandbox.truth_waybills(shop.seller_id) == {issued.waybill_no: (order_no,)}
        client.cancel_waybill("zhongtong", issued.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}


# ---------------------------------------------------------------- the wire, straight to the sandbox
def raw_call(
    sandbox: XhsSandbox, shop: SandboxShop, *, sign: str | None = None, numeric_ts: bool = False, **overrides
) -> dict:
    stamp = int(time.time())
    body = {
        "method": "common.getExpressCompanyList",
        "appId": shop.app_key,
        "timestamp": stamp if numeric_ts else str(stamp),
        "version": "2.0",
        "accessToken": shop.access_token,
        **overrides,
    }
    body["sign"] = (
        sign
        if sign is not None
        else expected_sign(body["method"], body["appId"], str(body["timestamp"]), body["version"], shop.app_secret)
    )
    request = SandboxRequest(
        method="POST",
        path="/ark/open_api/v3/common_controller",
        raw_query="",
        query={},
        headers={"content-type": "application/json;charset=utf-8"},
        body=json.dumps(body, ensure_ascii=False).encode(),
    )
    response: SandboxResponse = sandbox.handle(request)
    return json.loads(response.body)


class TestWire:
    def test_given_a_wrong_signature_then_error_minus_100(self, sandbox, shop) -> None:
        answer = raw_call(sandbox, shop, sign="0" * 32)
        assert (answer["success"], answer["error_code"]) == (False, -100)

    @pytest.mark.parametrize("numeric", [False, True])
    def test_given_the_timestamp_as_text_or_number_then_accepted(self, sandbox, shop, numeric) -> None:
        assert raw_call(sandbox, shop, numeric_ts=numeric)["success"] is True

    def test_given_an_upper_case_sign_and_unsigned_business_fields_then_accepted(self, sandbox, shop) -> None:
        stamp = str(int(time.time()))
        sign = expected_sign("common.getExpressCompanyList", shop.app_key, stamp, "2.0", shop.app_secret).upper()
        assert raw_call(sandbox, shop, sign=sign, timestamp=stamp, extra="不签名")["success"] is True

    def test_given_a_stale_timestamp_or_no_token_then_refused(self, sandbox, shop) -> None:
        assert raw_call(sandbox, shop, timestamp=str(int(time.time()) - 3600))["error_code"] == -102
        assert raw_call(sandbox, shop, accessToken="")["error_code"] == -103

    def test_given_a_throttle_fault_then_minus_106_in_the_envelope(self, sandbox, shop) -> None:
        sandbox.faults.throttle_rate = 1.0
        assert raw_call(sandbox, shop) == {
            "success": False,
            "error_code": -106,
            "error_msg": "请求过于频繁，请稍后再试",
        }

    def test_given_an_update_window_over_30_minutes_then_bad_param(self, sandbox, shop) -> None:
        answer = raw_call(sandbox, shop, method="order.getOrderList", startTime=0, endTime=1801, timeType=2)
        assert answer["error_code"] == -200


# ---------------------------------------------------------------- pushes
class Collector:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        self.bodies.append(request.body)
        return SandboxResponse.json({"success": True, "error_code": 0, "error_msg": ""})


class TestPush:
    def test_given_a_subscriber_with_duplicates_and_reorder_then_every_message_parses_and_ids_repeat(
        self, sandbox, shop, client
    ) -> None:
        order_no = awaiting(sandbox, shop, client)
        collector = Collector()
        receiver = SandboxServer(collector).start()
        try:
            sandbox.subscribe(receiver.url + "/push/xhs")
            sandbox.generate_orders(shop.seller_id, 4, WINDOW_START, WINDOW_END)
            client.set_seller_memo(order_no, "备注")
            case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
            sandbox.faults.push_duplicate_rate, sandbox.faults.push_reorder = 0.6, True
            statuses = sandbox.deliver_pushes()
        finally:
            receiver.stop()
        assert statuses and set(statuses) == {200}
        # the window's orders are dated WINDOW_END (a fixed day), the memo and the case today: this test is
        # about parsing and ids, so freshness must not depend on how far today is from that day
        now, any_age = datetime.now(SHANGHAI), timedelta(days=3650)
        events = [e for body in collector.bodies
                  for e in verify_push({}, body, now=now, seller_ids={shop.seller_id}, max_age=any_age)]
        assert len(events) > len({e.message_id for e in events})
        assert {e.case_id for e in events if e.kind == "after_sale"} == {case_id}
        assert order_no in {e.order_no for e in events if e.event_type == "msg_fulfillment_seller_remark_change"}
