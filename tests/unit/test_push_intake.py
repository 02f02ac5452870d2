"""The push use case (services/push_intake.take_push) with a scripted platform gate: the shops are read
once, a verifier's surprise is the sender's 400, and nothing is queued for a refused push."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import PushEvent, PushReply, PushRequest
from chalicelib.services.push_intake import PushDeps, take_push
from tests import fakes
from tests.factories import T0


@dataclass
class Gate:
    keyed_by_app: bool = True
    events: list[PushEvent] = field(default_factory=list)
    error: Exception | None = None

    def receive(self, request: PushRequest, shop: Shop, secrets: ShopSecrets, now: datetime
                ) -> tuple[list[PushEvent], PushReply]:
        if self.error is not None:
            raise self.error
        return self.events, PushReply(200, "application/json", '{"ok":true}')

    def refusal(self, exc: PushRejectedError) -> PushReply:
        return PushReply(exc.status, "application/json", json.dumps({"refused": exc.reason}))


@dataclass
class Platforms:
    gate: Gate

    def push_gate(self, platform: Any) -> Gate | None:
        return self.gate if platform == "douyin" else None


class CountingShops(fakes.InMemoryShopRepository):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def by_app(self, platform: str, app_key: str) -> list[Shop]:
        self.reads.append("by_app")
        return super().by_app(platform, app_key)

    def by_seller(self, platform: str, seller_id: str) -> Shop | None:
        self.reads.append("by_seller")
        return super().by_seller(platform, seller_id)


def _world(gate: Gate) -> tuple[PushDeps, CountingShops, fakes.RecordingPublisher]:
    shops, publisher = CountingShops(), fakes.RecordingPublisher()
    for n in (1, 2):
        shops.add(Shop(f"S{n}", f"店{n}", Platform.DOUYIN, f"seller-{n}", app_key="app-1"))
    shops.secrets["S1"] = ShopSecrets(app_secret="fake-secret")
    deps = PushDeps(shops=shops, claims=fakes.InMemoryIdempotencyStore(), publisher=publisher,
                    platforms=Platforms(gate), clock=fakes.FixedClock(T0))   # type: ignore[arg-type]
    return deps, shops, publisher


def _event(seller: str, message_id: str) -> PushEvent:
    return PushEvent(Platform.DOUYIN, "order", "doudian_trade_TradeCreate", seller, "O-1", message_id, T0)


def _push(key: str = "app-1") -> PushRequest:
    return PushRequest("douyin", key, "POST", {}, {}, b"{}")


def test_GIVEN_a_push_for_the_second_shop_of_an_app_THEN_the_apps_shops_are_read_once_and_its_order_queued() -> None:
    deps, shops, publisher = _world(Gate(events=[_event("seller-2", "m-1")]))
    assert take_push(deps, _push()).status == 200
    assert shops.reads == ["by_app"]
    assert [json.loads(body)["shop_id"] for _, body, _, _ in publisher.sent] == ["S2"]


def test_GIVEN_the_same_message_twice_THEN_it_is_queued_once() -> None:
    deps, _, publisher = _world(Gate(events=[_event("seller-1", "m-1")]))
    take_push(deps, _push())
    take_push(deps, _push())
    assert len(publisher.sent) == 1


def test_GIVEN_a_verifier_that_breaks_on_a_body_THEN_the_platforms_400_and_nothing_queued() -> None:
    deps, _, publisher = _world(Gate(error=KeyError("surprise")))
    reply = take_push(deps, _push())
    assert (reply.status, json.loads(reply.body)) == (400, {"refused": "unreadable push"})
    assert publisher.sent == []


@pytest.mark.parametrize("key", ["no-such-app", "x" * 65, "../etc"])
def test_GIVEN_a_url_naming_no_app_of_ours_THEN_not_found(key: str) -> None:
    deps, _, _ = _world(Gate())
    with pytest.raises(NotFoundError):
        take_push(deps, _push(key))
