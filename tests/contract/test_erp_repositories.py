"""One contract for the ERP repositories and the shipments repository, run against the fakes and the
DynamoDB adapters (moto); and the pynamodb models agree with infra/tables.py."""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import ShipmentStatus
from chalicelib.services.erp_ports import (
    CaseResult,
    Delivery,
    DeliveryStatus,
    ErpClient,
    SigningSecret,
    Stream,
    Told,
)
from infra.tables import TABLE_SPECS
from tests import fakes

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["fake", "moto"])
def repos(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    if request.param == "fake":
        yield {"clients": fakes.InMemoryErpClientRepository(), "deliveries": fakes.InMemoryDeliveryRepository(),
               "streams": fakes.InMemoryStreamRepository(), "rate": fakes.InMemoryRateLimiter(),
               "shipments": fakes.InMemoryShipmentRepository()}
        return
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.erp import (
        DynamoDeliveryRepository,
        DynamoErpClientRepository,
        DynamoRateLimiter,
        DynamoStreamRepository,
    )
    from chalicelib.storage.shipments import DynamoShipmentRepository
    from tests.aws import aws
    with aws(("api_clients", "erp_deliveries", "erp_state", "shipments")):
        yield {"clients": DynamoErpClientRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
               "deliveries": DynamoDeliveryRepository(), "streams": DynamoStreamRepository(),
               "rate": DynamoRateLimiter(), "shipments": DynamoShipmentRepository()}


def _client(key_id: str) -> ErpClient:
    return ErpClient(key_id=key_id, name="ERP", scopes=frozenset({"orders", "webhooks"}), created_at=T0,
                     webhook_url="https://erp.example.test/h", secrets=(SigningSecret("es_fake-secret-1", T0),))


def test_given_clients_then_get_all_and_conditional_save(repos: dict[str, Any]) -> None:
    clients = repos["clients"]
    clients.add(_client("ek_b"))
    clients.add(_client("ek_a"))
    with pytest.raises(ConflictError):
        clients.add(_client("ek_a"))
    got = clients.get("ek_a")
    assert got.secrets[0].secret == "es_fake-secret-1" and got.revision == 1
    clients.save(replace(got, name="renamed"), 1)
    with pytest.raises(ConflictError):
        clients.save(replace(got, name="stale"), 1)
    assert [c.key_id for c in clients.all()] == ["ek_a", "ek_b"]
    assert clients.get("ek_a").name == "renamed" and clients.get("nope") is None


def _delivery(n: int, status: DeliveryStatus = DeliveryStatus.PENDING) -> Delivery:
    return Delivery(delivery_id=f"ek_a:evt_{n}", key_id="ek_a", event_id=f"evt_{n}", event_type="order.created",
                    order_id="S1-1", record_key="order:S1-1", body='{"id":1}', created_at=T0 + timedelta(minutes=n),
                    status=status)


def test_given_deliveries_then_add_is_idempotent_and_lists_newest_first(repos: dict[str, Any]) -> None:
    deliveries = repos["deliveries"]
    for n in range(3):
        deliveries.add(_delivery(n))
    deliveries.add(replace(_delivery(0), body="changed"))          # the same event again: kept as it was
    assert deliveries.get("ek_a:evt_0").body == '{"id":1}'
    first = deliveries.get("ek_a:evt_1")
    deliveries.save(replace(first, status=DeliveryStatus.DELIVERED, attempts=1), first.revision)
    with pytest.raises(ConflictError):
        deliveries.save(first, first.revision)
    every = deliveries.for_client("ek_a", 2)
    rest = deliveries.for_client("ek_a", 2, every.cursor)
    assert [d.event_id for d in every.items + rest.items] == ["evt_2", "evt_1", "evt_0"]
    owed = deliveries.for_client("ek_a", 10, undelivered_only=True)
    assert [d.event_id for d in owed.items] == ["evt_2", "evt_0"]


def test_given_a_stream_then_first_write_and_revision_guard(repos: dict[str, Any]) -> None:
    streams = repos["streams"]
    assert streams.get_stream("ek_a", "S1-1") is None
    stream = Stream("ek_a", "S1-1", seq=2, told={"order:S1-1": Told("d1", frozenset({"hold:x"}))},
                    pending=("ek_a:evt_1", "ek_a:evt_2"))
    streams.save_stream(stream, 0)
    with pytest.raises(ConflictError):
        streams.save_stream(stream, 0)
    got = streams.get_stream("ek_a", "S1-1")
    assert (got.seq, dict(got.told), got.pending, got.revision) == (2, dict(stream.told), stream.pending, 1)
    streams.save_stream(replace(got, pending=()), 1)
    assert streams.get_stream("ek_a", "S1-1").pending == ()


def test_given_case_results_then_the_first_answer_stands(repos: dict[str, Any]) -> None:
    streams = repos["streams"]
    result = CaseResult("S1-RF1", "intercept", "intercepted", T0, "erp:ek_a", note="ok")
    streams.add_result(result)
    with pytest.raises(ConflictError):
        streams.add_result(replace(result, outcome="already_shipped"))
    assert streams.get_result("S1-RF1").outcome == "intercepted" and streams.get_result("nope") is None


def test_given_hits_then_counted_per_window(repos: dict[str, Any]) -> None:
    rate = repos["rate"]
    assert [rate.hit("ek_a", 60, 120) for _ in range(3)] == [1, 2, 3]
    assert rate.hit("ek_a", 120, 120) == 1


def test_given_shipments_then_by_order_and_tracking(repos: dict[str, Any]) -> None:
    shipments = repos["shipments"]
    one = Shipment("S1-1-ZTO-T1", "S1-1", "S1", "ZTO", "T1", (ShipmentLine("1", 1),), ShipmentStatus.PENDING, T0,
                   "erp:ek_a")
    shipments.add(one)
    shipments.add(replace(one, shipment_id="S1-1-ZTO-T2", tracking_no="T2", created_at=T0 + timedelta(minutes=1)))
    with pytest.raises(ConflictError):
        shipments.add(one)
    stored = shipments.get("S1-1-ZTO-T1")
    shipments.save(replace(stored, status=ShipmentStatus.CONFIRMED), stored.revision)
    with pytest.raises(ConflictError):
        shipments.save(stored, stored.revision)
    assert [s.tracking_no for s in shipments.for_order("S1-1")] == ["T1", "T2"]
    assert [s.status for s in shipments.by_tracking("T1")] == [ShipmentStatus.CONFIRMED]


def test_given_the_models_then_keys_and_indexes_match_the_infra_definition() -> None:
    from chalicelib.storage import erp_models
    for model, key in ((erp_models.ApiClientItem, "api_clients"), (erp_models.DeliveryItem, "erp_deliveries"),
                       (erp_models.StateItem, "erp_state"), (erp_models.ShipmentItem, "shipments")):
        hash_key, range_key, indexes, _ttl = TABLE_SPECS[key]
        assert (model._hash_keyname, model._range_keyname) == (hash_key, range_key), key
        model_indexes = dict(model._indexes)
        assert set(model_indexes) == set(indexes), key
        for name, (ih, ir) in indexes.items():
            schema = {k["KeyType"]: k["AttributeName"] for k in model_indexes[name]._get_schema()["key_schema"]}
            assert schema.get("HASH") == ih and schema.get("RANGE") == ir, (key, name)
