"""PddClient against the PDD sandbox: the shared contract, then PDD's own flows."""
from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.pdd.client import create_client
from chalicelib.platforms.pdd.mapping import CARRIERS
from chalicelib.platforms.pdd.signing import sign
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, NotAllowedError, NotFoundError
from chalicelib.services.platform_types import SHANGHAI, Address, RejectReason, ShipRequest, WaybillRequest
from local.sandbox.core import SandboxRequest, SandboxServer
from local.sandbox.pdd import create_sandbox
from local.sandbox.pdd.wire import md5_sign
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, PlatformContract, fast_transport


class TestPddContract(PlatformContract):
    platform = "pdd"
    ship_carrier_code = "ZTO"

    @pytest.fixture
    def sandbox(self):
        return create_sandbox(seed=11)

    @pytest.fixture
    def make_client(self):
        return create_client

    # ------------------------------------------------------------ after-sales
    def test_given_a_refund_request_when_approved_then_the_sandbox_shows_it_refunded(
            self, sandbox, shop, client) -> None:
        order_no = _awaiting(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        listed = {c.case_id: c for c in client.list_after_sales(*_around_now())}
        assert listed[case_id].type is AfterSaleType.REFUND_ONLY
        assert listed[case_id].status is AfterSaleStatus.PENDING_REVIEW
        truth = sandbox.truth_after_sales(shop.seller_id)[case_id]
        assert client.get_after_sale(case_id).refund_fen == truth.refund_fen
        client.approve_refund(case_id)
        client.approve_refund(case_id)   # a retried write is a success
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "10"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED
        order = client.get_order(order_no)
        assert (order.refund_state, order.status) == (RefundState.REFUNDED, OrderStatus.CANCELLED)

    def test_given_a_return_request_when_approved_returned_and_received_then_it_is_refunded(
            self, sandbox, shop, client) -> None:
        order_no = _awaiting(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "return_and_refund")
        assert client.get_after_sale(case_id).type is AfterSaleType.RETURN_AND_REFUND
        client.approve_return(case_id, RETURN_ADDRESS, "王仓管", "13800000000")
        client.approve_return(case_id, RETURN_ADDRESS, "王仓管", "13800000000")   # retried: still fine
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "7"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_RETURN
        with pytest.raises(NotAllowedError, match="买家尚未退货"):
            client.confirm_return_received(case_id)
        sandbox.buyer_return_goods(shop.seller_id, case_id, "YT9876543210")
        case = client.get_after_sale(case_id)
        assert (case.status, case.return_tracking_no) == (AfterSaleStatus.AWAITING_SELLER_RECEIPT, "YT9876543210")
        client.confirm_return_received(case_id)
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "10"

    def test_given_a_refund_only_case_when_a_return_is_approved_then_the_platform_reason_is_raised(
            self, sandbox, shop, client) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "refund_only")
        with pytest.raises(NotAllowedError, match="不能同意退货"):
            client.approve_return(case_id, RETURN_ADDRESS, "王仓管", "13800000000")
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "2"

    def test_given_a_buyer_cancelled_case_when_approved_then_not_allowed_with_the_reason(
            self, sandbox, shop, client) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "refund_only")
        sandbox.buyer_cancel_after_sale(shop.seller_id, case_id)
        with pytest.raises(NotAllowedError, match="不允许同意退款"):
            client.approve_refund(case_id)
        assert client.get_after_sale(case_id).status is AfterSaleStatus.CLOSED

    @pytest.mark.parametrize(("kind", "expected", "status"), [
        ("exchange", AfterSaleType.EXCHANGE, "14"), ("reissue", AfterSaleType.REISSUE, "14"),
        ("repair", AfterSaleType.REPAIR, "21")])
    def test_given_each_goods_after_sale_kind_then_it_lists_with_its_type_and_refuses_a_refund(
            self, sandbox, shop, client, kind, expected, status) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), kind)
        listed = {c.case_id: c for c in client.list_after_sales(*_around_now())}
        assert listed[case_id].type is expected
        assert client.get_after_sale(case_id).type is expected
        with pytest.raises(NotAllowedError):
            client.approve_refund(case_id)
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == status

    def test_given_any_case_when_rejected_then_unsupported_is_raised_without_a_call(
            self, sandbox, shop, client) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "refund_only")
        with pytest.raises(NotAllowedError) as caught:
            client.reject_refund(case_id, RejectReason(code="1", text="已发货"))
        assert caught.value.code == "unsupported"
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "2"

    # ------------------------------------------------------------ orders, memo, stock, carriers
    def test_given_an_unknown_order_when_fetched_then_not_found(self, client) -> None:
        with pytest.raises(NotFoundError):
            client.get_order("261120-000000000000000")

    def test_given_a_shipped_order_when_shipped_again_then_same_tracking_passes_and_another_is_refused(
            self, sandbox, shop, client) -> None:
        order_no = _awaiting(sandbox, shop, client)
        request = ShipRequest(order_no=order_no, carrier_code=CARRIERS["YZPY"], tracking_no="9800000000001")
        client.ship(request)
        client.ship(request)
        assert sandbox.truth_orders(shop.seller_id)[order_no].carrier_code == "YZXB"
        with pytest.raises(NotAllowedError, match="已发货"):
            client.ship(dataclasses.replace(request, tracking_no="9800000000002"))

    def test_given_an_order_in_parcels_then_the_first_number_ships_it_and_the_others_go_up_as_extra(
            self, sandbox, shop, client) -> None:
        order_no = _awaiting(sandbox, shop, client)
        gateway = client.gateway
        with pytest.raises(NotAllowedError, match="未发货"):     # extra parcels only for a shipped order
            gateway.call("pdd.order.upload.extra.logistics", {
                "order_sn": order_no, "extra_track_type": 1,
                "extra_track_list": '[{"shipping_id":115,"tracking_number":"9800000000010"}]'})
        parcels = ((CARRIERS["ZTO"], "9800000000011"), (CARRIERS["ZTO"], "9800000000012"))
        request = ShipRequest(order_no=order_no, carrier_code=CARRIERS["ZTO"], tracking_no="9800000000012",
                              parcels=parcels)
        client.ship(request)
        client.ship(request)                              # a retry: nothing twice
        raw = client.get_order(order_no).raw
        assert raw["tracking_number"] == "9800000000011"
        assert [x["tracking_number"] for x in raw["extra_delivery_list"]] == ["9800000000012"]

    def test_given_a_cancelled_order_when_shipped_then_not_allowed(self, sandbox, shop, client) -> None:
        orders = sandbox.generate_orders(shop.seller_id, 60, WINDOW_START, WINDOW_END)
        cancelled = next(no for no in orders if client.get_order(no).status is OrderStatus.CANCELLED)
        with pytest.raises(NotAllowedError):
            client.ship(ShipRequest(order_no=cancelled, carrier_code="ZTO", tracking_no="ZT1"))

    def test_given_a_memo_with_a_flag_when_set_then_the_sandbox_and_the_order_show_it(
            self, sandbox, shop, client) -> None:
        order_no = _awaiting(sandbox, shop, client)
        client.set_seller_memo(order_no, "已联系买家，周末发", flag=2)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "已联系买家，周末发"
        order = client.get_order(order_no)
        assert (order.seller_memo, order.seller_flag) == ("已联系买家，周末发", 2)

    def test_given_products_when_stock_is_set_then_the_sandbox_holds_the_new_quantity(
            self, sandbox, shop, client) -> None:
        products = list(client.list_products())
        skus = [sku for product in products for sku in product.skus]
        assert len(products) == 6 and all(sku.merchant_code for sku in skus)
        assert {sku.platform_sku_id: sku.stock for sku in skus} == sandbox.truth_stock(shop.seller_id)
        client.update_stock(skus[0].platform_sku_id, 42, skus[0].platform_product_id)
        client.update_stock(skus[1].platform_sku_id, 7)    # the product id is looked up
        stock = sandbox.truth_stock(shop.seller_id)
        assert (stock[skus[0].platform_sku_id], stock[skus[1].platform_sku_id]) == (42, 7)

    def test_given_the_carrier_list_then_usable_codes_cover_the_common_carriers(self, client) -> None:
        codes = {carrier.code for carrier in client.list_carriers()}
        assert set(CARRIERS.values()) <= codes
        assert "OLD-CARRIER" not in codes

    # ------------------------------------------------------------ oauth
    def test_given_the_authorise_page_when_the_code_is_exchanged_and_refreshed_then_tokens_work(
            self, shop, client, credentials, make_client) -> None:
        url = client.authorize_url("https://oms.example.test/callback", "shop-42")
        assert "/service-market/auth?" in url and "client_id=" in url
        redirect = httpx.get(url, follow_redirects=False)
        assert redirect.status_code == 302
        query = parse_qs(urlsplit(redirect.headers["location"]).query)
        assert query["state"] == ["shop-42"]
        tokens = client.exchange_code(query["code"][0], "https://oms.example.test/callback")
        assert tokens.seller_id == shop.seller_id and tokens.expires_at.tzinfo is not None
        fresh = client.refresh(tokens.refresh_token)
        assert fresh.access_token != tokens.access_token
        renewed = make_client(dataclasses.replace(credentials, access_token=fresh.access_token), fast_transport())
        assert list(renewed.list_products())

    def test_given_a_dead_refresh_token_when_refreshed_then_auth_expired(self, sandbox, shop, client) -> None:
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            client.refresh(shop.refresh_token)

    def test_given_a_used_code_when_exchanged_again_then_it_is_refused(self, sandbox, shop, client) -> None:
        code = sandbox.issue_code(shop.seller_id)
        client.exchange_code(code, "https://oms.example.test/callback")
        with pytest.raises(BadRequestError):
            client.exchange_code(code, "https://oms.example.test/callback")

    # ------------------------------------------------------------ waybills
    def test_given_an_account_when_a_waybill_is_got_again_and_cancelled_then_the_sandbox_follows(
            self, sandbox, shop, client) -> None:
        accounts = client.waybill_accounts()
        assert {a.carrier_code for a in accounts} == {"ZTO", "YUNDA"}
        account = next(a for a in accounts if a.carrier_code == "ZTO")
        order = client.get_order(_awaiting_with_receiver(sandbox, shop, client))
        assert order.receiver is not None and order.receiver.ciphertext
        request = WaybillRequest(account=account, order_nos=(order.order_no,),
                                 items=tuple((line.title, line.quantity) for line in order.lines),
                                 receiver=order.receiver, sender_name="李发货", sender_phone="13900000000")
        first = client.get_waybill(request)
        assert client.get_waybill(request).waybill_no == first.waybill_no   # same object_id, same number
        assert sandbox.truth_waybills(shop.seller_id) == {first.waybill_no: (order.order_no,)}
        assert {"encryptedData", "signature", "templateUrl"} <= set(json.loads(str(first.print_data)))
        assert client.waybill_accounts()[0].remaining == account.remaining - 1
        client.cancel_waybill("ZTO", first.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}

    def test_given_a_forged_receiver_ciphertext_then_the_waybill_is_refused(self, sandbox, shop, client) -> None:
        account = client.waybill_accounts()[0]
        order = client.get_order(_awaiting_with_receiver(sandbox, shop, client))
        forged = dataclasses.replace(order.receiver, ciphertext={"receiver_name": "~forged~"})
        with pytest.raises(NotAllowedError, match="解密失败"):
            client.get_waybill(WaybillRequest(account=account, order_nos=(order.order_no,), items=(("T恤", 1),),
                                              receiver=forged, sender_name="李", sender_phone="139"))


# ---------------------------------------------------------------- straight to the gateway
class TestPddGatewayTolerances:
    @pytest.fixture
    def sandbox(self):
        return create_sandbox(seed=5)

    @pytest.fixture
    def shop(self, sandbox):
        return sandbox.add_shop()

    def test_given_a_wrong_signature_then_error_20004(self, sandbox, shop) -> None:
        params = _signed(shop, "pdd.goods.list.get")
        params["sign"] = "0" * 32
        assert _error_code(sandbox.handle(_form(params))) == 20004

    def test_given_a_wrong_signature_over_http_then_error_20004(self, sandbox, shop) -> None:
        server = SandboxServer(sandbox).start()
        try:
            params = {**_signed(shop, "pdd.goods.list.get"), "sign": "F" * 32}
            body = httpx.post(f"{server.url}/api/router", data=params).json()
        finally:
            server.stop()
        assert body["error_response"]["error_code"] == 20004

    def test_given_a_stale_timestamp_then_a_common_parameter_error(self, sandbox, shop) -> None:
        params = _signed(shop, "pdd.goods.list.get", timestamp=str(int(time.time()) - 3600))
        assert _error_code(sandbox.handle(_form(params))) == 10001

    def test_given_an_unknown_token_then_error_20032(self, sandbox, shop) -> None:
        params = _signed(dataclasses.replace(shop, access_token="not-a-token"), "pdd.goods.list.get")
        assert _error_code(sandbox.handle(_form(params))) == 20032

    @pytest.mark.parametrize("encoding", ["form", "query", "multipart", "json"])
    def test_given_each_body_encoding_then_the_call_is_accepted(self, sandbox, shop, encoding) -> None:
        params = _signed(shop, "pdd.goods.list.get", page="1")
        assert "goods_list_get_response" in _body(sandbox.handle(_request(params, encoding)))

    def test_given_a_millisecond_timestamp_then_it_is_accepted(self, sandbox, shop) -> None:
        params = _signed(shop, "pdd.goods.list.get", timestamp=str(int(time.time() * 1000)))
        assert "goods_list_get_response" in _body(sandbox.handle(_form(params)))

    def test_given_the_token_named_session_then_it_is_accepted(self, sandbox, shop) -> None:
        params = _signed(shop, "pdd.goods.list.get", token_name="session")
        assert "goods_list_get_response" in _body(sandbox.handle(_form(params)))

    def test_given_an_empty_value_signed_as_a_bare_key_then_it_is_accepted(self, sandbox, shop) -> None:
        params = _signed(shop, "pdd.goods.list.get", goods_name="")
        params["sign"] = md5_sign(params, shop.app_secret, keep_empty=True)
        assert "goods_list_get_response" in _body(sandbox.handle(_form(params)))

    def test_given_a_window_over_30_minutes_then_a_business_parameter_error(self, sandbox, shop) -> None:
        now = int(time.time())
        params = _signed(shop, "pdd.order.number.list.increment.get", start_updated_at=str(now - 1801),
                         end_updated_at=str(now), order_status="5", refund_status="5", is_lucky_flag="0")
        assert _error_code(sandbox.handle(_form(params))) == 21001

    def test_given_too_many_refund_list_calls_then_the_mall_is_throttled_with_70031(self, sandbox, shop) -> None:
        now = int(time.time())
        codes = [_error_code(sandbox.handle(_form(_signed(
            shop, "pdd.refund.list.increment.get", after_sales_status="1", after_sales_type="1",
            start_updated_at=str(now - 60), end_updated_at=str(now))))) for _ in range(101)]
        assert codes[:100] == [0] * 100 and codes[100] == 70031

    def test_given_throttle_faults_then_the_platform_rate_limit_envelope(self, sandbox, shop) -> None:
        sandbox.faults.throttle_rate = 1.0
        assert _error_code(sandbox.handle(_form(_signed(shop, "pdd.goods.list.get")))) == 52101

    def test_given_the_json_oauth_endpoint_then_code_and_refresh_grants_answer_unwrapped(self, sandbox, shop) -> None:
        def token(body: dict) -> dict:
            request = SandboxRequest(method="POST", path="/oauth/token", raw_query="", query={},
                                     headers={"content-type": "application/json"}, body=json.dumps(body).encode())
            return _body(sandbox.handle(request))
        app = {"client_id": shop.app_key, "client_secret": shop.app_secret}
        granted = token({**app, "grant_type": "authorization_code", "code": sandbox.issue_code(shop.seller_id)})
        assert granted["owner_id"] == shop.seller_id and granted["expires_at"] > time.time()
        refreshed = token({**app, "grant_type": "refresh_token", "refresh_token": granted["refresh_token"]})
        assert refreshed["access_token"] != granted["access_token"]
        wrong = token({**app, "client_secret": "obviously-wrong", "grant_type": "refresh_token"})
        assert wrong["error_response"]["error_code"] == 10016


RETURN_ADDRESS = Address(province="浙江省", city="杭州市", district="余杭区", detail="仓前街道1号仓")


def _around_now() -> tuple[datetime, datetime]:
    now = datetime.now(SHANGHAI)
    return now - timedelta(minutes=10), now + timedelta(minutes=1)


def _awaiting(sandbox, shop, client) -> str:
    for order_no in sandbox.generate_orders(shop.seller_id, 30, WINDOW_START, WINDOW_END):
        if client.get_order(order_no).status is OrderStatus.AWAITING_SHIPMENT:
            return order_no
    raise AssertionError("no awaiting order in 30")


def _awaiting_with_receiver(sandbox, shop, client) -> str:
    for order_no in sandbox.generate_orders(shop.seller_id, 30, WINDOW_START, WINDOW_END):
        order = client.get_order(order_no)
        if order.status is OrderStatus.AWAITING_SHIPMENT and order.receiver and order.receiver.ciphertext:
            return order_no
    raise AssertionError("no awaiting order with ciphertext in 30")


def _signed(shop, api: str, *, timestamp: str = "", token_name: str = "access_token", **business: str) -> dict:
    params = {"type": api, "client_id": shop.app_key, "timestamp": timestamp or str(int(time.time())),
              "data_type": "JSON", token_name: shop.access_token, **business}
    params["sign"] = sign(params, shop.app_secret)
    return params


def _form(params: dict) -> SandboxRequest:
    return _request(params, "form")


def _request(params: dict, encoding: str) -> SandboxRequest:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    raw_query, body = "", b""
    if encoding == "form":
        body = urlencode(params).encode()
    elif encoding == "query":
        raw_query, headers = urlencode(params), {}
    elif encoding == "json":
        headers, body = {"content-type": "application/json"}, json.dumps(params, ensure_ascii=False).encode()
    else:
        built = httpx.Request("POST", "http://sandbox/api/router", files={k: (None, v) for k, v in params.items()})
        headers, body = {"content-type": built.headers["content-type"]}, built.read()
    return SandboxRequest(method="POST", path="/api/router", raw_query=raw_query, query=dict(parse_qsl(raw_query)),
                          headers=headers, body=body)


def _body(response) -> dict:
    return json.loads(response.body)


def _error_code(response) -> int:
    return int(_body(response).get("error_response", {}).get("error_code", 0))
