"""One contract every platform client must pass against its own sandbox.

A platform's test module subclasses PlatformContract and provides two fixtures:
`sandbox` (a SandboxPlatform) and `make_client` (credentials -> PlatformClient).
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from chalicelib.domain.partial_shipping import ShipBackPlan, plan_ship_back
from chalicelib.domain.shipping import ShipBack, Shipment, ShipmentLine
from chalicelib.domain.status import ShipmentStatus
from chalicelib.platforms.http import Transport
from chalicelib.services.platform_errors import AuthExpiredError, NotAllowedError, SignatureRejectedError
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import ShipLine, ShipRequest, ShopCredentials
from local.sandbox.core import SHANGHAI, SandboxPlatform, SandboxServer, SandboxShop

WINDOW_END = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
WINDOW_START = WINDOW_END - timedelta(hours=20)

ClientFactory = Callable[[ShopCredentials, Transport], PlatformClient]


def fast_transport(timeout: float = 0.5, attempts: int = 6) -> Transport:
    return Transport(client=httpx.Client(timeout=timeout, trust_env=False), max_attempts=attempts,
                     sleep=lambda _s: None)


class PlatformContract:
    platform: str = ""
    ship_carrier_code: str = "ZTO"   # a carrier code the platform accepts; override per platform

    @pytest.fixture
    def server(self, sandbox: SandboxPlatform) -> Iterator[SandboxServer]:
        server = SandboxServer(sandbox).start()
        yield server
        server.stop()

    @pytest.fixture
    def shop(self, sandbox: SandboxPlatform) -> SandboxShop:
        return sandbox.add_shop()

    @pytest.fixture
    def credentials(self, shop: SandboxShop, server: SandboxServer) -> ShopCredentials:
        from chalicelib.domain.platform import Platform
        return ShopCredentials(platform=Platform(shop.platform), app_key=shop.app_key, app_secret=shop.app_secret,
                               access_token=shop.access_token, refresh_token=shop.refresh_token,
                               seller_id=shop.seller_id, base_url=server.url, extra=dict(shop.extra))

    @pytest.fixture
    def client(self, make_client: ClientFactory, credentials: ShopCredentials) -> PlatformClient:
        return make_client(credentials, fast_transport())

    # ------------------------------------------------------------ live stock (the reconcile reads it)
    def test_given_a_stock_push_when_the_catalog_is_read_again_then_it_reports_that_stock(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        from chalicelib.services.stock_reconcile import catalog_stock
        product = next(iter(client.list_products()))
        sku = product.skus[0]
        client.update_stock(sku.platform_sku_id, 17, product.platform_product_id)
        live = catalog_stock(client.list_products())
        assert live[sku.platform_sku_id] == 17 == sandbox.truth_stock(shop.seller_id)[sku.platform_sku_id]

    # ------------------------------------------------------------ paging
    def test_given_1000_orders_in_a_window_when_listed_then_each_comes_exactly_once(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        expected = set(sandbox.generate_orders(shop.seller_id, 1000, WINDOW_START, WINDOW_END))
        got = [o.order_no for o in _walk(client, WINDOW_START, WINDOW_END)]
        assert len(got) == len(set(got)), "an order came twice"
        assert set(got) == expected

    def test_given_orders_outside_the_window_when_listed_then_they_are_left_out(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        inside = set(sandbox.generate_orders(shop.seller_id, 30, WINDOW_START, WINDOW_END))
        sandbox.generate_orders(shop.seller_id, 10, WINDOW_END, WINDOW_END + timedelta(hours=3))
        assert {o.order_no for o in _walk(client, WINDOW_START, WINDOW_END)} == inside

    def test_given_orders_that_move_between_page_reads_then_no_unmoved_order_is_lost(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        expected = set(sandbox.generate_orders(shop.seller_id, 400, WINDOW_START, WINDOW_END))
        sandbox.faults.shift_rate = 0.5
        got = {o.order_no for o in _walk(client, WINDOW_START, WINDOW_END)}
        sandbox.faults.clear()
        truth = sandbox.truth_orders(shop.seller_id)
        unmoved = {no for no in expected if WINDOW_START <= truth[no].modified_at < WINDOW_END}
        assert unmoved <= got

    def test_given_throttling_and_5xx_when_listed_then_retried_and_no_page_lost(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        expected = set(sandbox.generate_orders(shop.seller_id, 300, WINDOW_START, WINDOW_END))
        sandbox.faults.throttle_rate = 0.15
        sandbox.faults.error_rate = 0.1
        got = {o.order_no for o in _walk(client, WINDOW_START, WINDOW_END)}
        assert got == expected

    def test_given_slow_responses_when_listed_then_timeouts_are_retried_within_the_bound(
            self, sandbox: SandboxPlatform, shop: SandboxShop, make_client: ClientFactory,
            credentials: ShopCredentials) -> None:
        expected = set(sandbox.generate_orders(shop.seller_id, 50, WINDOW_START, WINDOW_END))
        sandbox.faults.timeout_rate = 0.2
        sandbox.faults.slow_seconds = 0.6
        client = make_client(credentials, fast_transport(timeout=0.3, attempts=8))
        assert {o.order_no for o in _walk(client, WINDOW_START, WINDOW_END)} == expected

    # ------------------------------------------------------------ reads
    def test_given_an_order_when_fetched_by_number_then_lines_and_money_match(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        [order_no] = sandbox.generate_orders(shop.seller_id, 1, WINDOW_START, WINDOW_END)
        order = client.get_order(order_no)
        truth = sandbox.truth_orders(shop.seller_id)[order_no]
        assert order.order_no == order_no
        assert {line.line_id for line in order.lines} == set(truth.line_ids)
        assert order.paid_fen == truth.paid_fen
        assert order.modified_at.tzinfo is not None
        assert order.raw, "the raw payload is kept for lossless storage"

    # ------------------------------------------------------------ write-backs
    def test_given_an_awaiting_order_when_shipped_then_the_sandbox_shows_it_shipped(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, client)
        client.ship(ShipRequest(order_no=order_no, carrier_code=self.ship_carrier_code, tracking_no="SB1234567890"))
        truth = sandbox.truth_orders(shop.seller_id)[order_no]
        assert truth.tracking_no == "SB1234567890"
        assert truth.carrier_code
        from chalicelib.domain.status import OrderStatus
        assert client.get_order(order_no).status in {OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED}

    # ------------------------------------------------------------ tracking, reissue / exchange parcels
    # Where the platform's trace API covers only some carriers (JD: JD Express), the parcels tracked here go
    # by one of those; a platform with no trace API at all sets offers_tracking = False and must say so.
    track_carrier_code: str = ""
    offers_tracking: bool = True

    @property
    def parcel_carrier(self) -> str:
        return self.track_carrier_code or self.ship_carrier_code

    def test_given_a_shipped_parcel_when_tracked_then_in_transit_until_the_sandbox_delivers_it(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        order_no = self._awaiting_order(sandbox, shop, client)
        client.ship(ShipRequest(order_no=order_no, carrier_code=self.parcel_carrier, tracking_no="SB2234567890"))
        if not self.offers_tracking:
            with pytest.raises(NotAllowedError, match="offers no tracking"):
                client.track(self.parcel_carrier, "SB2234567890", order_no)
            return
        first = client.track(self.parcel_carrier, "SB2234567890", order_no)
        assert first.state == "in_transit" and first.events, first
        assert [e.at for e in first.events] == sorted((e.at for e in first.events), reverse=True)
        assert all(e.at.tzinfo is not None for e in first.events)
        assert sandbox.advance_tracking(shop.seller_id, "SB2234567890") == "delivered"  # type: ignore[attr-defined]
        done = client.track(self.parcel_carrier, "SB2234567890", order_no)
        assert done.state == "delivered" and len(done.events) == len(first.events) + 1
        assert client.track(self.parcel_carrier, "SB2234567890", order_no) == done, "stable once delivered"

    resend_kinds: tuple[str, ...] = ("reissue", "exchange")   # tried in turn; a sandbox without both skips

    def test_given_a_reissue_or_exchange_case_when_resent_then_the_sandbox_shows_the_parcel_once(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        from chalicelib.services.platform_types import ResendRequest
        order_no = self._awaiting_order(sandbox, shop, client)
        client.ship(ShipRequest(order_no=order_no, carrier_code=self.ship_carrier_code, tracking_no="SB3234567890"))
        case_id = self._resend_case(sandbox, shop, client, order_no)
        before = sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status
        request = ResendRequest(case_id=case_id, order_no=order_no, carrier_code=self.parcel_carrier,
                                tracking_no="SB4234567890")
        client.resend(request)
        after = sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status
        assert after != before, "the sandbox shows the parcel sent"
        client.resend(request)                          # a retried write is success, and changes nothing
        assert sandbox.truth_after_sales(shop.seller_id)[case_id].platform_status == after
        if self.offers_tracking:
            assert client.track(self.parcel_carrier, "SB4234567890", order_no).state == "in_transit"

    def _resend_case(self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient, order_no: str) -> str:
        """Opens a reissue (or an exchange, brought to the point where the seller sends the new goods)."""
        for kind in self.resend_kinds:
            try:
                case_id = sandbox.request_after_sale(shop.seller_id, order_no, kind)
            except (ValueError, KeyError):
                continue
            return self._ready_to_resend(sandbox, shop, client, case_id, kind)
        pytest.skip(f"{self.platform} sandbox has no reissue or exchange case")

    def _ready_to_resend(self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient, case_id: str,
                         kind: str) -> str:
        """Per platform: what must happen before the seller may send the parcel (override where needed)."""
        return case_id

    # ------------------------------------------------------------ auth
    def test_given_a_wrong_secret_then_the_signature_error_is_raised(
            self, make_client: ClientFactory, credentials: ShopCredentials) -> None:
        # every secret: some platforms sign with a separate one (Kuaishou's signSecret in extra)
        bad = dataclasses.replace(credentials, app_secret="obviously-wrong-secret",
                                  extra={k: "obviously-wrong-secret" if "secret" in k else v
                                         for k, v in credentials.extra.items()})
        with pytest.raises(SignatureRejectedError):
            list(_walk(make_client(bad, fast_transport()), WINDOW_START, WINDOW_END))

    def test_given_an_expired_token_then_auth_expired_is_raised(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        sandbox.expire_token(shop.seller_id)
        with pytest.raises(AuthExpiredError):
            list(_walk(client, WINDOW_START, WINDOW_END))

    # ------------------------------------------------------------ partial shipments (issue 17)
    def test_given_an_order_in_two_parcels_when_shipped_as_planned_then_it_ships_once_and_no_more(
            self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient) -> None:
        """The platform takes what the plan sends for each parcel (a partial call where it has one, one
        whole-order call at the last parcel where it has none) and refuses a further whole-order call."""
        from chalicelib.domain.status import OrderStatus
        order = client.get_order(self._awaiting_order(sandbox, shop, client, units=2))
        first_line = order.lines[0]
        first = _parcel(order.order_no, "PA0000000001", ((first_line.line_id, 1),))
        last = _parcel(order.order_no, "PA0000000002", tuple(
            (x.line_id, x.quantity - (1 if x.line_id == first_line.line_id else 0)) for x in order.lines))
        live = [(x.line_id, x.quantity) for x in order.lines]
        confirmed: list = []
        told: set[str] = set()
        for parcel in (first, last):
            plan = plan_ship_back(self.platform, live, confirmed, parcel)
            if plan.send:
                client.ship(_request(order.order_no, self.ship_carrier_code, parcel, plan))
                told |= {number for _, number in plan.parcels}
            confirmed.append(dataclasses.replace(parcel, status=ShipmentStatus.CONFIRMED,
                                                 ship_back=ShipBack.SENT if plan.send else ShipBack.DEFERRED))
        shipped = client.get_order(order.order_no)
        assert shipped.status in {OrderStatus.SHIPPED, OrderStatus.COMPLETED}
        assert told and all(number in json.dumps(shipped.raw, default=str) for number in told), told
        with pytest.raises(NotAllowedError):     # a second whole-order delivery, another number
            client.ship(ShipRequest(order_no=order.order_no, carrier_code=self.ship_carrier_code,
                                    tracking_no="PA0000000003"))

    # ------------------------------------------------------------ helpers
    def _awaiting_order(self, sandbox: SandboxPlatform, shop: SandboxShop, client: PlatformClient,
                        units: int = 1) -> str:
        from chalicelib.domain.status import OrderStatus, RefundState
        for order_no in sandbox.generate_orders(shop.seller_id, 60, WINDOW_START, WINDOW_END):
            order = client.get_order(order_no)
            # a locked order (buyer asked to cancel) is awaiting shipment but may not be shipped
            if order.status is OrderStatus.AWAITING_SHIPMENT and order.refund_state is RefundState.NONE \
                    and sum(x.quantity for x in order.lines) >= units:
                return order_no
        raise AssertionError(f"the sandbox generated no order awaiting shipment with {units}+ units in 60")


def _walk(client: PlatformClient, start: datetime, end: datetime) -> Iterator:
    """Splits by the client's max window, as the pull worker does."""
    cursor = start
    while cursor < end:
        stop = min(end, cursor + client.max_window)
        yield from client.list_orders(cursor, stop)
        cursor = stop


def quick_server(app: SandboxPlatform) -> Iterator[SandboxServer]:
    server = SandboxServer(app).start()
    yield server
    server.stop()


def _parcel(order_no: str, tracking_no: str, lines: tuple[tuple[str, int], ...]) -> Shipment:
    return Shipment(shipment_id=f"{order_no}-{tracking_no}", order_id=order_no, shop_id="S", carrier_code="ZTO",
                    tracking_no=tracking_no, lines=tuple(ShipmentLine(i, q) for i, q in lines if q),
                    status=ShipmentStatus.PENDING, created_at=WINDOW_END, source="test")


def _request(order_no: str, carrier: str, parcel: Shipment, plan: ShipBackPlan) -> ShipRequest:
    """What the ship-back handler builds, with the platform's carrier code for every parcel."""
    lines = tuple(ShipLine(x.line_id, x.quantity, x.completes) for x in plan.lines)
    parcels = tuple((carrier, number) for _, number in plan.parcels)
    number = parcels[0][1] if len(parcels) == 1 else parcel.tracking_no
    return ShipRequest(order_no=order_no, carrier_code=carrier, tracking_no=number,
                       line_ids=tuple(x.line_id for x in lines), lines=lines,
                       parcels=parcels if len(parcels) > 1 else ())
