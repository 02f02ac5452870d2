"""Token refresh under faults (issue 17.9): only the platform's documented credential errors park a shop as
reauth_needed. A wrong base URL (WeChat's 40066 for an unknown path, a 404 page, a refused connection) or
an outage (5xx, system busy) is transient: retried by the transport, a FAILED refresh the next tick
retries, and a sync error in the pulls, while the shop stays active. Against the WeChat sandbox with
injected faults; the other platforms' refreshes against a local server answering what a wrong URL does."""
from __future__ import annotations

import dataclasses
import http.server
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ShopStatus
from chalicelib.platforms import registry
from chalicelib.platforms.registry import client_for
from chalicelib.platforms.wechat.client import create_client
from chalicelib.services.platform_errors import AuthExpiredError, PlatformError, SignatureRejectedError, TransientError
from chalicelib.services.platform_types import ShopCredentials
from chalicelib.services.shop_admin import AppMode, add_shop
from chalicelib.services.tokens import Refresh, refresh_shop
from local.sandbox.core import SandboxServer, SandboxShop
from local.sandbox.wechat import WechatSandbox, create_sandbox
from tests import fakes
from tests.contract.platform_suite import WINDOW_END, WINDOW_START, fast_transport
from tests.factories import T0

REFUSED = "http://127.0.0.1:9"     # the discard port: nothing listens, the connection is refused


@pytest.fixture
def sandbox() -> WechatSandbox:
    return create_sandbox(seed=17)


@pytest.fixture
def server(sandbox: WechatSandbox) -> Iterator[SandboxServer]:
    server = SandboxServer(sandbox).start()
    yield server
    server.stop()


@pytest.fixture
def wx_shop(sandbox: WechatSandbox) -> SandboxShop:
    return sandbox.add_shop()


def park_test(shop: SandboxShop, base_url: str, attempts: int = 3,
              reasons: list[str] | None = None) -> Callable[[], tuple[Refresh, ShopStatus]]:
    """A scheduled refresh of one WeChat shop through the real service, its client aimed at `base_url`
    (each run's status_reason goes into `reasons`)."""
    shops, clock = fakes.InMemoryShopRepository(), fakes.FixedClock(T0)
    stored = add_shop(shops, registry, name="微信店", platform=Platform.WECHAT, mode=AppMode.SELF_BUILT, app_key=shop.app_key,
                      app_secret=shop.app_secret, seller_id=shop.seller_id, base_url=base_url,
                      token_expires_at=T0 + timedelta(minutes=5), extra=dict(shop.extra))
    credentials = wechat_credentials(shop, base_url)

    def run() -> tuple[Refresh, ShopStatus]:
        outcome = refresh_shop(shops, lambda _s: create_client(credentials, fast_transport(attempts=attempts)),
                               registry, fakes.InMemoryShopLeases(clock), clock, stored.shop_id)
        after = shops.get(stored.shop_id)
        (reasons if reasons is not None else []).append(after.status_reason)
        return outcome, after.status
    return run


def wechat_credentials(shop: SandboxShop, base_url: str, secret: str = "") -> ShopCredentials:
    return ShopCredentials(platform=Platform.WECHAT, app_key=shop.app_key, app_secret=secret or shop.app_secret,
                           seller_id=shop.seller_id, base_url=base_url, extra=dict(shop.extra))


# ------------------------------------------------------------ WeChat: not credentials, so not reauth
@pytest.mark.parametrize("wrong", ["/not-wechat", "/cgi-bin", REFUSED])
def test_given_a_wrong_base_url_when_the_token_is_refreshed_then_failed_not_reauth_and_pulls_see_a_sync_error(
        server, wx_shop, wrong) -> None:
    base_url = wrong if wrong == REFUSED else server.url + wrong   # an unknown path answers errcode 40066
    assert park_test(wx_shop, base_url)() == (Refresh.FAILED, ShopStatus.ACTIVE)
    with pytest.raises(TransientError):    # the pull logs it as its error and re-raises: a sync error
        list(create_client(wechat_credentials(wx_shop, base_url), fast_transport(attempts=2))
             .list_orders(WINDOW_START, WINDOW_END))


@pytest.mark.parametrize("kind", ["5xx", "busy", "404"])
def test_given_a_token_outage_that_outlasts_the_retries_then_failed_and_the_shop_stays_active(
        sandbox, server, wx_shop, kind) -> None:
    sandbox.fail_token_requests(kind, times=3)
    assert park_test(wx_shop, server.url, attempts=3)() == (Refresh.FAILED, ShopStatus.ACTIVE)


def test_given_a_failing_refresh_then_the_shop_shows_it_until_a_refresh_succeeds(sandbox, server, wx_shop) -> None:
    reasons: list[str] = []
    run = park_test(wx_shop, server.url, attempts=2, reasons=reasons)
    sandbox.fail_token_requests("5xx", times=2)
    assert run() == (Refresh.FAILED, ShopStatus.ACTIVE)
    assert run() == (Refresh.REFRESHED, ShopStatus.ACTIVE)
    assert reasons[0].startswith("token refresh failing (502") and reasons[1] == ""


@pytest.mark.parametrize("kind", ["5xx", "busy", "404"])
def test_given_a_short_token_outage_then_the_transport_retries_through_it(sandbox, server, wx_shop, kind) -> None:
    sandbox.fail_token_requests(kind, times=2)
    assert park_test(wx_shop, server.url, attempts=3)() == (Refresh.REFRESHED, ShopStatus.ACTIVE)
    [order_no] = sandbox.generate_orders(wx_shop.seller_id, 1, WINDOW_START, WINDOW_END)
    sandbox.fail_token_requests(kind, times=2)
    client = create_client(wechat_credentials(wx_shop, server.url), fast_transport(attempts=3))
    assert client.get_order(order_no).order_no == order_no


# ------------------------------------------------------------ WeChat: the documented credential errors
def test_given_a_wrong_secret_then_reauth_needed(server, wx_shop) -> None:
    wrong = dataclasses.replace(wx_shop, app_secret="obviously-wrong-secret")
    assert park_test(wrong, server.url)() == (Refresh.REAUTH_NEEDED, ShopStatus.REAUTH_NEEDED)   # 40001


def test_given_an_unknown_appid_then_reauth_needed(server, wx_shop) -> None:
    wrong = dataclasses.replace(wx_shop, app_key="wx_not_an_app")
    assert park_test(wrong, server.url)() == (Refresh.REAUTH_NEEDED, ShopStatus.REAUTH_NEEDED)   # 40013


def test_given_a_frozen_secret_then_reauth_needed(sandbox, server, wx_shop) -> None:
    sandbox.kill_refresh_token(wx_shop.seller_id)
    assert park_test(wx_shop, server.url)() == (Refresh.REAUTH_NEEDED, ShopStatus.REAUTH_NEEDED)   # 40243


# ------------------------------------------------------------ every platform: a wrong URL is not reauth
WRONG_URL_ANSWERS = {
    "404 page": (404, "text/html", b"<html><body>Not Found</body></html>"),
    "404 JSON": (404, "application/json", b'{"message":"Not Found"}'),
    "403 JSON": (403, "application/json", b'{"error":"forbidden"}'),
    "empty object": (200, "application/json", b"{}"),
    "unknown code": (200, "application/json", b'{"code":99999,"errcode":99999,"result":99999,"error_code":99999,'
                                              b'"success":false,"msg":"?","error_response":{"code":99999}}'),
    "502": (502, "text/html", b"bad gateway"),
}


@pytest.fixture(scope="module")
def wrong_host() -> Iterator[tuple[str, dict[str, tuple[int, str, bytes]]]]:
    answer: dict[str, tuple[int, str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            status, content_type, body = answer["now"]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *_args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", answer
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("answer", [*WRONG_URL_ANSWERS, "refused"])
@pytest.mark.parametrize("platform", [p for p in Platform if p is not Platform.OFFLINE])
def test_given_any_platform_whose_token_url_answers_like_a_wrong_host_then_failed_not_reauth(
        wrong_host, platform, answer) -> None:
    url, serving = wrong_host
    if answer != "refused":
        serving["now"] = WRONG_URL_ANSWERS[answer]
    base_url = REFUSED if answer == "refused" else url
    shops, clock = fakes.InMemoryShopRepository(), fakes.FixedClock(T0)
    shop = add_shop(shops, registry, name="店", platform=platform, mode=AppMode.SELF_BUILT, app_key="fake-app-key",
                    app_secret="fake-app-secret", seller_id="1001", access_token="fake-at", refresh_token="fake-rt",
                    token_expires_at=T0 + timedelta(minutes=5), base_url=base_url,
                    extra={"sign_secret": "fake-sign-secret"})
    credentials = ShopCredentials(platform=platform, app_key="fake-app-key", app_secret="fake-app-secret",
                                  access_token="fake-at", refresh_token="fake-rt", seller_id="1001",
                                  base_url=base_url, extra={"sign_secret": "fake-sign-secret"})
    outcome = refresh_shop(shops, lambda _s: client_for(credentials, fast_transport(attempts=2)),
                           registry, fakes.InMemoryShopLeases(clock), clock, shop.shop_id, force=True)
    assert (outcome, shops.get(shop.shop_id).status) == (Refresh.FAILED, ShopStatus.ACTIVE)


@pytest.mark.parametrize("answer", ["404 page", "404 JSON", "403 JSON", "empty object"])
@pytest.mark.parametrize("platform", [p for p in Platform if p is not Platform.OFFLINE])
def test_given_a_pull_against_a_wrong_host_then_an_error_never_an_empty_window_and_never_reauth(
        wrong_host, platform, answer) -> None:
    """An empty answer read as "no orders" would move the watermark past orders never seen."""
    url, serving = wrong_host
    serving["now"] = WRONG_URL_ANSWERS[answer]
    credentials = ShopCredentials(platform=platform, app_key="fake-app-key", app_secret="fake-app-secret",
                                  access_token="fake-at", refresh_token="fake-rt", seller_id="1001", base_url=url,
                                  extra={"sign_secret": "fake-sign-secret"})
    client = client_for(credentials, fast_transport(attempts=2))
    with pytest.raises(PlatformError) as failed:
        list(client.list_orders(WINDOW_START, WINDOW_END))
    assert not isinstance(failed.value, AuthExpiredError | SignatureRejectedError)
