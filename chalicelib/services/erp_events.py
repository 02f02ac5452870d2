"""Turns notes from the erp-events queue ("this record was applied") into webhook events: each subscribed
client's stream for the order remembers what the client was last told about each record; a difference
becomes events with stable ids (client, order, sequence, type), stored as owed deliveries before any is
sent, then sent in order. A repeated note changes nothing; a crash anywhere repeats the same events."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import REVIEWED, ErpHandoff, OrderStatus, ShipmentStatus
from chalicelib.services.erp_ports import (
    Delivery,
    ErpClient,
    ShipmentRepository,
    Stream,
    Told,
)
from chalicelib.services.erp_views import case_view, order_view, shipment_view
from chalicelib.services.erp_webhooks import DeliveryFailedError, WebhookDeps, flush
from chalicelib.services.ports import AfterSaleRepository, OrderRepository
from chalicelib.services.queue_messages import order_group

MAX_ATTEMPTS = 5
KINDS = ("order", "after_sale", "shipment")
MAX_ID = 256
# not news for the ERP: our own bookkeeping, and the hand-off it drives itself
UNREVIEWED = "unreviewed"     # an order waiting for the review gate: not the ERP's business yet
VOLATILE = {"order": ("updated_at", "revision", "erp_handoff", "erp_order_id", "holds"),
            "after_sale": ("revision", "erp_handoff"), "shipment": ()}


@dataclass(frozen=True)
class Note:
    kind: str                  # "order" | "after_sale" | "shipment"
    record_id: str
    shop_id: str = ""
    revision: int = 0          # an order note from an OMS-side write: the revision it shows, and
    view: dict[str, Any] | None = None      # the order as that write stored it (so two quick changes
    flags: tuple[str, ...] = ()             # are two events, not one merged state read later)

    @classmethod
    def parse(cls, body: str) -> Note:
        """ValueError for a body that is not a note (one that can never be processed, however often)."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise ValueError(f"not JSON: {exc}") from exc
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            raise ValueError(f"not a note: kind is none of {', '.join(KINDS)}")
        record_id, shop_id = data.get("id"), data.get("shop_id", "")
        if not (isinstance(record_id, str) and 0 < len(record_id) <= MAX_ID) or not (
                isinstance(shop_id, str) and len(shop_id) <= MAX_ID):
            raise ValueError(f"not a note: id and shop_id are strings of at most {MAX_ID} characters")
        revision, view, flags = data.get("revision", 0), data.get("view"), data.get("flags", [])
        if not isinstance(revision, int) or not (view is None or isinstance(view, dict)) or not (
                isinstance(flags, list) and all(isinstance(flag, str) for flag in flags)):
            raise ValueError("not a note: revision is an integer, view an object, flags a list of strings")
        return cls(kind=data["kind"], record_id=record_id, shop_id=shop_id, revision=revision, view=view,
                   flags=tuple(flags))


@dataclass(frozen=True)
class Snapshot:
    kind: str
    order_id: str
    record_key: str
    view: dict[str, Any]
    told: Told                 # what telling the client now would leave it knowing
    failure: dict[str, Any] | None = None     # a case's last refused action: in after_sale.action_failed

    @property
    def shop_id(self) -> str:
        return str(self.view["shop_id"])


@dataclass(frozen=True)
class EventDeps:
    webhooks: WebhookDeps
    orders: OrderRepository
    cases: AfterSaleRepository
    shipments: ShipmentRepository


def shipment_note(shipment: Any, order_no: str) -> tuple[str, str, str]:
    """The erp-events message for a shipment whose state the ERP must hear of (refused by the platform)."""
    body = json.dumps({"kind": "shipment", "id": shipment.shipment_id, "shop_id": shipment.shop_id, "version": 0})
    return body, order_group(shipment.shop_id, order_no), f"shipment:{shipment.shipment_id}:r{shipment.revision}"


def order_note(order: Order) -> tuple[str, str, str]:
    """The erp-events message for an order the OMS itself changed (not the orders consumer): FIFO group per
    order, deduplicated per stored revision, carrying the order as stored (`order` must hold the revision
    it was stored at)."""
    body = json.dumps({"kind": "order", "id": order.order_id, "shop_id": order.shop_id, "version": order.version,
                       "revision": order.revision, "view": order_view(order), "flags": sorted(_order_flags(order))},
                      ensure_ascii=False, separators=(",", ":"))
    return body, order_group(order.shop_id, order.order_no), f"order:{order.order_id}:r{order.revision}"


def subscribed_clients(deps: EventDeps) -> list[ErpClient]:
    return [client for client in deps.webhooks.clients.all() if client.wants_any()]


def process_note(deps: EventDeps, note: Note, *, final: bool = False, down: set[str] | None = None,
                 clients: list[ErpClient] | None = None) -> int:
    """Returns how many events were made. Raises DeliveryFailedError when a client did not take its
    events (after every other client was served). `down`: clients that failed earlier in this batch,
    not tried again now (their events are still recorded, in order). `clients`: the subscribed clients,
    read once per batch by the caller; with none, the record is not even read."""
    clients = subscribed_clients(deps) if clients is None else clients
    if note.shop_id:                      # the note names its shop: no read when no client covers it
        clients = [client for client in clients if client.covers(note.shop_id)]
    if not clients:
        return 0
    snapshot = load_snapshot(deps, note)
    if snapshot is None:
        return 0
    clients = [client for client in clients if client.covers(snapshot.shop_id)]   # a scoped client: its shops only
    made, failed = 0, []
    down = down if down is not None else set()
    for client in clients:
        stream, count = record_events(deps.webhooks, client, snapshot)
        made += count
        if client.key_id in down:
            if stream.pending:
                failed.append(client.key_id)
            continue
        try:
            flush(deps.webhooks, client, stream, final=final)
        except DeliveryFailedError:
            down.add(client.key_id)
            failed.append(client.key_id)
    if failed:
        raise DeliveryFailedError(f"events for {snapshot.order_id} not taken by {', '.join(failed)}")
    return made


def load_snapshot(deps: EventDeps, note: Note) -> Snapshot | None:
    if note.kind == "order" and note.view is not None:
        return _snapshot("order", note.record_id, note.record_id, note.view, frozenset(note.flags), note.revision)
    if note.kind == "order":
        order = deps.orders.get(note.record_id)
        if order is None:
            return None
        return _snapshot("order", order.order_id, order.order_id, order_view(order), _order_flags(order),
                         order.revision)
    if note.kind == "after_sale":
        case = deps.cases.get(note.record_id)
        if case is None:
            return None
        refusal = next((e for e in reversed(case.history) if e.kind == "refused"), None)
        if refusal is None:
            return _snapshot("after_sale", case.order_id, case.case_id, case_view(case))
        failure = {"action": refusal.action, "reason": refusal.text, "at": refusal.at.isoformat()}
        refused = frozenset({f"refused:{refusal.at.isoformat()}:{refusal.action}"})
        return replace(_snapshot("after_sale", case.order_id, case.case_id, case_view(case), refused), failure=failure)
    if note.kind == "shipment":
        shipment = deps.shipments.get(note.record_id)
        if shipment is None:
            return None
        return _snapshot("shipment", shipment.order_id, shipment.shipment_id, shipment_view(shipment),
                         _shipment_flags(shipment))
    raise ValueError(f"unknown note kind {note.kind!r}")


def _order_flags(order: Order) -> frozenset[str]:
    flags = {f"hold:{h.value}" for h in order.holds}
    if order.review not in REVIEWED and order.erp_handoff is ErpHandoff.NOT_READY:
        flags.add(UNREVIEWED)
    if order.status is OrderStatus.CANCELLED:
        flags.add("cancelled")
    return frozenset(flags)


def _shipment_flags(shipment: Any) -> frozenset[str]:
    """Each refusal is its own event (a shipment posted again after one may be refused again): the flag
    names the revision the refusal was recorded at."""
    if shipment.status is ShipmentStatus.CONFIRMED:
        return frozenset({"confirmed"})
    if shipment.status is ShipmentStatus.FAILED:
        return frozenset({f"failed:{shipment.revision}"})
    return frozenset()


def _snapshot(kind: str, order_id: str, record_id: str, view: dict[str, Any],
              flags: frozenset[str] = frozenset(), revision: int = 0) -> Snapshot:
    stable = {k: v for k, v in view.items() if k not in VOLATILE[kind]}
    if kind == "order":
        stable = _order_stable(stable)
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    return Snapshot(kind, order_id, f"{kind}:{record_id}", view, Told(digest, flags, revision))


PLAN_DECISIONS = ("warehouse_rule", "carrier_rule", "account_id", "fallback_account_id", "gifts", "skipped_gifts")


def _order_stable(view: dict[str, Any]) -> dict[str, Any]:
    """What an order's digest covers of the fields added with the fulfilment plans: an order with no gift
    line and a plan that decides nothing beyond the shop's defaults digests exactly as before the plans
    existed (an upgrade tells no subscriber anything), and a plan counts by its decisions, not by the rules'
    version or the wording of its reasons (a rule edit that changes no order's parcel tells nobody)."""
    out = dict(view)
    out["lines"] = [{k: v for k, v in line.items() if k != "gift" or v} for line in view.get("lines", [])]
    plan = out.pop("fulfilment", None)
    if plan and any(plan.get(k) for k in PLAN_DECISIONS):
        out["fulfilment"] = {k: v for k, v in plan.items() if k not in ("version", "reasons")}
    return out


def events_for(kind: str, before: Told | None, now: Told) -> list[str]:
    new_flags = now.flags - (before.flags if before else frozenset())
    if kind == "shipment":
        return [f"shipment.{name}" for name, prefix in (("failed", "failed:"), ("confirmed", "confirmed"))
                if any(flag.startswith(prefix) for flag in new_flags)]
    if before is None:
        return [f"{kind}.created"]
    if kind == "after_sale":
        changed = ["after_sale.updated"] if before.digest != now.digest else []
        return changed + (["after_sale.action_failed"] if any(f.startswith("refused:") for f in new_flags) else [])
    events = []
    if "cancelled" in now.flags and "cancelled" not in before.flags:
        events.append("order.cancelled")
    elif before.digest != now.digest:
        events.append("order.updated")
    if "cancelled" in now.flags:
        return events        # a cancelled order's holds mean nothing more to the warehouse
    holds_before = {f for f in before.flags if f.startswith("hold:")}
    holds_now = {f for f in now.flags if f.startswith("hold:")}
    if holds_now and holds_now != holds_before:
        events.append("order.held")
    elif holds_before and not holds_now:
        events.append("order.released")
    return events


def record_events(deps: WebhookDeps, client: ErpClient, snapshot: Snapshot) -> tuple[Stream, int]:
    """Stores the client's new events as owed deliveries and what it now knows, in one conditional
    write of its stream. The same note again finds nothing new."""
    for _ in range(MAX_ATTEMPTS):
        stream = deps.streams.get_stream(client.key_id, snapshot.order_id) or Stream(client.key_id,
                                                                                     snapshot.order_id)
        before = stream.told.get(snapshot.record_key)
        if before is None and UNREVIEWED in snapshot.told.flags:
            return stream, 0          # the ERP first hears of an order once it passed review (as its take reads)
        if before is not None and (before.digest, before.flags) == (snapshot.told.digest, snapshot.told.flags):
            return stream, 0
        if before is not None and snapshot.told.revision and before.revision > snapshot.told.revision:
            return stream, 0          # an older state than the client already has (notes of two writers crossed)
        kinds = [t for t in events_for(snapshot.kind, before, snapshot.told) if client.wants(t)]
        deliveries = [_delivery(client, stream, n, event_type, snapshot, deps)
                      for n, event_type in enumerate(kinds, start=1)]
        for delivery in deliveries:
            deps.deliveries.add(delivery)
        updated = replace(stream, seq=stream.seq + len(deliveries),
                          told={**stream.told, snapshot.record_key: snapshot.told},
                          pending=(*stream.pending, *(d.delivery_id for d in deliveries)))
        try:
            deps.streams.save_stream(updated, stream.revision)
        except ConflictError:
            continue
        return replace(updated, revision=stream.revision + 1), len(deliveries)
    raise ConflictError(f"stream {client.key_id}/{snapshot.order_id} kept changing")


def event_id_for(key_id: str, order_id: str, seq: int, event_type: str) -> str:
    return "evt_" + hashlib.sha256(f"{key_id}|{order_id}|{seq}|{event_type}".encode()).hexdigest()[:32]


def _delivery(client: ErpClient, stream: Stream, offset: int, event_type: str, snapshot: Snapshot,
              deps: WebhookDeps) -> Delivery:
    seq = stream.seq + offset
    event_id = event_id_for(client.key_id, snapshot.order_id, seq, event_type)
    now = deps.clock.now()
    data: dict[str, Any] = {snapshot.kind: snapshot.view}
    if event_type == "after_sale.action_failed" and snapshot.failure:
        data["failure"] = snapshot.failure          # which action the platform refused, and its reason
    body = json.dumps({"id": event_id, "type": event_type, "created_at": now.isoformat(), "order_id":
                       snapshot.order_id, "sequence": seq, "data": data}, ensure_ascii=False, separators=(",", ":"))
    return Delivery(delivery_id=f"{client.key_id}:{event_id}", key_id=client.key_id, event_id=event_id,
                    event_type=event_type, order_id=snapshot.order_id, record_key=snapshot.record_key, body=body,
                    created_at=now)
