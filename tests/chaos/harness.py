"""A chaos run of the sync pipeline against every platform's sandbox.

The sandboxes inject 5xx, timeouts, throttling and pages that shift while being read; every queue message
is delivered one to three times, groups interleaved and duplicates arriving late (what SQS allows, and
more); the consumer crashes before its write or after it (before the ack). At the end the OMS must
equal the platforms' own state: every order once, every field at its latest version."""
from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.after_sales import refund_state_for
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import ShopCredentials
from chalicelib.services.pull import PullDeps, run_pull
from chalicelib.services.queue_messages import PullJobMessage
from local.sandbox.core import SHANGHAI, Faults, SandboxServer
from local.sandbox.registry import SANDBOXES
from tests import fakes
from tests.contract.platform_suite import fast_transport
from tests.fulfil_kit import InMemoryFulfilments

T0 = datetime.now(SHANGHAI) - timedelta(hours=10)


class Clock:
    """Real time, which the sandboxes' timestamp checks need. The clients' settling lag is set to zero
    below so that a test need not wait minutes for its changes to become pullable."""

    def now(self) -> datetime:
        return datetime.now(SHANGHAI)


class NoLinks:
    def links_for(self, shop_id: str, sku_ids: set[str]) -> dict[str, Any]:
        return {}


@dataclass
class Crash(Exception):
    where: str


@dataclass
class Chaos:
    rng: random.Random
    crash_before: float = 0.1
    crash_after: float = 0.1
    max_extra_copies: int = 2
    deliveries: int = 0
    crashes: int = 0


@dataclass
class World:
    clock: Clock
    sandboxes: dict[str, Any]
    servers: list[SandboxServer]
    shops: dict[str, tuple[Shop, Any]]             # platform -> (OMS shop, sandbox shop)
    clients: dict[str, PlatformClient]
    deps: dict[str, Any] = field(default_factory=dict)


def build(seed: int, faults: dict[str, float]) -> World:
    # PDD's real per-shop quota on refund lists (100 calls / 10 s) is kept in production by the per-shop
    # rate limiter; this harness sends without one (to run in seconds), and injects throttling itself.
    from local.sandbox.pdd import app as pdd_sandbox
    pdd_sandbox.MALL_LIMITS["pdd.refund.list.increment.get"] = (1_000_000, 10.0)
    clock = Clock()
    shops_repo = fakes.InMemoryShopRepository()
    world = World(clock, {}, [], {}, {})
    for n, (platform, (module, _port, name)) in enumerate(SANDBOXES.items()):
        sandbox = importlib.import_module(module).create_sandbox(seed=seed + n, faults=Faults(seed=seed + n))
        server = SandboxServer(sandbox).start()
        demo = sandbox.add_shop()
        shop = Shop(f"S{platform.upper()}", name, Platform(platform), demo.seller_id, app_key=demo.app_key,
                    base_url=server.url)
        shops_repo.add(shop)
        shops_repo.put_secrets(shop.shop_id, ShopSecrets(demo.app_secret, demo.access_token, demo.refresh_token,
                                                          tuple(sorted(demo.extra.items()))), 0)
        creds = ShopCredentials(Platform(platform), demo.app_key, demo.app_secret, demo.access_token,
                                demo.refresh_token, demo.seller_id, server.url, dict(demo.extra))
        module_client = importlib.import_module(f"chalicelib.platforms.{platform}.client")
        client = module_client.create_client(creds, fast_transport(timeout=0.4, attempts=8))
        client.settle_lag = timedelta(0)
        world.clients[shop.shop_id] = client
        world.sandboxes[platform], world.shops[platform] = sandbox, (shops_repo.get(shop.shop_id), demo)
        world.servers.append(server)
        sandbox.faults.__dict__.update(faults)
    world.deps = {"shops": shops_repo, "orders": fakes.InMemoryOrderRepository(),
                  "after_sales": fakes.InMemoryAfterSaleRepository(), "shop_skus": NoLinks(), "clock": clock,
                  "clients": lambda shop: world.clients[shop.shop_id], "publisher": fakes.RecordingPublisher(),
                  "sync": fakes.InMemorySyncRepository(), "raw_store": fakes.InMemoryRawStore(),
                  "stock": fakes.InMemoryStockLedger(), "shipments": fakes.InMemoryShipmentRepository(),
                  "warehouses": fakes.InMemoryWarehouseRepository()}
    parcels = InMemoryFulfilments()          # merge and split read the shop's settings after every order write
    world.deps |= {"fulfilments": parcels, "fulfil_settings": parcels}
    return world


def pull_all(world: World, job_no: int) -> None:
    """One scheduler tick: every shop and stream; a job that fails is retried, as SQS would."""
    deps = PullDeps(shops=world.deps["shops"], sync=world.deps["sync"], clients=world.deps["clients"],
                    raw=world.deps["raw_store"], publisher=world.deps["publisher"], clock=world.clock,
                    time_left=lambda: 600.0)
    for shop, _demo in world.shops.values():
        for stream in ("orders", "after_sales"):
            job = PullJobMessage(shop_id=shop.shop_id, stream=stream, job_id=f"{shop.shop_id}-{stream}-{job_no}")
            for _attempt in range(6):       # a failed pull ends; the next tick (here: at once) pulls again
                try:
                    entry = run_pull(job, deps)
                except TransientError:
                    continue
                if entry is None or entry.outcome != "error":
                    break


def deliver_all(world: World, chaos: Chaos, handle: Callable[[str, str], None]) -> None:
    """Drains the orders and after-sales queues with duplicates, interleaving and crashes."""
    publisher: fakes.RecordingPublisher = world.deps["publisher"]
    pending = [(queue, body) for queue, body, _g, _d in publisher.sent if queue in ("orders", "after_sales")]
    publisher.sent = [m for m in publisher.sent if m[0] not in ("orders", "after_sales")]
    schedule: list[tuple[str, str]] = []
    for message in pending:
        schedule.append(message)
        for _ in range(chaos.rng.randint(0, chaos.max_extra_copies)):   # late duplicates
            schedule.insert(chaos.rng.randint(len(schedule), len(schedule) + len(pending)), message)
    while schedule:
        queue, body = schedule.pop(0)
        chaos.deliveries += 1
        try:
            handle(queue, body, chaos)   # type: ignore[call-arg]
        except Crash:
            chaos.crashes += 1
            schedule.insert(chaos.rng.randint(0, len(schedule)), (queue, body))   # back after its visibility


def consumer(queue: str, body: str, chaos: Chaos) -> None:
    from chalicelib.workers import orders as worker
    if chaos.rng.random() < chaos.crash_before:
        raise Crash("before the write")
    if queue == "orders":
        worker._handle_order(body)
    else:
        worker._handle_after_sale(body)
    if chaos.rng.random() < chaos.crash_after:
        raise Crash("after the write, before the ack")


def mutate(world: World, rng: random.Random, share: float) -> dict[str, int]:
    """The platforms move on: ships, refund requests, edits."""
    done = {"shipped": 0, "refunds": 0, "touched": 0}
    for platform, (shop, demo) in world.shops.items():
        sandbox, client = world.sandboxes[platform], world.clients[shop.shop_id]
        truth = sandbox.truth_orders(demo.seller_id)
        for order_no in rng.sample(sorted(truth), k=int(len(truth) * share)):
            action = rng.choice(["ship", "refund", "touch"])
            try:
                if action == "ship":
                    client.ship(_ship(order_no, platform))
                    done["shipped"] += 1
                elif action == "refund":
                    sandbox.request_after_sale(demo.seller_id, order_no, "refund_only")
                    done["refunds"] += 1
                else:
                    sandbox.touch_order(demo.seller_id, order_no, datetime.now(SHANGHAI))
                    done["touched"] += 1
            except Exception:   # the platform refused (wrong state): fine, the state is what it is
                continue
    return done


def _ship(order_no: str, platform: str) -> Any:
    from chalicelib.services.platform_types import ShipRequest
    return ShipRequest(order_no=order_no, carrier_code="ZTO", tracking_no=f"ZTO{order_no[-10:]}")


def differences(world: World) -> list[str]:
    """The OMS against each platform's current state, read through its own API without faults."""
    problems: list[str] = []
    orders: fakes.InMemoryOrderRepository = world.deps["orders"]
    for platform, (shop, demo) in world.shops.items():
        world.sandboxes[platform].faults.clear()
        client = world.clients[shop.shop_id]
        truth = world.sandboxes[platform].truth_orders(demo.seller_id)
        stored = {o.order_no: o for o in orders.rows.values() if o.shop_id == shop.shop_id}
        if set(stored) != set(truth):
            problems.append(f"{platform}: missing {sorted(set(truth) - set(stored))[:5]}, "
                            f"extra {sorted(set(stored) - set(truth))[:5]}")
        cases = world.sandboxes[platform].truth_after_sales(demo.seller_id)
        problems += _case_differences(world, platform, shop.shop_id, cases)
        with_cases = {c.order_no for c in cases.values()}
        for order_no in sorted(set(stored) & set(truth)):
            latest, ours = client.get_order(order_no), stored[order_no]
            fields = ("version", "status", "paid_fen", "tracking_no", "refund_state")
            got = tuple(getattr(ours, f) for f in fields)
            # an order with after-sale cases: its refund state comes from the cases (some platforms'
            # order APIs do not show them), checked against the cases the OMS holds
            refund = (refund_state_for(world.deps["after_sales"].for_order(ours.order_id)) if order_no in with_cases
                      else latest.refund_state)
            want = (latest.version, latest.status, latest.paid_fen, latest.tracking_no, refund)
            if got != want:
                problems.append(f"{platform} {order_no}: {dict(zip(fields, got, strict=True))} != "
                                f"{dict(zip(fields, want, strict=True))}")
    return problems


def _case_differences(world: World, platform: str, shop_id: str, truth: dict[str, Any]) -> list[str]:
    stored = {c.platform_case_id: c for c in world.deps["after_sales"].rows.values() if c.shop_id == shop_id}
    problems = []
    if set(stored) != set(truth):
        problems.append(f"{platform} cases: missing {sorted(set(truth) - set(stored))[:5]}, "
                        f"extra {sorted(set(stored) - set(truth))[:5]}")
    for case_id in sorted(set(stored) & set(truth)):
        if stored[case_id].platform_status != str(truth[case_id].platform_status):
            problems.append(f"{platform} case {case_id}: {stored[case_id].platform_status} != "
                            f"{truth[case_id].platform_status}")
    return problems


def summary(world: World, chaos: Chaos) -> str:
    return json.dumps({"orders": len(world.deps["orders"].rows), "deliveries": chaos.deliveries,
                       "crashes": chaos.crashes})
