"""The shop scope of ERP clients on fakes: the rule (empty = every shop; outside = 404), the take that
pages a shared ready index without starving or skipping anyone, the admin's shop list checked against the
shops we have, and webhook events only for a client's shops."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import ErpHandoff
from chalicelib.services import erp_handoff
from chalicelib.services.erp_clients import client_view, create_client, update_client
from chalicelib.services.erp_events import EventDeps, Note, process_note
from chalicelib.services.erp_ports import DeliveryStatus, ErpClient
from chalicelib.services.erp_scope import EVERY_SHOP, check_shop_ids, covers, gather, visible
from chalicelib.services.erp_webhooks import WebhookDeps
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.ports import Page
from tests import fakes
from tests.erp_fakes import FakeHandoffQueue
from tests.factories import T0, canonical_order


class Shops:
    def __init__(self, *shop_ids: str) -> None:
        self.ids = set(shop_ids)

    def get(self, shop_id: str) -> object | None:
        return object() if shop_id in self.ids else None


def _orders(*shops_and_counts: tuple[str, int]) -> tuple[fakes.InMemoryOrderRepository, fakes.FixedClock]:
    orders, clock = fakes.InMemoryOrderRepository(), fakes.FixedClock()
    minute = 0
    for shop_id, count in shops_and_counts:
        for _ in range(count):
            minute += 1
            order = canonical_order(minutes=minute, created_at=T0 + timedelta(minutes=minute))
            apply_snapshot(orders, clock, shop_id, order, {x.platform_sku_id: (SkuLink("ERP-1"),)
                                                           for x in order.lines})
    return orders, clock


# ------------------------------------------------------------------ the rule
def test_given_an_empty_scope_then_every_shop_is_covered() -> None:
    assert covers(EVERY_SHOP, "S1") and covers(EVERY_SHOP, "S2")
    assert covers(frozenset({"S1"}), "S1") and not covers(frozenset({"S1"}), "S2")


def test_given_a_record_of_another_shop_then_it_is_missing_like_no_record() -> None:
    order, _ = _orders(("S2", 1))
    record = next(iter(order.rows.values()))
    with pytest.raises(NotFoundError) as other:
        visible(record, frozenset({"S1"}), "no order X")
    with pytest.raises(NotFoundError) as none:
        visible(None, frozenset({"S1"}), "no order X")
    assert str(other.value) == str(none.value)
    assert visible(record, frozenset({"S2"}), "no order X") is record


def test_given_a_client_stored_before_scopes_then_it_reads_as_every_shop() -> None:
    client, _ = create_client(fakes.InMemoryErpClientRepository(), fakes.FixedClock(), name="ERP", scopes=["orders"])
    stored = {k: v for k, v in to_doc(client).items() if k != "shop_ids"}
    old = from_doc(ErpClient, stored)
    assert old.shop_ids == frozenset() and old.covers("any-shop")


def test_given_unknown_or_too_many_shops_then_a_validation_error_naming_shop_ids() -> None:
    with pytest.raises(ValidationError) as unknown:
        check_shop_ids(Shops("S1"), ["S1", "S9"])
    assert unknown.value.field == "shop_ids" and "S9" in str(unknown.value)
    with pytest.raises(ValidationError) as many:
        check_shop_ids(Shops(), [f"S{i}" for i in range(501)])
    assert many.value.field == "shop_ids"
    assert check_shop_ids(None, []) == EVERY_SHOP


def test_given_a_client_when_scoped_and_unscoped_by_an_admin_then_the_view_shows_it() -> None:
    repo, clock = fakes.InMemoryErpClientRepository(), fakes.FixedClock()
    client, _ = create_client(repo, clock, name="ERP", scopes=["orders"], shop_ids=["S1"], shops=Shops("S1", "S2"))
    assert client_view(client, clock.now())["shop_ids"] == ["S1"]
    widened = update_client(repo, client.key_id, {"shop_ids": ["S1", "S2"]}, Shops("S1", "S2"))
    assert client_view(widened, clock.now())["shop_ids"] == ["S1", "S2"]
    every = update_client(repo, client.key_id, {"shop_ids": []}, Shops())
    assert client_view(every, clock.now())["every_shop"] is True
    untouched = update_client(repo, client.key_id, {"name": "ERP 2"})
    assert untouched.shop_ids == frozenset()


# ------------------------------------------------------------------ gathering pages of a filtered index
def test_given_pages_with_few_matches_then_gather_pages_on_and_stops_at_the_limit() -> None:
    orders, _ = _orders(("S2", 7), ("S1", 3), ("S2", 5))
    queue = FakeHandoffQueue(orders)
    page = gather(lambda n, c: queue.erp_ready_orders(n, c, frozenset({"S1"})), 2, None)
    assert [o.shop_id for o in page.items] == ["S1", "S1"] and page.cursor is not None
    rest = gather(lambda n, c: queue.erp_ready_orders(n, c, frozenset({"S1"})), 2, page.cursor)
    assert len(rest.items) == 1 and {o.order_id for o in page.items + rest.items} == \
        {o.order_id for o in orders.rows.values() if o.shop_id == "S1"}


def test_given_a_read_budget_then_an_empty_answer_still_carries_the_cursor() -> None:
    orders, _ = _orders(("S2", 10), ("S1", 1))
    queue = FakeHandoffQueue(orders)
    page = gather(lambda n, c: queue.erp_ready_orders(n, c, frozenset({"S1"})), 1, None, max_pages=3)
    assert page.items == [] and page.cursor is not None and queue.reads == 3
    again = gather(lambda n, c: queue.erp_ready_orders(n, c, frozenset({"S1"})), 1, page.cursor)
    assert [o.shop_id for o in again.items] == ["S1"]


# ------------------------------------------------------------------ take, look up, acknowledge
def test_given_two_shops_when_a_scoped_client_takes_then_only_its_shop_and_the_others_stay_ready() -> None:
    orders, clock = _orders(("S1", 3), ("S2", 4), ("S1", 2))
    queue = FakeHandoffQueue(orders)
    got, cursor = [], None
    while True:
        page = erp_handoff.take_orders(queue, orders, clock, "erp:a", 2, cursor, frozenset({"S1"}))
        got += page.items
        cursor = page.cursor
        if cursor is None:
            break
    assert sorted(o.shop_id for o in got) == ["S1"] * 5
    left = [o for o in orders.rows.values() if o.erp_handoff is ErpHandoff.READY]
    assert sorted(o.shop_id for o in left) == ["S2"] * 4, "another shop's orders are neither taken nor lost"
    other = erp_handoff.take_orders(queue, orders, clock, "erp:b", 10, None, frozenset({"S2"}))
    assert sorted(o.shop_id for o in other.items) == ["S2"] * 4


def test_given_an_order_of_another_shop_then_get_and_ack_answer_not_found_and_nothing_changes() -> None:
    orders, clock = _orders(("S2", 1))
    order = next(iter(orders.rows.values()))
    with pytest.raises(NotFoundError):
        erp_handoff.get_order(orders, order.order_id, frozenset({"S1"}))
    with pytest.raises(NotFoundError):
        erp_handoff.acknowledge(orders, clock, "erp:a", order.order_id, "SO-1", frozenset({"S1"}))
    assert orders.get(order.order_id).revision == order.revision
    acked = erp_handoff.acknowledge(orders, clock, "erp:b", order.order_id, "SO-1", frozenset({"S2"}))
    assert acked.erp_order_id == "SO-1"


def test_given_a_record_whose_shop_the_index_filter_missed_then_take_still_skips_it() -> None:
    """Defence in depth: the take checks the shop on the record it changes, not only the index filter."""
    orders, clock = _orders(("S2", 1))

    class LeakyQueue(FakeHandoffQueue):
        def erp_ready_orders(self, limit: int, cursor: str | None = None,
                             shop_ids: frozenset[str] = frozenset()) -> Page[Any]:
            return super().erp_ready_orders(limit, cursor)

    page = erp_handoff.take_orders(LeakyQueue(orders), orders, clock, "erp:a", 10, None, frozenset({"S1"}))
    assert page.items == [] and next(iter(orders.rows.values())).erp_handoff is ErpHandoff.READY


# ------------------------------------------------------------------ webhooks: events only for the client's shops
@pytest.fixture
def deps() -> EventDeps:
    clock = fakes.FixedClock()
    hooks = WebhookDeps(clients=fakes.InMemoryErpClientRepository(), deliveries=fakes.InMemoryDeliveryRepository(),
                        streams=fakes.InMemoryStreamRepository(), sender=fakes.RecordingWebhookSender(), clock=clock)
    return EventDeps(webhooks=hooks, orders=fakes.InMemoryOrderRepository(),
                     cases=fakes.InMemoryAfterSaleRepository(), shipments=fakes.InMemoryShipmentRepository())


def _hook_client(deps: EventDeps, url: str, shop_ids: list[str]) -> str:
    client, _ = create_client(deps.webhooks.clients, deps.webhooks.clock, name="ERP", scopes=["webhooks"],
                              webhook_url=url, shop_ids=shop_ids, shops=Shops("S1", "S2"))
    return client.key_id


def _order_in(deps: EventDeps, shop_id: str, order_no: str) -> Note:
    apply_snapshot(deps.orders, deps.webhooks.clock, shop_id, canonical_order(order_no),
                   {"sku-1": (SkuLink("ERP-1"),)})
    return Note("order", f"{shop_id}-{order_no}", shop_id)


def _urls(deps: EventDeps) -> list[tuple[str, str]]:
    import json
    sender: Any = deps.webhooks.sender
    return [(url, json.loads(body)["order_id"]) for url, _headers, body in sender.sent]


def test_given_two_scoped_clients_and_one_unscoped_then_each_gets_events_of_its_shops_only(deps: EventDeps) -> None:
    _hook_client(deps, "https://a.example.test/h", ["S1"])
    _hook_client(deps, "https://b.example.test/h", ["S2"])
    _hook_client(deps, "https://all.example.test/h", [])
    process_note(deps, _order_in(deps, "S1", "8001"))
    process_note(deps, _order_in(deps, "S2", "8002"))
    assert sorted(_urls(deps)) == sorted([("https://a.example.test/h", "S1-8001"),
                                          ("https://all.example.test/h", "S1-8001"),
                                          ("https://b.example.test/h", "S2-8002"),
                                          ("https://all.example.test/h", "S2-8002")])


def test_given_a_note_of_a_shop_no_client_covers_then_nothing_is_read_or_made(deps: EventDeps) -> None:
    _hook_client(deps, "https://a.example.test/h", ["S1"])
    note = _order_in(deps, "S2", "8003")

    class Unreadable(fakes.InMemoryOrderRepository):
        def get(self, order_id: str, **kw: Any) -> Any:
            raise AssertionError("no client covers the shop: the order need not be read")

    assert process_note(replace(deps, orders=Unreadable()), note) == 0


def test_given_owed_events_when_an_admin_narrows_the_shops_then_they_are_withheld_not_sent(deps: EventDeps) -> None:
    from chalicelib.services.erp_webhooks import DeliveryFailedError, flush
    key_id = _hook_client(deps, "https://a.example.test/h", [])
    sender: Any = deps.webhooks.sender
    sender.down = True                           # the ERP is down: the S2 event stays owed
    with pytest.raises(DeliveryFailedError):
        process_note(deps, _order_in(deps, "S2", "8004"))
    owed = deps.webhooks.streams.get_stream(key_id, "S2-8004")
    assert len(owed.pending) == 1
    update_client(deps.webhooks.clients, key_id, {"shop_ids": ["S1"]}, Shops("S1", "S2"))
    sender.down = False
    flush(deps.webhooks, deps.webhooks.clients.get(key_id), owed)       # the queue's retry of the note
    assert _urls(deps) == []
    withheld = deps.webhooks.deliveries.get(owed.pending[0])
    assert withheld.status is DeliveryStatus.DEAD and "outside the client's shops" in withheld.last_error
    assert deps.webhooks.streams.get_stream(key_id, "S2-8004").pending == (), "the stream is not blocked"
    process_note(deps, _order_in(deps, "S1", "8005"))
    assert _urls(deps) == [("https://a.example.test/h", "S1-8005")]
