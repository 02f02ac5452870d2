"""The shared contract plus Taobao's own flows, against the TOP sandbox over HTTP."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.http import Transport
from chalicelib.platforms.taobao.client import create_client
from chalicelib.platforms.taobao.mapping import CARRIERS
from chalicelib.platforms.taobao.signing import sign as top_sign
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, NotAllowedError, NotFoundError
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import (
    SHANGHAI,
    Address,
    RejectReason,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxServer, SandboxShop
from local.sandbox.taobao import TaobaoSandbox, create_sandbox
from tests.contract.platform_suite import (
    WINDOW_END,
    WINDOW_START,
    ClientFactory,
    PlatformContract,
    fast_transport,
    quick_server,
)


class TestTaobaoContract(PlatformContract):
    platform = "taobao"
    ship_carrier_code = "ZTO"

    @pytest.fixture
    def sandbox(self) -> TaobaoSandbox:
        return create_sandbox(seed=11)

    @pytest.fixture
    def server(self, sandbox: TaobaoSandbox) -> Iterator[SandboxServer]:
        yield from quick_server(sandbox)

    @pytest.fixture
    def make_client(self) -> Callable[[ShopCredentials, Transport], PlatformClient]:
        return create_client

    # ------------------------------------------------------------ helpers
    def _awaiting(self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient, lines: int = 1) -> str:
        for order_no in sandbox.generate_orders(shop.seller_id, 40, WINDOW_START, WINDOW_END):
            order = client.get_order(order_no)
            if order.status is OrderStatus.AWAITING_SHIPMENT and len(order.lines) >= lines:
                return order_no
        raise AssertionError("no awaiting order")

    def _case(self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient, kind: str) -> str:
        return sandbox.request_after_sale(shop.seller_id, self._awaiting(sandbox, shop, client), kind)

    def _status(self, sandbox: TaobaoSandbox, shop: SandboxShop, case_id: str) -> str:
        return sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status

    # ------------------------------------------------------------ after-sales
    def test_given_a_refund_only_case_when_listed_and_approved_then_the_sandbox_shows_it_refunded(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        case_id = self._case(sandbox, shop, client, "refund_only")
        now = datetime.now(SHANGHAI)
        listed = {c.case_id: c for c in client.list_after_sales(now - timedelta(hours=1), now + timedelta(minutes=5))}
        assert listed[case_id].type is AfterSaleType.REFUND_ONLY
        assert listed[case_id].status is AfterSaleStatus.PENDING_REVIEW
        case = client.get_after_sale(case_id)
        assert case.refund_fen == sandbox.truth_after_sales(shop.seller_id)[case_id].refund_fen > 0
        client.approve_refund(case_id)
        client.approve_refund(case_id)   # a retry is a no-op, not an error
        assert self._status(sandbox, shop, case_id) == "SUCCESS"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED
        order = client.get_order(case.order_no)
        assert RefundState.REFUNDED in {line.refund_state for line in order.lines}

    def test_given_a_case_when_rejected_with_a_reason_then_refused_and_agreeing_later_is_not_allowed(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        case_id = self._case(sandbox, shop, client, "refund_only")
        client.reject_refund(case_id, RejectReason(code="1", text="商品已发出，请收货后申请退货"))
        client.reject_refund(case_id, RejectReason(code="1", text="商品已发出，请收货后申请退货"))
        assert self._status(sandbox, shop, case_id) == "SELLER_REFUSE_BUYER"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REJECTED
        with pytest.raises(NotAllowedError, match="不支持此操作"):
            client.approve_refund(case_id)

    def test_given_a_refusal_too_short_then_the_platform_refuses_the_arguments(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        case_id = self._case(sandbox, shop, client, "refund_only")
        with pytest.raises(BadRequestError) as caught:
            client.reject_refund(case_id, RejectReason(code="", text="不"))
        assert caught.value.code == "41"

    def test_given_a_return_case_when_return_approved_goods_back_and_confirmed_then_refunded(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        case_id = self._case(sandbox, shop, client, "return_and_refund")
        address = Address(province="浙江省", city="杭州市", district="余杭区", detail="文一西路969号 售后仓")
        client.approve_return(case_id, address, contact="王仓管", phone="13800001111")
        client.approve_return(case_id, address, contact="王仓管", phone="13800001111")
        assert self._status(sandbox, shop, case_id) == "WAIT_BUYER_RETURN_GOODS"
        with pytest.raises(NotAllowedError):
            client.confirm_return_received(case_id)   # nothing has come back yet
        sandbox.buyer_return_goods(shop.seller_id, case_id, "中通快递", "78000011112222")
        case = client.get_after_sale(case_id)
        assert case.status is AfterSaleStatus.AWAITING_SELLER_RECEIPT and case.return_tracking_no == "78000011112222"
        client.confirm_return_received(case_id)
        assert self._status(sandbox, shop, case_id) == "SUCCESS"

    def test_given_a_refund_only_case_when_a_return_is_approved_then_not_allowed_with_the_platform_reason(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        case_id = self._case(sandbox, shop, client, "refund_only")
        address = Address(province="浙江省", city="杭州市", district="余杭区", detail="文一西路969号")
        with pytest.raises(NotAllowedError) as caught:
            client.approve_return(case_id, address, contact="王仓管", phone="13800001111")
        assert caught.value.sub_code == "isv.refund-status-not-support"

    @pytest.mark.parametrize(("kind", "expected"), [("exchange", AfterSaleType.EXCHANGE),
                                                    ("repair", AfterSaleType.REPAIR),
                                                    ("reissue", AfterSaleType.REISSUE),
                                                    ("other", AfterSaleType.OTHER)])
    def test_given_each_other_dispute_type_then_it_is_read_with_its_type(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient, kind: str,
            expected: AfterSaleType) -> None:
        case = client.get_after_sale(self._case(sandbox, shop, client, kind))
        assert case.type is expected and case.status is AfterSaleStatus.PENDING_REVIEW

    def test_given_150_cases_when_listed_then_every_page_comes_once(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        orders = sandbox.generate_orders(shop.seller_id, 400, WINDOW_START, WINDOW_END)
        truth = sandbox.truth_orders(shop.seller_id)
        paid = [no for no in orders if truth[no].platform_status == "WAIT_SELLER_SEND_GOODS"][:150]
        expected = {sandbox.request_after_sale(shop.seller_id, no, "refund_only") for no in paid}
        now = datetime.now(SHANGHAI)
        got = [c.case_id for c in client.list_after_sales(now - timedelta(hours=1), now + timedelta(minutes=5))]
        assert len(got) == len(set(got)) and set(got) == expected

    # ------------------------------------------------------------ shipping
    def test_given_a_shipped_order_when_the_same_ship_is_retried_then_it_succeeds_and_a_new_waybill_is_refused(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        order_no = self._awaiting(sandbox, shop, client)
        request = ShipRequest(order_no=order_no, carrier_code="YTO", tracking_no="YT1234567890123")
        client.ship(request)
        client.ship(request)
        with pytest.raises(NotAllowedError) as caught:
            client.ship(ShipRequest(order_no=order_no, carrier_code="YTO", tracking_no="YT9999999999999"))
        assert caught.value.sub_code == "isv.logistics-offline-service-error:B04"
        assert sandbox.truth_orders(shop.seller_id)[order_no].carrier_code == "YTO"

    def test_given_a_multi_line_order_when_shipped_in_parts_then_partial_then_shipped(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        order_no = self._awaiting(sandbox, shop, client, lines=2)
        first, *rest = [line.line_id for line in client.get_order(order_no).lines]
        client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="78100000000001",
                                line_ids=(first,)))
        assert client.get_order(order_no).status is OrderStatus.PARTIALLY_SHIPPED
        with pytest.raises(NotAllowedError):   # CD22: a split trade needs its sub-order list
            client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="78100000000002"))
        client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="78100000000002",
                                line_ids=tuple(rest)))
        assert client.get_order(order_no).status is OrderStatus.SHIPPED

    def test_given_an_unknown_order_or_carrier_then_not_found_and_bad_request(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        with pytest.raises(NotFoundError):
            client.ship(ShipRequest(order_no="4100000000000000001", carrier_code="ZTO", tracking_no="78100000000003"))
        with pytest.raises(NotFoundError):
            client.get_order("4100000000000000001")
        order_no = self._awaiting(sandbox, shop, client)
        with pytest.raises(BadRequestError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="NOPE", tracking_no="78100000000004"))

    # ------------------------------------------------------------ memo, stock, catalog, carriers
    def test_given_a_memo_and_flag_when_set_then_the_sandbox_and_the_order_show_them(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        order_no = self._awaiting(sandbox, shop, client)
        client.set_seller_memo(order_no, "加急：VIP客户，送小样", flag=1)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "加急：VIP客户，送小样"
        order = client.get_order(order_no)
        assert (order.seller_memo, order.seller_flag) == ("加急：VIP客户，送小样", 1)
        client.set_seller_memo(order_no, "", flag=0)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == ""

    def test_given_the_catalog_when_listed_then_products_carry_skus_with_merchant_codes(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        products = list(client.list_products())
        skus = [sku for product in products for sku in product.skus]
        assert len(products) == 6
        assert {sku.platform_sku_id: sku.stock for sku in skus} == sandbox.truth_stock(shop.seller_id)
        assert all(sku.merchant_code.startswith("SKU-") and sku.price_fen > 0 for sku in skus)

    def test_given_a_stock_level_when_pushed_then_the_sandbox_holds_it(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        product = next(iter(client.list_products()))
        sku = product.skus[0]
        client.update_stock(sku.platform_sku_id, 77, product.platform_product_id)
        assert sandbox.truth_stock(shop.seller_id)[sku.platform_sku_id] == 77
        other = list(sandbox.truth_stock(shop.seller_id))[-1]
        client.update_stock(other, 5)   # no num_iid: the client finds it in the catalog
        assert sandbox.truth_stock(shop.seller_id)[other] == 5
        with pytest.raises(NotFoundError):
            client.update_stock("999999999", 1)

    def test_given_the_carrier_list_then_every_mapped_code_is_offered(self, client: PlatformClient) -> None:
        codes = {carrier.code for carrier in client.list_carriers()}
        assert set(CARRIERS.values()) <= codes

    # ------------------------------------------------------------ OAuth
    def test_given_the_authorise_page_when_the_code_is_exchanged_and_refreshed_then_tokens_work(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient,
            make_client: ClientFactory, credentials: ShopCredentials) -> None:
        url = client.authorize_url("https://oms.example.test/oauth/taobao", "shop-42")
        assert url.startswith(credentials.base_url + "/authorize?") and "client_id=" + shop.app_key in url
        redirect = httpx.get(url, follow_redirects=False)
        assert redirect.status_code == 302
        query = parse_qs(urlsplit(redirect.headers["location"]).query)
        assert query["state"] == ["shop-42"]
        tokens = client.exchange_code(query["code"][0], "https://oms.example.test/oauth/taobao")
        assert tokens.seller_id == shop.seller_id and tokens.expires_at > datetime.now(SHANGHAI)
        fresh = make_client(dataclasses.replace(credentials, access_token=tokens.access_token), fast_transport())
        assert list(fresh.list_products())
        renewed = client.refresh(tokens.refresh_token)
        assert renewed.access_token != tokens.access_token and renewed.refresh_expires_at
        with pytest.raises(AuthExpiredError):   # the refresh retired the old access token
            list(fresh.list_products())
        with pytest.raises(AuthExpiredError):   # an authorisation code is single-use
            client.exchange_code(query["code"][0], "https://oms.example.test/oauth/taobao")

    def test_given_a_killed_refresh_token_then_refresh_raises_auth_expired(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            client.refresh(shop.refresh_token)

    # ------------------------------------------------------------ waybills
    def test_given_waybill_accounts_when_a_number_is_issued_reissued_and_cancelled_then_the_sandbox_agrees(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        accounts = {account.carrier_code: account for account in client.waybill_accounts()}
        assert (accounts["ZTO"].remaining, accounts["YUNDA"].remaining, accounts["SF"].remaining) == (500, 0, -1)
        order = client.get_order(self._awaiting(sandbox, shop, client))
        assert order.receiver is not None and order.receiver.ciphertext["oaid"]
        request = WaybillRequest(account=accounts["ZTO"], order_nos=(order.order_no,),
                                 items=tuple((line.title, line.quantity) for line in order.lines),
                                 receiver=order.receiver, sender_name="王仓管", sender_phone="13800001111")
        result = client.get_waybill(request)
        assert client.get_waybill(request).waybill_no == result.waybill_no   # re-asking reuses the number
        assert sandbox.truth_waybills(shop.seller_id) == {result.waybill_no: (order.order_no,)}
        assert isinstance(result.print_data, str)
        print_data = json.loads(result.print_data)
        assert {"encryptedData", "signature", "templateURL", "ver"} <= set(print_data)
        assert order.receiver.name_masked not in result.print_data
        client.cancel_waybill("ZTO", result.waybill_no)
        client.cancel_waybill("ZTO", result.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}
        with pytest.raises(NotAllowedError):
            client.get_waybill(dataclasses.replace(request, account=accounts["YUNDA"]))
        with pytest.raises(NotFoundError):
            client.cancel_waybill("ZTO", "78000000000000")

    def test_given_a_wrong_oaid_when_a_waybill_is_asked_then_the_platform_refuses(
            self, sandbox: TaobaoSandbox, shop: SandboxShop, client: PlatformClient) -> None:
        accounts = {account.carrier_code: account for account in client.waybill_accounts()}
        order = client.get_order(self._awaiting(sandbox, shop, client))
        assert order.receiver is not None
        forged = dataclasses.replace(order.receiver, ciphertext={"oaid": "1forged", "tid": order.order_no})
        with pytest.raises(BadRequestError):
            client.get_waybill(WaybillRequest(account=accounts["ZTO"], order_nos=(order.order_no,),
                                              items=(("T恤", 1),), receiver=forged))

    # ------------------------------------------------------------ the gateway itself
    def test_given_a_wrong_signature_sent_straight_then_code_25_in_the_error_envelope(
            self, server: SandboxServer, shop: SandboxShop) -> None:
        body = _post(server, _signed(shop, {"method": "taobao.trade.fullinfo.get", "fields": "tid", "tid": "1"}),
                     sign="0" * 32)
        assert body["error_response"]["code"] == 25 and body["error_response"]["msg"] == "Invalid signature"

    @pytest.mark.parametrize(("change", "code"), [
        ({"app_key": "00000000"}, 29), ({"session": ""}, 26), ({"session": "6201bogus"}, 27),
        ({"timestamp": "2001-01-01 00:00:00"}, 31), ({"method": "taobao.no.such.api"}, 22), ({"v": "3.0"}, 34),
    ])
    def test_given_bad_common_params_then_the_gateway_codes_come_back(
            self, server: SandboxServer, shop: SandboxShop, change: dict[str, str], code: int) -> None:
        params = {"method": "taobao.trade.fullinfo.get", "fields": "tid", "tid": "1", **change}
        assert _post(server, _signed(shop, params))["error_response"]["code"] == code

    @pytest.mark.parametrize("sign_method", ["md5", "hmac", "hmac-sha256"])
    def test_given_each_sign_method_then_the_sandbox_accepts_it(
            self, server: SandboxServer, shop: SandboxShop, sign_method: str) -> None:
        body = _post(server, _signed(shop, {"method": "taobao.items.onsale.get", "fields": "num_iid"},
                                     sign_method=sign_method))
        assert body["items_onsale_get_response"]["total_results"] == 6

    @pytest.mark.parametrize("layout", ["split", "body", "query"])
    def test_given_params_in_the_query_the_body_or_both_then_they_are_merged(
            self, server: SandboxServer, shop: SandboxShop, layout: str) -> None:
        params = _signed(shop, {"method": "taobao.items.onsale.get", "fields": "num_iid,title"})
        assert "items_onsale_get_response" in _post(server, params, layout=layout)

    def test_given_millisecond_timestamps_no_format_and_bare_empty_keys_then_accepted(
            self, server: SandboxServer, shop: SandboxShop) -> None:
        params = {"method": "taobao.items.onsale.get", "app_key": shop.app_key, "session": shop.access_token,
                  "timestamp": str(int(time.time() * 1000)), "v": "2.0", "sign_method": "md5",
                  "fields": "num_iid", "partner_id": ""}
        joined = "".join(k + params[k] for k in sorted(params))   # signs "partner_id" with no value
        params["sign"] = hashlib.md5((shop.app_secret + joined + shop.app_secret).encode()).hexdigest().upper()
        assert _post(server, params)["items_onsale_get_response"]["total_results"] == 6

    def test_given_simplify_then_lists_come_flat_without_the_root(
            self, server: SandboxServer, shop: SandboxShop) -> None:
        body = _post(server, _signed(shop, {"method": "taobao.items.onsale.get", "fields": "num_iid",
                                            "simplify": "true"}))
        assert isinstance(body["items"], list) and body["total_results"] == 6

    def test_given_throttling_then_code_7_carries_the_ban_seconds(
            self, sandbox: TaobaoSandbox, server: SandboxServer, shop: SandboxShop) -> None:
        sandbox.faults.throttle_rate = 1.0
        error = _post(server, _signed(shop, {"method": "taobao.items.onsale.get", "fields": "num_iid"}))
        assert error["error_response"]["code"] == 7
        assert "more seconds" in error["error_response"]["sub_msg"]

    def test_given_the_oauth_token_endpoint_then_code_and_refresh_grants_answer_token_json(
            self, sandbox: TaobaoSandbox, server: SandboxServer, shop: SandboxShop) -> None:
        app = {"client_id": shop.app_key, "client_secret": shop.app_secret}
        code = sandbox.authorization_code(shop.seller_id)
        token = httpx.post(server.url + "/token", data={**app, "grant_type": "authorization_code", "code": code,
                                                        "redirect_uri": "https://oms.example.test/cb"}).json()
        assert token["taobao_user_id"] == shop.seller_id and token["expires_in"] > 0
        refreshed = httpx.post(server.url + "/token", data={**app, "grant_type": "refresh_token",
                                                            "refresh_token": token["refresh_token"]})
        assert refreshed.status_code == 200 and refreshed.json()["access_token"] != token["access_token"]
        reused = httpx.post(server.url + "/token", data={**app, "grant_type": "authorization_code", "code": code})
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    def test_given_an_oaid_when_decrypted_then_the_receiver_comes_back_in_clear(
            self, sandbox: TaobaoSandbox, server: SandboxServer, shop: SandboxShop, client: PlatformClient) -> None:
        order = client.get_order(self._awaiting(sandbox, shop, client))
        assert order.receiver is not None
        query = json.dumps([{"oaid": order.receiver.ciphertext["oaid"], "tid": order.order_no, "scene": "1002"}])
        body = _post(server, _signed(shop, {"method": "taobao.top.oaid.decrypt", "query_list": query}))
        [receiver] = body["top_oaid_decrypt_response"]["receiver_list"]["receiver"]
        assert receiver["name"].startswith(order.receiver.name_masked[0]) and "*" not in receiver["mobile"]


def _signed(shop: SandboxShop, params: dict[str, str], sign_method: str = "md5") -> dict[str, str]:
    full = {"app_key": shop.app_key, "session": shop.access_token, "v": "2.0", "format": "json",
            "sign_method": sign_method, "timestamp": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"), **params}
    full = {k: v for k, v in full.items() if v}
    full["sign"] = top_sign(full, shop.app_secret, sign_method)
    return full


def _post(server: SandboxServer, params: dict[str, str], sign: str = "", layout: str = "split") -> dict:
    params = {**params, "sign": sign} if sign else params
    system = {"method", "app_key", "session", "timestamp", "v", "format", "sign_method", "sign", "simplify"}
    if layout == "body":
        query, form = {}, params
    elif layout == "query":
        query, form = params, {}
    else:
        query = {k: v for k, v in params.items() if k in system}
        form = {k: v for k, v in params.items() if k not in system}
    return httpx.post(server.url + "/router/rest", params=query, data=form or None).json()
