"""Douyin client against the Douyin sandbox: the shared contract plus Douyin's own flows."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.douyin.client import DouyinClient, create_client
from chalicelib.platforms.douyin.mapping import CARRIERS
from chalicelib.platforms.douyin.push import ACK_BODY, verify_push
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
    ResendRequest,
    ShipRequest,
    ShopCredentials,
    WaybillRequest,
)
from local.sandbox.core import SandboxServer, SandboxShop
from local.sandbox.douyin import DouyinSandbox, create_sandbox
from tests.contract.platform_suite import PlatformContract, fast_transport

RETURN_TO = Address(province="浙江省", city="杭州市", district="余杭区", detail="文一西路969号退货仓", town="五常街道")


class TestDouyinContract(PlatformContract):
    platform = "douyin"
    ship_carrier_code = "zhongtong"

    @pytest.fixture
    def sandbox(self) -> DouyinSandbox:
        return create_sandbox(seed=11)

    @pytest.fixture
    def make_client(self):
        return create_client


# ---------------------------------------------------------------- fixtures for Douyin's own tests
# One sandbox and server per module (stopping a server costs its 0.5 s poll); every test gets its own shop.
@pytest.fixture(scope="module")
def sandbox() -> DouyinSandbox:
    return create_sandbox(seed=23)


@pytest.fixture(scope="module")
def server(sandbox: DouyinSandbox) -> Iterator[SandboxServer]:
    server = SandboxServer(sandbox).start()
    yield server
    server.stop()


@pytest.fixture
def shop(sandbox: DouyinSandbox) -> SandboxShop:
    return sandbox.add_shop()


def _credentials(shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
    from chalicelib.domain.platform import Platform
    return ShopCredentials(platform=Platform.DOUYIN, app_key=shop.app_key, app_secret=shop.app_secret,
                           access_token=shop.access_token, refresh_token=shop.refresh_token,
                           seller_id=shop.seller_id, base_url=server.url)


@pytest.fixture
def credentials(shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
    return _credentials(shop, server)


@pytest.fixture
def client(credentials: ShopCredentials) -> DouyinClient:
    return create_client(credentials, fast_transport())


@pytest.fixture
def isolated() -> Iterator[tuple[DouyinSandbox, SandboxShop, DouyinClient]]:
    """A sandbox of its own, for tests that change faults, quotas or push subscriptions."""
    sandbox = create_sandbox(seed=29)
    server = SandboxServer(sandbox).start()
    shop = sandbox.add_shop()
    yield sandbox, shop, create_client(_credentials(shop, server), fast_transport(attempts=1))
    server.stop()


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def _recent(sandbox: DouyinSandbox, shop: SandboxShop, count: int) -> list[str]:
    return sandbox.generate_orders(shop.seller_id, count, _now() - timedelta(minutes=3), _now())


def _awaiting(sandbox: DouyinSandbox, shop: SandboxShop, client: DouyinClient, lines: int = 1) -> str:
    for order_no in _recent(sandbox, shop, 40):
        order = client.get_order(order_no)
        if order.status is OrderStatus.AWAITING_SHIPMENT and len(order.lines) >= lines:
            return order_no
    raise AssertionError("no order awaiting shipment")


def _case_status(sandbox: DouyinSandbox, shop: SandboxShop, case_id: str) -> str:
    return sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status


# ---------------------------------------------------------------- presale and ship-by
def test_given_paid_orders_then_full_presales_ship_days_later_and_others_within_48_hours(sandbox, shop, client) -> None:
    orders = [client.get_order(no) for no in _recent(sandbox, shop, 40)]
    paid = [o for o in orders if o.paid_at is not None]
    presales = [o for o in paid if o.order_type == "presale"]
    assert presales and all(o.ship_by_at and o.ship_by_at - o.paid_at >= timedelta(days=7) for o in presales)
    assert all(o.ship_by_at and o.ship_by_at - o.paid_at == timedelta(hours=48)
               for o in paid if o.order_type == "normal")
    assert all(o.buyer_id for o in orders)


# ---------------------------------------------------------------- after-sales
def test_given_a_refund_request_before_shipment_when_approved_then_refunded_and_listed(sandbox, shop, client) -> None:
    order_no = _awaiting(sandbox, shop, client)
    case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
    listed = {c.case_id: c for c in client.list_after_sales(_now() - timedelta(minutes=5), _now() + timedelta(minutes=1))}
    assert listed[case_id].type is AfterSaleType.REFUND_ONLY and listed[case_id].platform_type == "2"
    assert listed[case_id].status is AfterSaleStatus.PENDING_REVIEW and listed[case_id].order_no == order_no
    assert client.get_order(order_no).refund_state is RefundState.IN_PROGRESS
    client.approve_refund(case_id)
    client.approve_refund(case_id)            # a retry after a lost answer is success, not an error
    assert _case_status(sandbox, shop, case_id) == "12"
    case = client.get_after_sale(case_id)
    assert case.status is AfterSaleStatus.REFUNDED and case.refund_fen > 0


def test_given_a_refund_request_when_rejected_with_a_reason_then_the_sandbox_shows_the_refusal(
        sandbox, shop, client) -> None:
    case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "refund_only")
    client.reject_refund(case_id, RejectReason(code="7", text="商品已打包，无法取消"))
    assert _case_status(sandbox, shop, case_id) == "27"
    assert client.get_after_sale(case_id).status is AfterSaleStatus.REJECTED


def test_given_a_return_request_then_return_goods_come_back_and_the_refund_follows(sandbox, shop, client) -> None:
    case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "return_and_refund")
    with pytest.raises(NotAllowedError, match="不允许该操作"):
        client.approve_refund(case_id)        # a return needs the goods back first: Douyin's own reason
    client.approve_return(case_id, RETURN_TO, "仓库收货组", "0571-88886666")
    assert _case_status(sandbox, shop, case_id) == "7"
    assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_RETURN
    with pytest.raises(NotAllowedError):
        client.confirm_return_received(case_id)
    sandbox.buyer_returns(shop.seller_id, case_id, "yunda", "YD1234567")
    case = client.get_after_sale(case_id)
    assert case.status is AfterSaleStatus.AWAITING_SELLER_RECEIPT and case.return_tracking_no == "YD1234567"
    client.confirm_return_received(case_id)
    assert _case_status(sandbox, shop, case_id) == "12"


def test_given_returned_goods_when_the_seller_refuses_then_second_refusal(sandbox, shop, client) -> None:
    case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "return_and_refund")
    client.approve_return(case_id, RETURN_TO, "仓库收货组", "0571-88886666")
    sandbox.buyer_returns(shop.seller_id, case_id)
    client.reject_refund(case_id, RejectReason(code="", text="退回商品已损坏"))
    assert _case_status(sandbox, shop, case_id) == "29"


def test_given_an_exchange_then_return_and_reship_lead_to_exchange_success(sandbox, shop, client) -> None:
    case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "exchange")
    assert client.get_after_sale(case_id).type is AfterSaleType.EXCHANGE
    client.approve_return(case_id, RETURN_TO, "仓库收货组", "0571-88886666")
    sandbox.buyer_returns(shop.seller_id, case_id)
    client.resend(ResendRequest(case_id, "", "zhongtong", "ZTEX0001"))
    assert _case_status(sandbox, shop, case_id) == "13"
    sandbox.buyer_receives(shop.seller_id, case_id)
    assert client.get_after_sale(case_id).status is AfterSaleStatus.RESHIPPED


def test_given_a_reissue_request_when_the_parcel_is_sent_then_awaiting_the_buyer(sandbox, shop, client) -> None:
    case_id = sandbox.request_after_sale(shop.seller_id, _awaiting(sandbox, shop, client), "reissue")
    assert client.get_after_sale(case_id).type is AfterSaleType.REISSUE
    with pytest.raises(NotAllowedError):
        client.approve_return(case_id, RETURN_TO, "仓库收货组", "0571-88886666")
    client.resend(ResendRequest(case_id, "", "yuantong", "YT0000001"))
    assert client.get_after_sale(case_id).status is AfterSaleStatus.AWAITING_BUYER_ACTION


def test_given_150_after_sales_when_listed_then_every_page_is_read_once(sandbox, shop, client) -> None:
    cases = set()
    for order_no in _recent(sandbox, shop, 400):
        if len(cases) == 150:
            break
        if sandbox.truth_orders(shop.seller_id)[order_no].platform_status in ("2", "3", "5"):
            cases.add(sandbox.request_after_sale(shop.seller_id, order_no, "refund_only"))
    got = [c.case_id for c in client.list_after_sales(_now() - timedelta(minutes=5), _now() + timedelta(minutes=1))]
    assert len(got) == len(set(got)) and set(got) == cases


def test_given_an_unknown_case_then_not_found(client) -> None:
    with pytest.raises(NotFoundError):
        client.get_after_sale("7290000000000000001")


# ---------------------------------------------------------------- orders: ship, memo, decrypt
def test_given_a_multi_line_order_when_shipped_line_by_line_then_partly_then_fully_shipped(
        sandbox, shop, client) -> None:
    order_no = _awaiting(sandbox, shop, client, lines=2)
    first, *rest = [line.line_id for line in client.get_order(order_no).lines]
    client.ship(ShipRequest(order_no, "zhongtong", "ZTP0001", line_ids=(first,)))
    client.ship(ShipRequest(order_no, "zhongtong", "ZTP0001", line_ids=(first,)))    # same request_id: no-op
    assert client.get_order(order_no).status is OrderStatus.PARTIALLY_SHIPPED
    client.ship(ShipRequest(order_no, "yunda", "YDP0002", line_ids=tuple(rest)))
    assert client.get_order(order_no).status is OrderStatus.SHIPPED


def test_given_a_shipped_order_when_shipped_again_then_same_tracking_is_success_and_other_is_refused(
        sandbox, shop, client) -> None:
    order_no = _awaiting(sandbox, shop, client)
    client.ship(ShipRequest(order_no, "zhongtong", "ZT777"))
    client.ship(ShipRequest(order_no, "zhongtong", "ZT777"))
    with pytest.raises(NotAllowedError):
        client.ship(ShipRequest(order_no, "zhongtong", "ZT888"))
    with pytest.raises(BadRequestError):
        client.ship(ShipRequest(_awaiting(sandbox, shop, client), "no-such-carrier", "X1"))


def test_given_an_unknown_order_then_not_found(client) -> None:
    with pytest.raises(NotFoundError):
        client.get_order("6999999999999999999")


def test_given_a_memo_and_flag_when_set_then_the_sandbox_and_the_order_show_them(sandbox, shop, client) -> None:
    [order_no] = _recent(sandbox, shop, 1)
    client.set_seller_memo(order_no, "加急，顺丰发", flag=5)
    assert sandbox.truth_orders(shop.seller_id)[order_no].seller_memo == "加急，顺丰发"
    order = client.get_order(order_no)
    assert (order.seller_memo, order.seller_flag) == ("加急，顺丰发", 5)
    with pytest.raises(BadRequestError):
        client.set_seller_memo(order_no, "长" * 61)


def test_given_receiver_ciphertexts_when_decrypted_then_batches_of_50_are_sent(sandbox, shop, client) -> None:
    [order_no] = _recent(sandbox, shop, 1)
    cipher = client.get_order(order_no).receiver.ciphertext
    noise = [f"##bm9pc2U{i}=#1##" for i in range(57)]
    plain = client.decrypt_receiver(order_no, [*cipher.values(), *noise])
    assert set(plain) == set(cipher.values()) and all(plain.values())
    with pytest.raises(BadRequestError):
        client.gateway.call("order.batchDecrypt", {"cipher_infos": [{"auth_id": order_no, "cipher_text": c}
                                                                    for c in noise[:51]]})


# ---------------------------------------------------------------- catalog, stock, carriers
def test_given_a_stock_update_then_the_sandbox_holds_the_new_quantity(sandbox, shop, client) -> None:
    product = next(iter(client.list_products()))
    sku = product.skus[0]
    client.update_stock(sku.platform_sku_id, 77, product.platform_product_id)
    client.update_stock(sku.platform_sku_id, 77, product.platform_product_id)
    assert sandbox.truth_stock(shop.seller_id)[sku.platform_sku_id] == 77
    with pytest.raises(NotFoundError):
        client.update_stock("1", 5)


def test_given_the_catalog_when_listed_then_every_sku_with_code_and_stock_comes(sandbox, shop, client) -> None:
    skus = {s.platform_sku_id: s for p in client.list_products() for s in p.skus}
    assert {k: s.stock for k, s in skus.items()} == sandbox.truth_stock(shop.seller_id)
    assert all(s.merchant_code.startswith("SKU-") and s.price_fen > 0 for s in skus.values())
    assert all(s.image_url.startswith("https://p3-aio.ecombdimg.com/") for s in skus.values())   # product's img


def test_given_the_carrier_list_then_every_mapped_carrier_is_in_it(client) -> None:
    codes = {c.code for c in client.list_carriers()}
    assert set(CARRIERS.values()) <= codes


# ---------------------------------------------------------------- OAuth
def test_given_the_authorise_page_when_the_code_is_exchanged_then_the_new_token_works(
        sandbox, shop, client, credentials) -> None:
    url = client.authorize_url("https://oms.example/cb/douyin", "state-42")
    answer = httpx.get(url, follow_redirects=False, trust_env=False)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["state-42"]
    tokens = client.exchange_code(query["code"][0], "https://oms.example/cb/douyin")
    assert tokens.seller_id == shop.seller_id and tokens.expires_at > _now() + timedelta(days=6)
    fresh = create_client(dataclasses.replace(credentials, access_token=tokens.access_token), fast_transport())
    assert fresh.list_carriers()
    with pytest.raises(AuthExpiredError):
        client.exchange_code(query["code"][0], "https://oms.example/cb/douyin")      # a code is single-use


def test_given_a_self_built_app_when_the_token_is_created_from_the_shop_id_then_it_works(
        client, credentials) -> None:
    tokens = client.exchange_code("", "")
    fresh = create_client(dataclasses.replace(credentials, access_token=tokens.access_token), fast_transport())
    assert fresh.list_carriers()


def test_given_a_refresh_token_when_refreshed_then_a_new_pair_and_the_old_refresh_token_is_spent(
        sandbox, shop, client) -> None:
    tokens = client.refresh(shop.refresh_token)
    assert tokens.access_token != shop.access_token and tokens.refresh_token
    assert client.list_carriers()
    with pytest.raises(AuthExpiredError):
        client.refresh(shop.refresh_token)


def test_given_a_dead_refresh_token_when_refreshed_then_auth_expired(sandbox, shop, client) -> None:
    sandbox.kill_refresh_token(shop.seller_id)
    with pytest.raises(AuthExpiredError):
        client.refresh(shop.refresh_token)


# ---------------------------------------------------------------- e-waybills
def test_given_a_waybill_account_then_numbers_are_issued_once_printed_and_cancelled(sandbox, shop, client) -> None:
    accounts = client.waybill_accounts()
    assert {a.carrier_code for a in accounts} == {"zhongtong", "yuantong"}
    account = accounts[0]
    order_no = _awaiting(sandbox, shop, client)
    receiver = client.get_order(order_no).receiver
    request = WaybillRequest(account=account, order_nos=(order_no,), items=(("纯棉短袖T恤", 1),),
                             receiver=receiver, template_url="https://sandbox/template/zhongtong76x130",
                             sender_name="发货仓", sender_phone="0571-88880000")
    result = client.get_waybill(request)
    assert sandbox.truth_waybills(shop.seller_id)[result.waybill_no] == (order_no,)
    assert isinstance(result.print_data, dict) and result.print_data["encryptedData"] and result.print_data["signature"]
    assert client.get_waybill(request).waybill_no == result.waybill_no     # a retry does not burn a number
    client.cancel_waybill(account.carrier_code, result.waybill_no)
    client.cancel_waybill(account.carrier_code, result.waybill_no)
    assert result.waybill_no not in sandbox.truth_waybills(shop.seller_id)


# ---------------------------------------------------------------- the gateway, straight
def _raw_call(server: SandboxServer, shop: SandboxShop, method: str, body: str, *, timestamp: str | None = None,
              sign_over: str | None = None, sign_method: str | None = "hmac-sha256", secret: str | None = None,
              headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A third, hand-rolled client: signs like the reference says, sends like other SDKs do."""
    ts = timestamp or str(int(time.time()))
    key = secret or shop.app_secret
    plain = f"{key}app_key{shop.app_key}method{method}param_json{sign_over or body}timestamp{ts}v2{key}".encode()
    sign = (hmac.new(key.encode(), plain, hashlib.sha256).hexdigest() if sign_method == "hmac-sha256"
            else hashlib.md5(plain).hexdigest())
    query = {"app_key": shop.app_key, "method": method, "timestamp": ts, "v": "2", "sign": sign,
             "access_token": shop.access_token}
    if sign_method:
        query["sign_method"] = sign_method
    answer = httpx.post(f"{server.url}/{method.replace('.', '/')}", params=query, content=body.encode(),
                        headers={"x-open-no-old-err-code": "1", **(headers or {})}, trust_env=False)
    return answer.json()


def test_given_a_wrong_signature_sent_straight_then_the_platform_signature_code_comes_back(server, shop) -> None:
    answer = _raw_call(server, shop, "order.logisticsCompanyList", "{}", secret="obviously-wrong-secret")
    assert (answer["code"], answer["sub_code"]) == (40003, "isv.signature-invalid")


def test_given_a_stale_timestamp_then_the_timestamp_code_comes_back(server, shop) -> None:
    answer = _raw_call(server, shop, "order.logisticsCompanyList", "{}", timestamp=str(int(time.time()) - 3600))
    assert (answer["code"], answer["sub_code"]) == (40003, "isv.timestamp-invalid")


def _shanghai_wall_clock() -> str:
    return _now().strftime("%Y-%m-%d %H:%M:%S")


TOLERATED = {
    "unsorted keys, unicode escaped": ('{"size":1,"remark":"\\u6c49","page":0}', None, {}),
    "java sdk: sorted html-escaped sign, unsorted body": ('{"b":"<x>","a":1}', '{"a":1,"b":"\\u003cx\\u003e"}', {}),
    "typed sdk omits false": ('{"page":0}', None, {}),
    "python escapes of \\b and \\f": ('{"s":"a\\bb\\fc"}', None, {}),
    "milliseconds timestamp": ("{}", None, {"timestamp": str(int(time.time() * 1000))}),
    "legacy wall-clock timestamp": ("{}", None, {"timestamp": "wall"}),
    "md5 without sign_method": ("{}", None, {"sign_method": None}),
    "spaces in the body": ('{ "page": 0 }', None, {}),
}


@pytest.mark.parametrize("case", list(TOLERATED), ids=list(TOLERATED))
def test_given_what_real_clients_send_then_the_sandbox_accepts_it(server, shop, case: str) -> None:
    body, sign_over, options = TOLERATED[case]
    if options.get("timestamp") == "wall":
        options = {"timestamp": _shanghai_wall_clock()}
    answer = _raw_call(server, shop, "order.logisticsCompanyList", body, sign_over=sign_over, **options)
    assert answer["code"] == 10000, answer


def test_given_no_new_error_header_then_the_legacy_fields_come_too(server, shop) -> None:
    answer = _raw_call(server, shop, "order.logisticsCompanyList", "{}", headers={"x-open-no-old-err-code": "0"})
    assert (answer["code"], answer["err_no"]) == (10000, 0)


def test_given_a_per_app_quota_when_exceeded_then_rate_limited(isolated) -> None:
    sandbox, _, client = isolated
    sandbox.qps_limit = 1
    with pytest.raises(RateLimitedError) as limited:
        for _ in range(5):
            client.list_carriers()
    assert limited.value.code == "60000"


# ---------------------------------------------------------------- pushes
class _Receiver:
    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        received = self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append((dict(self.headers.items()),
                                 self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Length", str(len(ACK_BODY)))
                self.end_headers()
                self.wfile.write(ACK_BODY)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks/douyin"


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    receiver = _Receiver()
    yield receiver
    receiver.httpd.shutdown()


def _verified(receiver: _Receiver, shop: SandboxShop) -> list:
    return [event for headers, body in receiver.got
            for event in verify_push(headers, body, shop.app_key, shop.app_secret, _now())]


def test_given_a_subscription_when_orders_change_then_signed_pushes_arrive_and_verify(isolated, receiver) -> None:
    sandbox, shop, client = isolated
    sandbox.subscribe(receiver.url)
    order_no = _awaiting(sandbox, shop, client)
    client.ship(ShipRequest(order_no, "zhongtong", "ZTPUSH1"))
    case_id = sandbox.request_after_sale(shop.seller_id, order_no, "refund_only")
    assert sandbox.flush_pushes()
    events = _verified(receiver, shop)
    assert len(events) == len(receiver.got) >= 40
    assert ("102", order_no) in {(e.event_type, e.order_no) for e in events}
    assert any(e.kind == "after_sale" and e.case_id == case_id for e in events)
    assert {e.seller_id for e in events} == {shop.seller_id}


def test_given_duplicate_and_reordered_delivery_then_every_push_still_verifies(isolated, receiver) -> None:
    sandbox, shop, _ = isolated
    sandbox.faults.push_duplicate_rate = 1.0
    sandbox.faults.push_reorder = True
    sandbox.pushes.sign_method = "hmac-sha256"
    sandbox.subscribe(receiver.url)
    made = _recent(sandbox, shop, 12)
    assert sandbox.flush_pushes()
    events = _verified(receiver, shop)
    assert len(events) == 24 and {e.order_no for e in events} == set(made)
    assert len({e.message_id for e in events}) == 12           # duplicates carry the same msg_id
    assert [e.order_no for e in events][::2] != made           # delivered out of order


def test_given_a_push_from_the_sandbox_when_verified_with_another_secret_then_rejected(isolated, receiver) -> None:
    sandbox, shop, _ = isolated
    from chalicelib.services.platform_errors import PushRejectedError
    sandbox.subscribe(receiver.url)
    _recent(sandbox, shop, 1)
    assert sandbox.flush_pushes()
    headers, body = receiver.got[0]
    with pytest.raises(PushRejectedError):
        verify_push(headers, body, shop.app_key, "obviously-wrong-secret", _now())
    assert json.loads(body)[0]["tag"] in {"100", "101", "102", "103", "106"}
