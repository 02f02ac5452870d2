"""The shared platform contract, plus WeChat's own flows, against the WeChat sandbox."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.wechat.client import create_client
from chalicelib.platforms.wechat.mapping import CARRIERS
from chalicelib.platforms.wechat.push import ACK, verify_push
from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    NotAllowedError,
    NotFoundError,
    RateLimitedError,
)
from chalicelib.services.platform_types import (
    SHANGHAI,
    Address,
    RejectReason,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxRequest, SandboxResponse, SandboxServer
from local.sandbox.wechat import WechatSandbox, create_sandbox
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, PlatformContract, fast_transport


class TestWechatContract(PlatformContract):
    platform = "wechat"
    ship_carrier_code = "ZTO"

    @pytest.fixture
    def sandbox(self) -> WechatSandbox:
        return create_sandbox(seed=11)

    @pytest.fixture
    def make_client(self):
        return create_client

    offers_tracking = False          # no route query for sellers (see WechatClient.track)
    resend_kinds = ("exchange",)     # WeChat Channels documents no reissue case

    def _ready_to_resend(self, sandbox, shop, client, case_id: str, kind: str) -> str:
        """An exchange sends the new goods once the old are back: approve the return, the buyer ships it."""
        address = Address(province="浙江省", city="杭州市", district="余杭区", detail="文一西路1500号退货仓")
        client.approve_return(case_id, address, "王仓管", "13800000000")
        sandbox.buyer_ships_return(shop.seller_id, case_id)
        return case_id

    # ------------------------------------------------------------ WeChat's own flows
    def _order_in(self, sandbox, shop, client, statuses, count=30) -> str:
        for order_no in sandbox.generate_orders(shop.seller_id, count, WINDOW_START, WINDOW_END):
            if client.get_order(order_no).status in statuses:
                return order_no
        raise AssertionError(f"no order in {statuses}")

    def _truth_case(self, sandbox, shop, case_id):
        return sandbox.truth_after_sales(shop.seller_id)[case_id]

    def test_given_a_refund_request_when_approved_then_the_sandbox_refunds_and_a_repeat_is_harmless(
            self, sandbox, shop, client):
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.AWAITING_SHIPMENT})
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        listed = {c.case_id: c for c in client.list_after_sales(*around_now())}
        assert listed[case_id].status is AfterSaleStatus.PENDING_REVIEW
        assert listed[case_id].type is AfterSaleType.REFUND_ONLY
        assert client.get_order(order_no).refund_state is RefundState.IN_PROGRESS
        client.approve_refund(case_id)
        client.approve_refund(case_id)
        assert self._truth_case(sandbox, shop, case_id).platform_status == "MERCHANT_REFUND_SUCCESS"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED
        with pytest.raises(NotAllowedError) as refused:
            client.reject_refund(case_id, RejectReason("", "已发货"))
        assert refused.value.code == "10021003"

    def test_given_a_refund_request_when_rejected_with_a_reason_then_the_sandbox_records_it(
            self, sandbox, shop, client):
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.AWAITING_SHIPMENT})
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund")
        client.reject_refund(case_id, RejectReason("1", "商品已发出"))
        case = client.get_after_sale(case_id)
        assert (case.status, case.platform_status) == (AfterSaleStatus.REJECTED, "MERCHANT_REJECT_REFUND")
        assert case.raw["merchant_upload_info"]["reject_reason"] == "商品已发出"

    def test_given_a_return_request_then_approve_return_buyer_ships_and_receipt_refunds(
            self, sandbox, shop, client):
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.SHIPPED, OrderStatus.COMPLETED})
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "return_and_refund")
        address = Address(province="浙江省", city="杭州市", district="余杭区", detail="文一西路1500号退货仓")
        client.approve_return(case_id, address, "王仓管", "13800000000")
        assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_RETURN
        with pytest.raises(NotAllowedError):
            client.confirm_return_received(case_id)
        sandbox.buyer_ships_return(shop.seller_id, case_id, "SF", "SF1357924680")
        case = client.get_after_sale(case_id)
        assert (case.status, case.return_tracking_no) == (AfterSaleStatus.AWAITING_SELLER_RECEIPT, "SF1357924680")
        client.confirm_return_received(case_id)
        assert self._truth_case(sandbox, shop, case_id).platform_status == "MERCHANT_RETURN_SUCCESS"

    def test_given_two_returns_to_one_address_then_the_address_book_gets_it_once(self, sandbox, shop, client):
        address = Address(province="浙江省", city="杭州市", district="余杭区", detail="退货仓")
        for _ in range(2):
            order_no = self._order_in(sandbox, shop, client, {OrderStatus.SHIPPED, OrderStatus.COMPLETED})
            case_id = sandbox.request_after_sale(shop.seller_id, order_no, "RETURN")
            client.approve_return(case_id, address, "王仓管", "13800000000")
        assert len(sandbox.truth_addresses(shop.seller_id)) == 1

    def test_given_60_cases_over_three_days_when_listed_then_every_page_and_day_is_read(
            self, sandbox, shop, client):
        orders = sandbox.generate_orders(shop.seller_id, 200, WINDOW_START, WINDOW_END)
        truth = sandbox.truth_orders(shop.seller_id)
        paid = [no for no in orders if truth[no].platform_status in ("20", "30", "100")][:60]
        cases = {sandbox.request_after_sale(shop.seller_id, no, "refund") for no in paid}
        start, end = around_now()
        got = [c.case_id for c in client.list_after_sales(start - timedelta(days=2), end)]
        assert len(got) == len(set(got)) and set(got) == cases

    def test_given_an_open_after_sale_when_shipping_then_the_platform_refuses(self, sandbox, shop, client):
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.AWAITING_SHIPMENT})
        sandbox.request_after_sale(shop.seller_id, order_no, "refund")
        with pytest.raises(NotAllowedError) as refused:
            client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="ZT1"))
        assert refused.value.code == "108009"

    def test_given_a_shipped_order_when_shipped_again_then_same_tracking_is_ok_and_another_is_refused(
            self, sandbox, shop, client):
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.AWAITING_SHIPMENT})
        request = ShipRequest(order_no=order_no, carrier_code=CARRIERS["YUNDA"], tracking_no="YD100")
        client.ship(request)
        client.ship(request)
        with pytest.raises(NotAllowedError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="YUNDA", tracking_no="YD200"))

    def test_given_a_two_line_order_when_one_line_ships_then_it_is_partly_shipped(self, sandbox, shop, client):
        for order_no in sandbox.generate_orders(shop.seller_id, 60, WINDOW_START, WINDOW_END):
            order = client.get_order(order_no)
            if order.status is OrderStatus.AWAITING_SHIPMENT and len(order.lines) > 1:
                break
        else:
            raise AssertionError("no two-line order awaiting shipment")
        client.ship(ShipRequest(order_no=order_no, carrier_code="SF", tracking_no="SF1",
                                line_ids=(order.lines[0].line_id,)))
        assert client.get_order(order_no).status is OrderStatus.PARTIALLY_SHIPPED
        client.ship(ShipRequest(order_no=order_no, carrier_code="SF", tracking_no="SF2",
                                line_ids=tuple(line.line_id for line in order.lines[1:])))
        assert client.get_order(order_no).status is OrderStatus.SHIPPED

    def test_given_a_seller_memo_then_the_sandbox_and_the_order_show_it(self, sandbox, shop, client):
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        client.set_seller_memo(order_no, "加急，顺丰发", flag=2)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "加急，顺丰发"
        assert client.get_order(order_no).seller_memo == "加急，顺丰发"

    def test_given_products_when_listed_and_stock_set_then_the_sandbox_stock_follows(self, sandbox, shop, client):
        products = list(client.list_products())
        skus = [sku for product in products for sku in product.skus]
        assert len(skus) == len(sandbox.truth_stock(shop.seller_id))
        assert all(sku.merchant_code.startswith("SKU-") for sku in skus)
        client.update_stock(skus[0].platform_sku_id, 42, skus[0].platform_product_id)
        fresh = create_client(client_credentials(client), fast_transport())   # no product map cached
        fresh.update_stock(skus[1].platform_sku_id, 0)
        stock = sandbox.truth_stock(shop.seller_id)
        assert (stock[skus[0].platform_sku_id], stock[skus[1].platform_sku_id]) == (42, 0)
        with pytest.raises(NotFoundError):
            client.update_stock("no-such-sku", 1)

    def test_given_the_carrier_list_then_every_common_carrier_is_offered(self, client):
        codes = {carrier.code for carrier in client.list_carriers()}
        assert set(CARRIERS.values()) <= codes

    def test_given_token_calls_then_authorize_is_refused_and_exchange_refresh_fetch_tokens(
            self, sandbox, shop, client):
        with pytest.raises(BadRequestError):
            client.authorize_url("https://oms.example/cb", "state")
        first = client.exchange_code("", "")
        assert first.expires_at > datetime.now(SHANGHAI) + timedelta(hours=1)
        assert client.refresh("").access_token
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError) as frozen:
            client.refresh("")
        assert frozen.value.code == "40243"

    def test_given_only_the_token_expired_then_one_refresh_and_retry_recover(self, sandbox, shop, client):
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        client.get_order(order_no)
        sandbox.expire_access_tokens(shop.seller_id)
        assert client.get_order(order_no).order_no == order_no

    def test_given_a_lapsed_authorisation_when_restored_then_the_client_works_again(self, sandbox, shop, client):
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        sandbox.expire_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            client.get_order(order_no)
        sandbox.restore_auth(shop.seller_id)
        assert client.get_order(order_no).order_no == order_no

    def test_given_waybill_accounts_when_a_waybill_is_issued_and_cancelled_then_the_sandbox_follows(
            self, sandbox, shop, client):
        accounts = client.waybill_accounts()
        assert {a.carrier_code for a in accounts} == {"ZTO", "YTO"} and accounts[0].remaining == 500
        order_no = self._order_in(sandbox, shop, client, {OrderStatus.AWAITING_SHIPMENT})
        order = client.get_order(order_no)
        assert order.receiver is not None
        result = client.get_waybill(WaybillRequest(account=accounts[0], order_nos=(order_no,),
                                                   items=(("T恤", 1),), receiver=order.receiver))
        assert sandbox.truth_waybills(shop.seller_id) == {result.waybill_no: (order_no,)}
        printed = json.loads(base64.b64decode(str(result.print_data)))
        assert printed["receiver"]["name"] == order.receiver.name_masked
        assert client.waybill_accounts()[0].remaining == 499
        client.cancel_waybill(result.carrier_code, result.waybill_no)
        client.cancel_waybill(result.carrier_code, result.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}

    # ------------------------------------------------------------ straight to the sandbox
    def test_given_wrong_credentials_straight_to_the_sandbox_then_wechat_codes_come_back(self, shop, server):
        with httpx.Client(base_url=server.url, trust_env=False) as http:
            def errcode(response) -> int:
                return response.json()["errcode"]
            token_body = {"grant_type": "client_credential", "appid": shop.app_key, "secret": "wrong"}
            assert errcode(http.post("/cgi-bin/stable_token", json=token_body)) == 40001
            assert errcode(http.post("/cgi-bin/stable_token", json={**token_body, "appid": "wxnope"})) == 40013
            assert errcode(http.post("/channels/ec/order/get", json={"order_id": "1"})) == 41001
            assert errcode(http.post("/channels/ec/order/get", params={"access_token": "forged"}, json={})) == 40001

    def test_given_the_tolerated_client_variants_then_the_sandbox_accepts_them(self, sandbox, shop, server):
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        with httpx.Client(base_url=server.url, trust_env=False) as http:
            classic = http.get("/cgi-bin/token", params={"grant_type": "client_credential", "appid": shop.app_key,
                                                         "secret": shop.app_secret}).json()
            escaped = json.dumps({"order_id": order_no, "merchant_notes": "加急"}, ensure_ascii=True)
            answer = http.post("/channels/ec/order/merchantnotes/update", content=escaped,
                               params={"access_token": classic["access_token"]}).json()
            garbled = http.post("/channels/ec/order/get", content=b"{not json",
                                params={"access_token": classic["access_token"]}).json()
        assert answer["errcode"] == 0 and sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "加急"
        assert garbled["errcode"] == 47001

    def test_given_throttling_on_every_call_then_rate_limited_surfaces(self, sandbox, shop, client):
        sandbox.faults.throttle_rate = 1.0
        with pytest.raises(RateLimitedError) as throttled:
            client.list_carriers()
        assert throttled.value.code == "45011"

    # ------------------------------------------------------------ pushes
    @pytest.mark.parametrize("fmt", ["json", "xml"])
    def test_given_a_subscription_with_duplicates_and_reordering_then_every_push_verifies(
            self, sandbox, shop, client, fmt):
        receiver = Receiver()
        inbox = SandboxServer(receiver).start()
        try:
            sandbox.subscribe(inbox.url + "/wechat/push", shop.extra["push_token"], shop.extra["encoding_aes_key"],
                              fmt=fmt)
            sandbox.faults.push_duplicate_rate = 0.5
            sandbox.faults.push_reorder = True
            orders = sandbox.generate_orders(shop.seller_id, 10, WINDOW_START, WINDOW_END)
            awaiting = next(no for no in orders if client.get_order(no).status is OrderStatus.AWAITING_SHIPMENT)
            client.ship(ShipRequest(order_no=awaiting, carrier_code="ZTO", tracking_no="ZT777"))
            assert sandbox.pusher.drain(timeout=5)
        finally:
            inbox.stop()
        events = [event for query, body in receiver.received
                  for event in verify_push(query, body, shop.extra["push_token"], shop.extra["encoding_aes_key"],
                                           shop.app_key, now=datetime.now(SHANGHAI))]
        distinct = {event.message_id for event in events}
        assert {e.order_no for e in events} == set(orders)
        assert any(e.event_type == "channels_ec_order_deliver" and e.order_no == awaiting for e in events)
        assert len(events) > len(distinct), "duplicates were injected"
        assert all(status == 200 and answer == "success" for status, answer in receiver.answers(sandbox))


def around_now() -> tuple[datetime, datetime]:
    now = datetime.now(SHANGHAI)
    return now - timedelta(hours=1), now + timedelta(minutes=5)


def client_credentials(client) -> ShopCredentials:
    return client._gateway.credentials


class Receiver:
    """The OMS side of a push: records what arrived and answers as the webhook route will."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        self.received.append((request.query, request.body))
        return SandboxResponse(body=ACK.encode(), headers={"Content-Type": "text/plain"})

    @staticmethod
    def answers(sandbox) -> list[tuple[int, str]]:
        return [(d.status, d.answer) for d in sandbox.pusher.deliveries]
