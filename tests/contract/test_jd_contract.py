"""JD client against the JD sandbox: the shared contract, then JD's own flows."""
from __future__ import annotations

import dataclasses
import http.client
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus
from chalicelib.platforms.jd import client as jd_client
from chalicelib.platforms.jd.client import JdClient, create_client
from chalicelib.platforms.jd.mapping import ORDER_STATES
from chalicelib.platforms.jd.signing import format_timestamp, sign
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, NotAllowedError, NotFoundError
from chalicelib.services.platform_types import (
    SHANGHAI,
    Address,
    RejectReason,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxServer, SandboxShop
from local.sandbox.jd import JdSandbox, api_orders, create_sandbox
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, ClientFactory, PlatformContract, fast_transport

RETURN_TO = Address(province="上海", city="上海市", district="浦东新区", detail="张江路88号退货仓")


class TestJdContract(PlatformContract):
    platform = "jd"
    ship_carrier_code = "1499"   # JD takes its own delivery-company id (中通)
    track_carrier_code = "2087"  # JD's router traces JD Express parcels only

    @pytest.fixture
    def sandbox(self) -> JdSandbox:
        return create_sandbox(seed=11)

    @pytest.fixture
    def make_client(self) -> ClientFactory:
        return create_client

    @pytest.fixture
    def jd(self, client: JdClient) -> JdClient:
        return client

    # ------------------------------------------------------------ paging beyond JD's page cap
    def test_given_more_orders_than_the_page_cap_reaches_when_listed_then_the_window_is_split_and_none_lost(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(api_orders, "MAX_ORDER_PAGE", 2)
        jd.max_pages = 2
        expected = set(sandbox.generate_orders(shop.seller_id, 700, WINDOW_START, WINDOW_END))
        got = [o.order_no for o in jd.list_orders(WINDOW_START, WINDOW_END)]
        assert len(got) == len(set(got)) and set(got) == expected

    def test_given_a_window_longer_than_a_month_then_jd_refuses_it(self, jd: JdClient) -> None:
        with pytest.raises(BadRequestError):
            list(jd.list_orders(WINDOW_END - timedelta(days=40), WINDOW_END))

    # ------------------------------------------------------------ orders: receiver, ship, memo
    def test_given_an_order_then_the_receiver_is_masked_and_keeps_jd_ciphertext(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        receiver = jd.get_order(order_no).receiver
        assert receiver is not None and receiver.province and receiver.name_masked == "***"
        buyer = sandbox.shops[shop.seller_id].orders[order_no].buyer
        assert sandbox.tde.decrypt(receiver.ciphertext["fullname"]) == buyer.name
        assert buyer.name not in receiver.address_masked + receiver.name_masked

    def test_given_a_shipped_order_when_shipped_again_then_same_tracking_is_success_and_another_is_refused(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, jd)
        jd.ship(ShipRequest(order_no=order_no, carrier_code="1499", tracking_no="75000001"))
        jd.ship(ShipRequest(order_no=order_no, carrier_code="1499", tracking_no="75000001"))
        with pytest.raises(NotAllowedError):
            jd.ship(ShipRequest(order_no=order_no, carrier_code="1499", tracking_no="75999999"))
        assert jd.get_order(order_no).tracking_no == "75000001"

    def test_given_parcels_of_two_carriers_then_one_shipment_names_every_number_and_a_retry_is_success(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, jd)
        parcels = (("1499", "75000011"), ("467", "SF7500002"), ("1499", "75000013"))
        request = ShipRequest(order_no=order_no, carrier_code="1499", tracking_no="75000013", parcels=parcels)
        jd.ship(request)
        jd.ship(request)                            # a retry after a lost answer: JD shows them all shipped
        raw = jd.get_order(order_no).raw
        assert (raw["logisticsId"], raw["waybill"]) == ("1499|467", "75000011,75000013|SF7500002")
        with pytest.raises(NotAllowedError):     # no second shipment of an order: 不能出库
            jd.ship(ShipRequest(order_no=order_no, carrier_code="1499", tracking_no="75000014"))

    def test_given_a_memo_when_set_then_the_sandbox_and_the_order_show_it(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        jd.set_seller_memo(order_no, "已联系买家，周六发货", flag=1)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "已联系买家，周六发货"
        assert jd.get_order(order_no).seller_memo == "已联系买家，周六发货"

    def test_given_an_unknown_order_then_not_found(self, jd: JdClient) -> None:
        with pytest.raises(NotFoundError):
            jd.get_order("1")

    # ------------------------------------------------------------ after-sales
    def test_given_a_pre_shipment_refund_when_approved_then_refunded_and_the_order_cancelled(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, jd)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        case = self._listed(sandbox, jd, case_id)
        assert (case.type, case.status, case.order_no) == (AfterSaleType.REFUND_ONLY, AfterSaleStatus.PENDING_REVIEW,
                                                          order_no)
        assert case.refund_fen == sandbox.truth_orders(shop.seller_id)[order_no].paid_fen
        jd.approve_refund(case_id)
        jd.approve_refund(case_id)   # a retried approval is harmless
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "3"
        assert jd.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED
        assert jd.get_order(order_no).status is OrderStatus.CANCELLED
        with pytest.raises(NotAllowedError):
            jd.reject_refund(case_id, RejectReason(code="1", text="已发货"))

    def test_given_a_pre_shipment_refund_when_rejected_with_a_reason_then_the_order_awaits_shipment_again(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, jd)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        assert jd.get_order(order_no).refund_state.value == "in_progress"
        jd.reject_refund(case_id, RejectReason(code="4", text="已电话沟通客户，客户同意签收"))
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "2"
        assert jd.get_after_sale(case_id).status is AfterSaleStatus.REJECTED
        assert jd.get_order(order_no).status is OrderStatus.AWAITING_SHIPMENT
        with pytest.raises(NotAllowedError):
            jd.approve_return(case_id, RETURN_TO, "仓库王", "021-55550000")

    def test_given_a_return_when_approved_received_and_refunded_then_the_service_completes(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, self._shipped_order(sandbox, shop, jd), "return_and_refund")
        assert self._listed(sandbox, jd, case_id).type is AfterSaleType.RETURN_AND_REFUND
        with pytest.raises(NotAllowedError, match="服务单状态"):
            jd.confirm_return_received(case_id)
        jd.approve_return(case_id, RETURN_TO, "仓库王", "021-55550000")
        assert jd.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_SELLER_RECEIPT
        jd.confirm_return_received(case_id)
        jd.confirm_return_received(case_id)
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "10007"
        jd.approve_refund(case_id)
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "10010"
        assert jd.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED

    def test_given_an_exchange_when_refunded_directly_then_refused_and_when_rejected_then_closed_as_rejected(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, self._shipped_order(sandbox, shop, jd), "exchange")
        assert jd.get_after_sale(case_id).type is AfterSaleType.EXCHANGE
        with pytest.raises(NotAllowedError) as refused:
            jd.approve_refund(case_id)
        assert refused.value.code == "10200003" and "10001" in str(refused.value)
        jd.reject_refund(case_id, RejectReason(code="2", text="商品已使用，不支持换货"))
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == "10004"
        assert jd.get_after_sale(case_id).status is AfterSaleStatus.REJECTED

    @pytest.mark.parametrize(("kind", "expected"), [("refund_only", AfterSaleType.REFUND_ONLY),
                                                    ("repair", AfterSaleType.REPAIR),
                                                    ("reissue", AfterSaleType.REISSUE)])
    def test_given_each_after_sale_type_on_a_shipped_order_then_it_is_listed_with_its_type(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient, kind: str, expected: AfterSaleType) -> None:
        case_id = sandbox.request_after_sale(shop.seller_id, self._shipped_order(sandbox, shop, jd), kind)
        case = self._listed(sandbox, jd, case_id)
        assert case.type is expected and case.lines and case.raw
        if kind == "refund_only":   # a refund-only service order is refunded at review
            jd.approve_refund(case_id)
            assert jd.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED

    def test_given_more_cases_than_a_page_then_every_case_is_listed_once(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        orders = sandbox.generate_orders(shop.seller_id, 150, WINDOW_START, WINDOW_END)
        awaiting = [no for no, t in sandbox.truth_orders(shop.seller_id).items()
                    if no in orders and t.platform_status == "WAIT_SELLER_STOCK_OUT"][:70]
        shipped = [no for no, t in sandbox.truth_orders(shop.seller_id).items()
                   if t.platform_status == "WAIT_GOODS_RECEIVE_CONFIRM"][:5]
        expected = {sandbox.request_after_sale(shop.seller_id, no, "refund_only") for no in awaiting}
        expected |= {sandbox.request_after_sale(shop.seller_id, no, "return_and_refund") for no in shipped}
        now = sandbox.now()
        got = [c.case_id for c in jd.list_after_sales(now - timedelta(minutes=5), now + timedelta(minutes=1))]
        assert len(got) == len(set(got)) and set(got) == expected and len(expected) > 50

    def test_given_faults_when_writing_then_each_write_lands_once_and_retries_are_harmless(
            self, sandbox: JdSandbox, shop: SandboxShop, make_client: ClientFactory,
            credentials: ShopCredentials) -> None:
        jd = make_client(credentials, fast_transport(timeout=0.3, attempts=10))
        order_no = self._awaiting_order(sandbox, shop, jd)   # type: ignore[arg-type]
        shipped_no = self._shipped_order(sandbox, shop, jd)   # type: ignore[arg-type]
        refund = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        ret = sandbox.request_after_sale(shop.seller_id, shipped_no, "return_and_refund")
        sandbox.faults.error_rate, sandbox.faults.throttle_rate, sandbox.faults.timeout_rate = 0.2, 0.1, 0.15
        sandbox.faults.slow_seconds = 0.4
        jd.approve_refund(refund)
        jd.approve_return(ret, RETURN_TO, "仓库王", "021-55550000")
        jd.confirm_return_received(ret)
        jd.approve_refund(ret)
        jd.set_seller_memo(shipped_no, "已退货退款")
        sandbox.faults.clear()
        truth = sandbox.truth_after_sales(shop.seller_id)
        assert (truth[refund].platform_status, truth[ret].platform_status) == ("3", "10010")
        assert sandbox.truth_orders(shop.seller_id)[shipped_no].seller_memo == "已退货退款"

    # ------------------------------------------------------------ catalog, stock, carriers
    def test_given_the_catalog_then_products_list_every_sku_with_merchant_codes(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        skus = [sku for product in jd.list_products() for sku in product.skus]
        assert {s.platform_sku_id for s in skus} == set(sandbox.truth_stock(shop.seller_id))
        assert all(s.merchant_code.startswith("SKU-") and s.price_fen > 0 for s in skus)

    def test_given_a_stock_update_then_the_sandbox_holds_the_new_quantity(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        sku_id = sorted(sandbox.truth_stock(shop.seller_id))[0]
        jd.update_stock(sku_id, 42)
        assert sandbox.truth_stock(shop.seller_id)[sku_id] == 42
        with pytest.raises(NotFoundError):
            jd.update_stock("999999999", 1)

    def test_given_the_vendor_carriers_then_the_common_ids_are_among_them(self, jd: JdClient) -> None:
        codes = {c.code for c in jd.list_carriers()}
        assert {"1499", "463", "467", "2087"} <= codes

    # ------------------------------------------------------------ OAuth
    def test_given_an_authorisation_when_the_code_is_exchanged_then_the_new_token_works_and_refreshes(
            self, sandbox: JdSandbox, shop: SandboxShop, server: SandboxServer, credentials: ShopCredentials) -> None:
        client = create_client(credentials, fast_transport())
        url = client.authorize_url("https://oms.example.test/jd/callback", "shop-7")
        assert url.startswith(f"{server.url}/oauth2/to_login?") and "app_key=" in url
        redirect = httpx.get(url, follow_redirects=False)
        assert redirect.status_code == 302
        query = parse_qs(urlsplit(redirect.headers["Location"]).query)
        assert query["state"] == ["shop-7"]
        tokens = client.exchange_code(query["code"][0], "https://oms.example.test/jd/callback")
        assert tokens.access_token != shop.access_token and tokens.expires_at > datetime.now(SHANGHAI)
        renewed = create_client(_with(credentials, access_token=tokens.access_token), fast_transport())
        assert list(renewed.list_orders(WINDOW_START, WINDOW_END)) == []
        refreshed = renewed.refresh(tokens.refresh_token)
        assert refreshed.access_token != tokens.access_token and refreshed.seller_id == shop.seller_id
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            renewed.refresh(tokens.refresh_token)

    def test_given_a_used_code_or_a_wrong_secret_then_the_exchange_is_refused(
            self, credentials: ShopCredentials) -> None:
        with pytest.raises(AuthExpiredError):
            create_client(credentials, fast_transport()).exchange_code("never-issued", "https://x.test/cb")
        wrong = create_client(_with(credentials, app_secret="test-secret-not-real"), fast_transport())
        with pytest.raises(BadRequestError):
            wrong.exchange_code("never-issued", "https://x.test/cb")

    # ------------------------------------------------------------ waybills
    def test_given_a_waybill_account_when_a_waybill_is_issued_printed_and_cancelled_then_the_sandbox_follows(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        accounts = {a.carrier_code: a for a in jd.waybill_accounts()}
        assert set(accounts) == {"ZTO", "YUNDA", "JD"} and accounts["ZTO"].remaining == 500
        order_no = self._awaiting_order(sandbox, shop, jd)
        order = jd.get_order(order_no)
        assert order.receiver is not None
        request = WaybillRequest(account=accounts["ZTO"], order_nos=(order_no,), items=(("T恤", 1),),
                                 receiver=order.receiver, sender_name="仓库王", sender_phone="021-55550000")
        result = jd.get_waybill(request)
        assert jd.get_waybill(request).waybill_no == result.waybill_no   # a repeat gets the live number
        assert sandbox.truth_waybills(shop.seller_id) == {order_no: (result.waybill_no,)}
        assert isinstance(result.print_data, dict) and result.print_data["perPrintData"]
        jd.cancel_waybill("ZTO", result.waybill_no)
        jd.cancel_waybill("ZTO", result.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}

    def test_given_a_split_order_when_its_second_parcel_asks_then_it_gets_a_waybill_of_its_own(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        account = next(a for a in jd.waybill_accounts() if a.carrier_code == "ZTO")
        order_no = self._awaiting_order(sandbox, shop, jd)
        receiver = jd.get_order(order_no).receiver
        assert receiver is not None
        parcels = [WaybillRequest(account=account, order_nos=(order_no,), items=(("T恤", 1),), receiver=receiver,
                                  parcel_id=f"S0123456789ab-{n}") for n in (1, 2)]
        first, second = (jd.get_waybill(r).waybill_no for r in parcels)
        assert first != second and jd.get_waybill(parcels[1]).waybill_no == second   # each retry-safe
        assert sorted(sandbox.truth_waybills(shop.seller_id)[order_no]) == sorted((first, second))

    def test_given_no_vendor_order_code_when_a_waybill_is_asked_then_the_sandbox_refuses_as_jd_does(
            self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> None:
        from local.sandbox.jd.api_logistics import waybill_receive
        order_no = self._awaiting_order(sandbox, shop, jd)
        content = {"providerCode": "ZTO", "platformOrderNo": order_no, "vendorCode": shop.seller_id,
                   "toAddress": {"provinceName": "上海"}}
        answer = waybill_receive(sandbox, sandbox.shops[shop.seller_id], "jingdong.ldop.alpha.waybill.receive",
                                 {"content": json.dumps(content)})
        assert "vendorOrderCode" in answer.body.decode("utf-8")
        assert sandbox.truth_waybills(shop.seller_id) == {}

    # ------------------------------------------------------------ helpers
    def _shipped_order(self, sandbox: JdSandbox, shop: SandboxShop, jd: JdClient) -> str:
        order_no = self._awaiting_order(sandbox, shop, jd)
        jd.ship(ShipRequest(order_no=order_no, carrier_code="1499", tracking_no=f"75{order_no}"))
        return order_no

    def _listed(self, sandbox: JdSandbox, jd: JdClient, case_id: str):  # type: ignore[no-untyped-def]
        now = sandbox.now()
        cases = {c.case_id: c for c in jd.list_after_sales(now - timedelta(hours=1), now + timedelta(minutes=1))}
        assert jd.get_after_sale(case_id) == cases[case_id]
        return cases[case_id]


def _with(credentials: ShopCredentials, **changes: str) -> ShopCredentials:
    return dataclasses.replace(credentials, **changes)


def test_the_client_module_exposes_the_registry_factory() -> None:
    assert jd_client.create_client is create_client


# ---------------------------------------------------------------- the gateway, spoken to directly
@pytest.fixture
def gateway() -> Iterator[tuple[JdSandbox, SandboxShop, str]]:
    sandbox = create_sandbox(seed=5)
    shop = sandbox.add_shop()
    sandbox.generate_orders(shop.seller_id, 3, WINDOW_START, WINDOW_END)
    server = SandboxServer(sandbox).start()
    yield sandbox, shop, server.url
    server.stop()


def _signed(shop: SandboxShop, param_json: str, **overrides: str) -> dict[str, str]:
    params = {"method": "jingdong.pop.order.enSearch", "app_key": shop.app_key, "access_token": shop.access_token,
              "timestamp": format_timestamp(datetime.now(SHANGHAI)), "v": "2.0", "360buy_param_json": param_json,
              **overrides}
    params["sign"] = sign(params, shop.app_secret)
    return params


def _search_json(spaced: bool = False) -> str:
    body = {"start_date": "2026-11-19 16:00:00", "end_date": "2026-11-20 12:00:00", "order_state": ORDER_STATES,
            "optional_fields": "orderId,orderState", "page": "1", "page_size": "100"}
    return json.dumps(body, separators=(", ", ": ") if spaced else (",", ":"))


def _root(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    return response.json()["jingdong_pop_order_enSearch_responce"]


def test_given_a_wrong_signature_then_jd_answers_code_12(gateway: tuple[JdSandbox, SandboxShop, str]) -> None:
    _, shop, url = gateway
    params = _signed(shop, _search_json())
    params["sign"] = "0" * 32
    error = httpx.post(f"{url}/routerjson", data=params).json()["error_response"]
    assert (error["code"], error["en_desc"]) == ("12", "Invalid Signature")


@pytest.mark.parametrize(("change", "code"), [({"sign": ""}, "11"), ({"timestamp": "2020-01-01 00:00:00"}, "8"),
                                              ({"access_token": ""}, "18"), ({"access_token": "stale"}, "19"),
                                              ({"method": "jingdong.no.such"}, "15"), ({"v": ""}, "4")])
def test_given_a_broken_system_parameter_then_jd_answers_its_gateway_code(
        gateway: tuple[JdSandbox, SandboxShop, str], change: dict[str, str], code: str) -> None:
    _, shop, url = gateway
    params = _signed(shop, _search_json(), **change)
    if "sign" in change:
        params["sign"] = change["sign"]
    assert httpx.post(f"{url}/routerjson", data=params).json()["error_response"]["code"] == code


def test_given_param_json_with_spaces_then_the_signature_over_the_raw_string_is_accepted(
        gateway: tuple[JdSandbox, SandboxShop, str]) -> None:
    _, shop, url = gateway
    answer = _root(httpx.post(f"{url}/routerjson", data=_signed(shop, _search_json(spaced=True))))
    assert answer["searchorderinfo_result"]["orderTotal"] == 3


def test_given_everything_in_the_query_of_an_absolute_form_post_with_a_portless_host_then_accepted(
        gateway: tuple[JdSandbox, SandboxShop, str]) -> None:
    _, shop, url = gateway
    parts = urlsplit(url)
    params = _signed(shop, _search_json())   # no format, no sign_method: both optional
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest("POST", f"http://{parts.hostname}/routerjson?{urlencode(params)}", skip_host=True)
    connection.putheader("Host", str(parts.hostname))
    connection.putheader("Content-Length", "0")
    connection.endheaders()
    body = json.loads(connection.getresponse().read())
    connection.close()
    assert body["jingdong_pop_order_enSearch_responce"]["searchorderinfo_result"]["orderTotal"] == 3


def test_given_a_java_sdk_timestamp_with_millis_and_zone_and_a_get_request_then_accepted(
        gateway: tuple[JdSandbox, SandboxShop, str]) -> None:
    _, shop, url = gateway
    stamp = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S.000+0800")
    params = _signed(shop, _search_json(), timestamp=stamp, format="json", sign_method="md5")
    assert _root(httpx.get(f"{url}/routerjson", params=params))["searchorderinfo_result"]["orderTotal"] == 3
