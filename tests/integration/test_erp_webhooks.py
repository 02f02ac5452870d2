"""Webhook delivery through the real queues (moto) and the real consumers, to a loopback ERP that goes
down for a while: every event arrives, once, in order per order, signed; the admin API shows the
deliveries, retries, replays and redrives the DLQ."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import app
from chalicelib import bootstrap, names
from chalicelib.codec import to_doc
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import OrderStatus
from chalicelib.services.queue_messages import OrderMessage, order_group
from tests.erp_kit import ErpReceiver, bearer, erp_app, moto_world, new_client
from tests.factories import canonical_order


class Links:
    def links_for(self, shop_id: str, sku_ids: set[str]) -> dict[str, tuple[SkuLink, ...]]:
        return {sku: (SkuLink(f"ERP-{sku}"),) for sku in sku_ids}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("ERP_WEBHOOK_BACKOFF_SECONDS", "0")     # moto's clock is real: no waiting in tests
    with moto_world() as w, ErpReceiver() as erp, Client(app, stage_name="test") as main, \
            Client(erp_app(), stage_name="test") as erp_side:
        from chalicelib.messaging.erp_adapters import HttpxWebhookSender
        with bootstrap.override(webhook_sender=HttpxWebhookSender(timeout=2.0), shop_skus=Links()):
            key_id, secret = new_client(webhook_url=erp.url)
            erp.secret = secret
            yield {**w, "erp": erp, "main": main, "erp_side": erp_side, "key": key_id}


def apply(w: dict[str, Any], order_no: str, minutes: int, status: OrderStatus = OrderStatus.AWAITING_SHIPMENT,
          **kw: Any) -> None:
    snapshot = canonical_order(order_no, minutes=minutes, status=status, **kw)
    body = OrderMessage(shop_id="S1", order_no=order_no, version=snapshot.version,
                        snapshot=to_doc(snapshot)).model_dump_json()
    from tests.events import sqs_event
    event = sqs_event([body], names.queue_name("orders"), [order_group("S1", order_no)])
    assert w["main"].lambda_.invoke("on_order_message", event).payload == {"batchItemFailures": []}


def drain_once(w: dict[str, Any]) -> int:
    """One poll of the erp-events queue, as Lambda's poller does: failures stay (with our backoff)."""
    sqs = boto3.client("sqs")
    url = w["queues"]["erp_events"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
    if not got:
        return 0
    arn = f"arn:aws:sqs:us-east-1:123456789012:{names.queue_name('erp_events')}"
    records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                "attributes": m["Attributes"], "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "us-east-1"} for m in got]
    result = w["erp_side"].lambda_.invoke("on_erp_event", {"Records": records}).payload
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    for m in got:
        if m["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return len(got)


def drain(w: dict[str, Any], rounds: int = 20) -> None:
    for _ in range(rounds):
        if not drain_once(w):
            return


def by_order(erp: ErpReceiver) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for event in erp.events:
        out.setdefault(event["order_id"], []).append((event["sequence"], event["type"]))
    return out


def test_given_order_changes_then_signed_events_in_order_and_a_repeat_note_sends_nothing(
        world: dict[str, Any]) -> None:
    apply(world, "9001", 0)
    drain(world)
    apply(world, "9001", 5, seller_memo="加急")
    drain(world)
    apply(world, "9001", 9, status=OrderStatus.CANCELLED)
    drain(world)
    erp = world["erp"]
    assert by_order(erp)["S1-9001"] == [(1, "order.created"), (2, "order.updated"), (3, "order.cancelled")]
    assert erp.bad_signatures == 0
    bootstrap.publisher().publish("erp_events", [(json.dumps({"kind": "order", "id": "S1-9001", "shop_id": "S1",
                                                              "version": 1}), "S1:9001", "again-1")])
    drain(world)
    assert len(erp.events) == 3


def test_given_the_erp_down_for_a_while_then_every_event_arrives_in_order_after_it_comes_back(
        world: dict[str, Any]) -> None:
    erp = world["erp"]
    erp.down = True
    apply(world, "9101", 0)
    apply(world, "9102", 0)
    drain_once(world)                          # both created events recorded, both refused
    apply(world, "9101", 3, seller_memo="备注")
    apply(world, "9102", 4, status=OrderStatus.CANCELLED)
    for _ in range(2):
        drain_once(world)
    assert erp.refused >= 2 and erp.events == []
    erp.down = False
    drain(world)
    got = by_order(erp)
    for order_id in ("S1-9101", "S1-9102"):
        sequences = [seq for seq, _ in got[order_id]]
        assert sequences == sorted(sequences) == list(range(1, len(sequences) + 1)), got
        assert got[order_id][0][1] == "order.created"
    assert got["S1-9102"][-1][1] == "order.cancelled"
    pending = bootstrap.erp_deliveries().for_client(world["key"], 50, undelivered_only=True)
    assert pending.items == []


def test_given_the_erp_down_past_the_retries_then_the_dlq_holds_the_notes_and_a_redrive_delivers_all(
        world: dict[str, Any]) -> None:
    erp = world["erp"]
    erp.down = True
    apply(world, "9201", 0)
    for _ in range(8):                          # past maxReceiveCount (5): moto moves the note to the DLQ
        drain_once(world)
    headers = bearer("ops")
    dlq = world["erp_side"].http.get("/admin/erp/dlq", headers=headers).json_body
    assert dlq["approximate_count"] == 1
    dead = bootstrap.erp_deliveries().for_client(world["key"], 10, undelivered_only=True).items
    assert [d.status.value for d in dead] == ["dead"]
    erp.down = False
    moved = world["erp_side"].http.post("/admin/erp/dlq/redrive", headers=bearer("root"), body=json.dumps({}))
    assert moved.json_body["moved"] == 1
    drain(world)
    assert by_order(erp)["S1-9201"] == [(1, "order.created")]


def test_given_deliveries_then_the_admin_lists_retries_and_replays_them(world: dict[str, Any]) -> None:
    erp = world["erp"]
    erp.down = True
    apply(world, "9301", 0)
    drain_once(world)
    client = world["erp_side"]
    listed = client.http.get(f"/admin/erp/deliveries?key_id={world['key']}&undelivered=true",
                             headers=bearer("eye")).json_body["items"]
    assert [(d["event_type"], d["status"], d["attempts"]) for d in listed] == [("order.created", "pending", 1)]
    assert listed[0]["last_error"].startswith("HTTP 503")
    erp.down = False
    delivery_id = listed[0]["delivery_id"]
    retried = client.http.post(f"/admin/erp/deliveries/{delivery_id}/retry", headers=bearer("ops"), body="{}")
    assert retried.json_body["status"] == "delivered" and retried.json_body["attempts"] == 2
    replayed = client.http.post(f"/admin/erp/deliveries/{delivery_id}/replay", headers=bearer("ops"), body="{}")
    assert replayed.json_body["attempts"] == 3
    assert len(erp.events) == 1 and len(erp.seen) == 1, "a replay carries the same event id: the ERP dedups"
    drain(world)                                 # the note still in the queue finds nothing owed
    assert len(erp.events) == 1


def test_given_an_operator_hold_and_release_then_the_erp_hears_each_at_once_in_order(world: dict[str, Any]) -> None:
    """No platform update follows: before, the ERP heard of OMS-side changes only with the order's next
    platform update (minutes later, merged: an order.released after the order had shipped)."""
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import hold, release
    apply(world, "9401", 0)
    drain(world)
    hold(bootstrap.orders(), bootstrap.clock(), "S1-9401", HoldReason.MANUAL_HOLD, "核对地址", "user:ops")
    drain(world)
    assert by_order(world["erp"])["S1-9401"][-1] == (2, "order.held")
    release(bootstrap.orders(), bootstrap.clock(), "S1-9401", HoldReason.MANUAL_HOLD, "user:ops")
    drain(world)
    events = [e for e in world["erp"].events if e["order_id"] == "S1-9401"]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert [sorted(e["data"]["order"]["holds"]) for e in events] == [
        ["out_of_stock"], ["manual_hold", "out_of_stock"], ["out_of_stock"]], "no stock for its SKU: still held"


def test_given_two_quick_changes_before_the_consumer_runs_then_two_events_not_one_merged_state(
        world: dict[str, Any]) -> None:
    """Each note carries the order as its write stored it: a hold released a moment later is still told."""
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import hold, release
    apply(world, "9501", 0)
    drain(world)
    hold(bootstrap.orders(), bootstrap.clock(), "S1-9501", HoldReason.ADDRESS_ISSUE, "地址不全", "user:ops")
    release(bootstrap.orders(), bootstrap.clock(), "S1-9501", HoldReason.ADDRESS_ISSUE, "user:ops")
    drain(world)
    events = [e for e in world["erp"].events if e["order_id"] == "S1-9501"]
    assert [sorted(e["data"]["order"]["holds"]) for e in events][1:] == [
        ["address_issue", "out_of_stock"], ["out_of_stock"]]
    late = json.dumps({"kind": "order", "id": "S1-9501", "shop_id": "S1", "version": 1})    # a current read
    bootstrap.publisher().publish("erp_events", [(late, "S1:9501", "late-current-read")])
    drain(world)
    assert len([e for e in world["erp"].events if e["order_id"] == "S1-9501"]) == 3, "nothing new"
