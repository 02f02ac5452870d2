"""The platform contract, plus Kuaishou's own flows, against the Kuaishou sandbox."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus
from chalicelib.platforms.kuaishou import mapping
from chalicelib.platforms.kuaishou.client import KuaishouClient, create_client
from chalicelib.platforms.kuaishou.push import verify_push
from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    NotAllowedError,
    NotFoundError,
    SignatureRejectedError,
)
from chalicelib.services.platform_types import (
    SHANGHAI,
    Address,
    CanonicalReceiver,
    RejectReason,
    ShipLine,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxRequest, SandboxResponse, SandboxServer, SandboxShop
from local.sandbox.kuaishou import KuaishouSandbox, create_sandbox
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, PlatformContract, fast_transport

RETURN_ADDRESS = Address(province="上海市", city="上海市", district="浦东新区", detail="博云路2号")


class TestKuaishouContract(PlatformContract):
    platform = "kuaishou"
    ship_carrier_code = mapping.CARRIERS["ZTO"]
    offers_tracking = False          # no route query for sellers (see KuaishouClient.track)
    resend_kinds = ("exchange",)     # Kuaishou documents no reissue case

    @pytest.fixture
    def sandbox(self) -> KuaishouSandbox:
        return create_sandbox(seed=11)

    @pytest.fixture
    def make_client(self):
        return create_client

    def _ready_to_resend(self, sandbox, shop, client, case_id: str, kind: str) -> str:
        """An exchange sends the new goods once the old are back: approve the return, the buyer ships it."""
        client.approve_return(case_id, RETURN_ADDRESS, "售后组", "13800000000")
        sandbox.buyer_returns_goods(shop.seller_id, case_id)
        return case_id


# ---------------------------------------------------------------- Kuaishou's own flows
@pytest.fixture(scope="module")
def world() -> KuaishouSandbox:
    return create_sandbox(seed=5)


@pytest.fixture
def sandbox(world: KuaishouSandbox):
    yield world
    world.faults.clear()
    world.subscribe("")


@pytest.fixture(scope="module")
def server(world: KuaishouSandbox):
    server = SandboxServer(world).start()
    yield server
    server.stop()


@pytest.fixture
def shop(sandbox: KuaishouSandbox) -> SandboxShop:
    return sandbox.add_shop()


@pytest.fixture
def creds(shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
    from chalicelib.domain.platform import Platform

    return ShopCredentials(
        platform=Platform.KUAISHOU,
        app_key=shop.app_key,
        app_secret=shop.app_secret,
        access_token=shop.access_token,
        refresh_token=shop.refresh_token,
        seller_id=shop.seller_id,
        base_url=server.url,
        extra=dict(shop.extra),
    )


@pytest.fixture
def client(creds: ShopCredentials) -> KuaishouClient:
    return create_client(creds, fast_transport())


def paid_order(sandbox: KuaishouSandbox, shop: SandboxShop, client: KuaishouClient) -> str:
    for order_no in sandbox.generate_orders(shop.seller_id, 30, WINDOW_START, WINDOW_END):
        if client.get_order(order_no).status is OrderStatus.AWAITING_SHIPMENT:
            return order_no
    raise AssertionError("no paid order generated")


def state(sandbox: KuaishouSandbox, shop: SandboxShop, case_id: str) -> str:
    return sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status


class TestAfterSales:
    def test_given_a_refund_only_request_when_listed_and_approved_then_the_sandbox_shows_it_refunded(
        self, sandbox, shop, client
    ) -> None:
        order_no = paid_order(sandbox, shop, client)
        start = datetime.now(SHANGHAI) - timedelta(minutes=1)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        listed = {c.case_id: c for c in client.list_after_sales(start, start + timedelta(minutes=5))}
        assert listed[case_id].type is AfterSaleType.REFUND_ONLY
        assert listed[case_id].status is AfterSaleStatus.PENDING_REVIEW
        assert listed[case_id].order_no == order_no
        client.approve_refund(case_id)
        assert state(sandbox, shop, case_id) == "60"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REFUNDED
        assert client.get_order(order_no).status is OrderStatus.CANCELLED
        client.approve_refund(case_id)  # a retried approval is a success

    def test_given_a_return_request_when_return_approved_received_then_refunded(self, sandbox, shop, client) -> None:
        order_no = paid_order(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "return_and_refund")
        assert client.get_after_sale(case_id).type is AfterSaleType.RETURN_AND_REFUND
        client.approve_return(case_id, RETURN_ADDRESS, "王仓管", "13800000000")
        assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_RETURN
        sandbox.buyer_returns_goods(shop.seller_id, case_id, "SF1300000000009")
        case = client.get_after_sale(case_id)
        assert case.status is AfterSaleStatus.AWAITING_SELLER_RECEIPT
        assert case.return_tracking_no == "SF1300000000009"
        client.confirm_return_received(case_id)
        assert state(sandbox, shop, case_id) == "60"

    def test_given_a_request_when_rejected_with_a_reason_then_the_seller_refused_state_shows(
        self, sandbox, shop, client
    ) -> None:
        order_no = paid_order(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        reasons = client.reject_reasons(case_id)
        client.reject_refund(case_id, RejectReason(code=reasons[2].code, text="已与买家协商"))
        assert state(sandbox, shop, case_id) == "12"
        assert client.get_after_sale(case_id).status is AfterSaleStatus.REJECTED

    def test_given_a_return_not_yet_sent_back_when_receipt_confirmed_then_not_allowed(
        self, sandbox, shop, client
    ) -> None:
        order_no = paid_order(sandbox, shop, client)
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "return_and_refund")
        with pytest.raises(NotAllowedError) as refused:
            client.confirm_return_received(case_id)
        assert refused.value.code == "32"
        with pytest.raises(NotAllowedError):
            client.approve_refund(case_id)  # a return case needs the goods back first

    def test_given_an_open_refund_when_the_order_is_shipped_then_not_allowed(self, sandbox, shop, client) -> None:
        order_no = paid_order(sandbox, shop, client)
        sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        with pytest.raises(NotAllowedError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="2", tracking_no="ZT100"))


class TestOrdersAndCatalog:
    def test_given_a_shipped_order_when_shipped_again_with_the_same_number_then_success(
        self, sandbox, shop, client
    ) -> None:
        order_no = paid_order(sandbox, shop, client)
        request = ShipRequest(order_no=order_no, carrier_code="2", tracking_no="ZT7788")
        client.ship(request)
        client.ship(request)
        with pytest.raises(NotAllowedError):
            client.ship(dataclasses.replace(request, tracking_no="ZT0000"))
        order = client.get_order(order_no)
        assert (order.status, order.tracking_no, order.carrier_code) == (OrderStatus.SHIPPED, "ZT7788", "2")

    def test_given_an_unknown_order_then_not_found(self, client) -> None:
        with pytest.raises(NotFoundError):
            client.get_order("1")

    def test_given_a_memo_when_set_then_the_sandbox_and_the_order_show_it(self, sandbox, shop, client) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        client.set_seller_memo(order_no, "加急 送赠品", flag=1)
        assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "加急 送赠品"
        order = client.get_order(order_no)
        assert (order.seller_memo, order.seller_flag) == ("加急 送赠品", 1)

    def test_given_an_order_then_the_receiver_is_masked_and_keeps_the_ciphertext(self, sandbox, shop, client) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        receiver = client.get_order(order_no).receiver
        assert receiver is not None and "*" in receiver.name_masked and "****" in receiver.phone_masked
        assert set(receiver.ciphertext) == {"encryptedConsignee", "encryptedMobile", "encryptedAddress"}

    def test_given_paid_orders_then_presales_ship_days_later_and_others_within_48_hours(
        self, sandbox, shop, client
    ) -> None:
        orders = [client.get_order(no) for no in sandbox.generate_orders(shop.seller_id, 40, WINDOW_START, WINDOW_END)]
        paid = [o for o in orders if o.paid_at is not None]
        presales = [o for o in paid if o.order_type == "presale"]
        assert presales and all(o.ship_by_at and o.ship_by_at - o.paid_at >= timedelta(days=7) for o in presales)
        assert all(o.ship_by_at and o.ship_by_at - o.paid_at == timedelta(hours=48)
                   for o in paid if o.order_type == "normal")
        assert all(o.buyer_id.startswith("f1") for o in orders)

    def test_given_products_when_listed_and_stock_set_then_the_sandbox_holds_the_absolute_value(
        self, sandbox, shop, client
    ) -> None:
        products = list(client.list_products())
        skus = [sku for p in products for sku in p.skus]
        assert len(products) == 6 and all(sku.merchant_code.startswith("SKU-") for sku in skus)
        assert all(sku.image_url.startswith("https://") for sku in skus)
        first, second = skus[0], skus[1]
        client.update_stock(first.platform_sku_id, first.stock + 7, first.platform_product_id)
        client.update_stock(second.platform_sku_id, 0)  # no product id: found through the list
        truth = sandbox.truth_stock(shop.seller_id)
        assert truth[first.platform_sku_id] == first.stock + 7
        assert truth[second.platform_sku_id] == 0

    def test_given_the_carrier_table_then_every_common_code_is_a_listed_carrier(self, client) -> None:
        listed = {c.code for c in client.list_carriers()}
        assert set(mapping.CARRIERS.values()) <= listed


class TestOAuth:
    def test_given_the_authorize_url_when_followed_then_the_code_exchanges_and_the_refresh_rotates(
        self, client, creds
    ) -> None:
        url = client.authorize_url("https://oms.example/cb", "shop-9")
        redirect = httpx.get(url, follow_redirects=False)
        query = dict(httpx.URL(redirect.headers["location"]).params)
        assert query["state"] == "shop-9"
        tokens = client.exchange_code(query["code"], "https://oms.example/cb")
        assert tokens.refresh_token and tokens.expires_at - datetime.now(SHANGHAI) > timedelta(hours=47)
        with pytest.raises(AuthExpiredError):
            client.exchange_code(query["code"], "https://oms.example/cb")  # a code is good once
        rotated = client.refresh(tokens.refresh_token)
        assert rotated.refresh_token != tokens.refresh_token
        assert rotated.refresh_expires_at is not None
        fresh = create_client(dataclasses.replace(creds, access_token=rotated.access_token), fast_transport())
        list(fresh.list_orders(WINDOW_START, WINDOW_END))

    def test_given_a_killed_refresh_token_then_auth_expired(self, sandbox, shop, client) -> None:
        sandbox.kill_refresh_token(shop.seller_id)
        with pytest.raises(AuthExpiredError) as dead:
            client.refresh(shop.refresh_token)
        assert dead.value.code == "100200102"

    def test_given_a_wrong_app_secret_then_oauth_refuses_the_client(self, creds) -> None:
        bad = create_client(dataclasses.replace(creds, app_secret="obviously-wrong-secret"), fast_transport())
        with pytest.raises(SignatureRejectedError):
            bad.refresh(creds.refresh_token)


class TestWaybills:
    def test_given_an_account_when_a_waybill_is_issued_retried_and_cancelled_then_the_sandbox_follows(
        self, sandbox, shop, client
    ) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        accounts = client.waybill_accounts()
        assert {a.carrier_code for a in accounts} == {"ZTO", "YTO"}
        receiver = client.get_order(order_no).receiver
        assert isinstance(receiver, CanonicalReceiver)
        request = WaybillRequest(
            account=accounts[0],
            order_nos=(order_no,),
            items=(("T恤", 1),),
            receiver=receiver,
            sender_name="王仓管",
            sender_phone="13800000000",
        )
        issued = client.get_waybill(request)
        assert client.get_waybill(request).waybill_no == issued.waybill_no  # requestId is idempotent
        assert set(issued.print_data) >= {"encryptedData", "signature", "key", "templateURL"}
        assert sandbox.truth_waybills(shop.seller_id) == {issued.waybill_no: (order_no,)}
        client.cancel_waybill("ZTO", issued.waybill_no)
        assert sandbox.truth_waybills(shop.seller_id) == {}
        with pytest.raises(NotFoundError):
            client.cancel_waybill("ZTO", issued.waybill_no)


# ---------------------------------------------------------------- the wire, straight to the sandbox
def raw_call(
    sandbox: KuaishouSandbox,
    shop: SandboxShop,
    *,
    sign: str | None = None,
    as_form: bool = False,
    sign_method: str = "MD5",
    **overrides: str,
) -> dict:
    from local.sandbox.kuaishou.signing import expected_sign

    params = {
        "appkey": shop.app_key,
        "method": "open.item.list.get",
        "version": "1",
        "param": '{"pageSize": 10, "pageNumber": 1}',
        "access_token": shop.access_token,
        "timestamp": str(int(time.time() * 1000)),
        "signMethod": sign_method,
        **overrides,
    }
    params["sign"] = sign if sign is not None else expected_sign(params, shop.extra["sign_secret"])
    body = urlencode(params) if as_form else ""
    query = "" if as_form else str(httpx.QueryParams(params))
    request = SandboxRequest(
        method="POST" if as_form else "GET",
        path="/open/item/list/get",
        raw_query=query,
        query=dict(httpx.QueryParams(query)),
        body=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"} if as_form else {},
    )
    response: SandboxResponse = sandbox.handle(request)
    return json.loads(response.body)


class TestWire:
    def test_given_a_wrong_signature_then_the_gateway_answers_result_27(self, sandbox, shop) -> None:
        assert raw_call(sandbox, shop, sign="0" * 32)["result"] == 27

    def test_given_an_unknown_app_key_then_result_28(self, sandbox, shop) -> None:
        assert raw_call(sandbox, shop, appkey="ks000")["result"] == 28

    def test_given_a_stale_timestamp_then_refused(self, sandbox, shop) -> None:
        assert raw_call(sandbox, shop, timestamp=str(int(time.time() * 1000) - 3_600_000))["result"] != 1

    @pytest.mark.parametrize("method", ["MD5", "HMAC_SHA256"])
    def test_given_either_sign_method_in_query_or_form_then_accepted(self, sandbox, shop, method) -> None:
        assert raw_call(sandbox, shop, sign_method=method)["result"] == 1
        assert raw_call(sandbox, shop, sign_method=method, as_form=True)["result"] == 1

    def test_given_an_upper_case_md5_then_accepted(self, sandbox, shop) -> None:
        from local.sandbox.kuaishou.signing import expected_sign

        params = {
            "appkey": shop.app_key,
            "method": "open.item.list.get",
            "version": "1",
            "param": '{"pageSize": 10, "pageNumber": 1}',
            "access_token": shop.access_token,
            "timestamp": str(int(time.time() * 1000)),
            "signMethod": "MD5",
        }
        assert (
            raw_call(
                sandbox,
                shop,
                sign=expected_sign(params, shop.extra["sign_secret"]).upper(),
                timestamp=params["timestamp"],
            )["result"]
            == 1
        )

    def test_given_a_business_param_with_chinese_then_signed_over_utf8(self, sandbox, shop) -> None:
        assert raw_call(sandbox, shop, param='{"pageSize":10,"title":"短袖"}')["result"] == 1

    def test_given_a_throttle_fault_then_result_15_in_the_envelope(self, sandbox, shop) -> None:
        sandbox.faults.throttle_rate = 1.0
        assert raw_call(sandbox, shop) == {"result": 15, "error_msg": "API调用频率超限，请稍后重试"}

    def test_given_a_bad_carrier_code_then_bad_request(self, sandbox, shop, client) -> None:
        order_no = paid_order(sandbox, shop, client)
        with pytest.raises(BadRequestError):
            client.ship(ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no="X1"))


# ---------------------------------------------------------------- pushes
class Collector:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        self.bodies.append(request.body)
        return SandboxResponse.json({"result": 1})


class TestPush:
    def test_given_a_subscriber_with_duplicate_and_reorder_faults_then_every_event_verifies_once_by_id(
        self, sandbox, shop, client
    ) -> None:
        collector = Collector()
        receiver = SandboxServer(collector).start()
        order_no = paid_order(sandbox, shop, client)
        try:
            sandbox.subscribe(receiver.url + "/push/kuaishou")
            sandbox.generate_orders(shop.seller_id, 3, WINDOW_START, WINDOW_END)
            client.ship(ShipRequest(order_no=order_no, carrier_code="2", tracking_no="ZT42"))
            sandbox.faults.push_duplicate_rate, sandbox.faults.push_reorder = 0.5, True
            statuses = sandbox.deliver_pushes()
        finally:
            receiver.stop()
        assert statuses and set(statuses) == {200}
        now = datetime.now(SHANGHAI)
        events = [
            e
            for body in collector.bodies
            for e in verify_push({}, body, shop.extra["message_key"], now=now, app_key=shop.app_key)
        ]
        assert len(events) == len(collector.bodies) > len({e.message_id for e in events})
        shipped = [e for e in events if e.event_type == "kwaishop_order_delivering"]
        assert {e.order_no for e in shipped} == {order_no}
        assert all(e.seller_id == shop.seller_id for e in events)

    def test_given_an_after_sale_push_then_it_names_the_case(self, sandbox, shop, client) -> None:
        order_no = paid_order(sandbox, shop, client)
        sandbox.subscribe("http://127.0.0.1:9/unused")
        case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
        [body] = sandbox.outbox.take(sandbox.faults)
        [event] = verify_push({}, body, shop.extra["message_key"], now=datetime.now(SHANGHAI))
        assert (event.kind, event.case_id, event.order_no) == ("after_sale", case_id, order_no)


class TestSplitDelivery:
    """open.order.goods.split.deliver (issue 17): parcels by units, the order ships with the last unit."""

    def _order(self, sandbox, shop, client, units: int = 2):
        for order_no in sandbox.generate_orders(shop.seller_id, 60, WINDOW_START, WINDOW_END):
            order = client.get_order(order_no)
            if order.status is OrderStatus.AWAITING_SHIPMENT and order.lines[0].quantity >= units:
                return order
        raise AssertionError(f"no paid order with {units}+ units generated")

    def _parcel(self, order, number: str, units: int, completes: bool) -> ShipRequest:
        line = order.lines[0]
        return ShipRequest(order_no=order.order_no, carrier_code=mapping.CARRIERS["ZTO"], tracking_no=number,
                           line_ids=(line.line_id,), lines=(ShipLine(line.line_id, units, completes),))

    def test_given_one_unit_of_two_then_still_awaiting_and_the_rest_ships_it(self, sandbox, shop, client) -> None:
        order = self._order(sandbox, shop, client)
        client.ship(self._parcel(order, "KS00000001", 1, False))
        client.ship(self._parcel(order, "KS00000001", 1, False))      # a retry: success, nothing twice
        assert client.get_order(order.order_no).status is OrderStatus.AWAITING_SHIPMENT
        client.ship(self._parcel(order, "KS00000002", order.lines[0].quantity - 1, True))
        shipped = client.get_order(order.order_no)
        assert shipped.status is OrderStatus.SHIPPED
        assert [x["expressNo"] for x in shipped.raw["orderLogisticsInfo"]] == ["KS00000001", "KS00000002"]

    def test_given_more_units_than_ordered_or_a_shipped_order_then_refused(self, sandbox, shop, client) -> None:
        order = self._order(sandbox, shop, client)
        with pytest.raises(BadRequestError):
            client.ship(self._parcel(order, "KS00000003", order.lines[0].quantity + 1, True))
        client.ship(ShipRequest(order_no=order.order_no, carrier_code=mapping.CARRIERS["ZTO"],
                                tracking_no="KS00000004"))
        with pytest.raises(NotAllowedError):       # a parcel after the whole-order delivery: [32]
            client.ship(self._parcel(order, "KS00000005", 1, True))
