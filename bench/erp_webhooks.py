"""Order change -> ERP webhook received, in the local runtime (moto in-process, the app's own HTTP routes and
erp-events consumer): an ERP client subscribed to a receiver on loopback; an operator holds and releases one
order through POST /admin/orders/{id}/hold|release, one change at a time; measured from the request to
the moment the receiver has the event (order.held, order.released), with the events' order checked."""
from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SHOP = "BENCH-HOOK"


class Receiver:
    def __init__(self) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with receiver.arrived:
                    receiver.events.append((time.perf_counter(), json.loads(body)))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oms-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, event_type: str, count: int, timeout: float = 60) -> float:
        """When the `count`-th event of this type arrived."""
        deadline = time.perf_counter() + timeout
        with self.arrived:
            while True:
                arrived = [at for at, e in self.events if e["type"] == event_type]
                if len(arrived) >= count:
                    return arrived[count - 1]
                if not self.arrived.wait(deadline - time.perf_counter()):
                    raise TimeoutError(f"{event_type} #{count} never arrived")


def run(samples: int = 100) -> dict[str, Any]:
    import os
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-erphook")
    from local.runtime import LocalRuntime, RuntimeConfig
    state_dir = Path(tempfile.mkdtemp(prefix="oms-bench-erphook-"))
    (state_dir / "jwt.secret").write_text("bench-jwt-secret-not-real-0123456789abcdef")
    config = RuntimeConfig(state_dir=state_dir, port=0, moto_port=0, reset=True, snapshot_interval=0,
                           run_schedules=False, run_hooks=False, ui_dir=None)
    runtime = LocalRuntime(config, _app).start()
    receiver = Receiver()
    try:
        assert runtime.web is not None
        latencies, in_order = _measure(runtime.web.url, receiver, samples)
    finally:
        runtime.stop()
        receiver.server.shutdown()
    ordered = sorted(latencies)
    return {"samples": len(ordered), "p50_s": round(statistics.median(ordered), 3),
            "p99_s": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3), "max_s": round(ordered[-1], 3),
            "in_order": in_order}


def _app() -> Any:
    from app import app
    return app


def _measure(api: str, receiver: Receiver, samples: int) -> tuple[list[float], bool]:
    import urllib.request

    from chalicelib import bootstrap
    from chalicelib.api import tokens
    from chalicelib.domain.users import Role, User
    from chalicelib.services.erp_clients import create_client
    order_id = _seed()
    create_client(bootstrap.erp_clients(), bootstrap.clock(), name="bench ERP", scopes=["webhooks"],
                  webhook_url=receiver.url)
    bootstrap.users().add(User("bench", "x", Role.ADMIN))
    token, _ = tokens.issue(bootstrap.users().get("bench"), datetime.now(UTC))
    receiver.wait_for("order.created", 1)
    latencies: list[float] = []
    for n in range(samples):
        verb, event = ("hold", "order.held") if n % 2 == 0 else ("release", "order.released")
        body = json.dumps({"reason": "manual_hold", "note": "bench"} if verb == "hold" else {"reason": "manual_hold"})
        request = urllib.request.Request(f"{api}/admin/orders/{order_id}/{verb}", data=body.encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
        latencies.append(receiver.wait_for(event, n // 2 + 1) - start)
    sequences = [e["sequence"] for _, e in receiver.events if e["order_id"] == order_id]
    return latencies, sequences == list(range(1, len(sequences) + 1))


def _seed() -> str:
    """One order, linked and in stock (no system hold): each operator hold and release is one event."""
    from chalicelib import bootstrap
    from chalicelib.domain.orders import SkuLink
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.status import OrderStatus, RefundState
    from chalicelib.services.ingest import apply_snapshot
    from chalicelib.services.platform_types import SHANGHAI, CanonicalLine, CanonicalOrder
    at = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
    order = CanonicalOrder(platform=Platform.TAOBAO, order_no="900000001", platform_status="WAIT_SELLER_SEND_GOODS",
                           status=OrderStatus.AWAITING_SHIPMENT, refund_state=RefundState.NONE, created_at=at,
                           modified_at=at, paid_at=at, receiver=None, total_fen=1990, paid_fen=1990, raw={},
                           lines=(CanonicalLine("1", "sku-1", "p-1", "", "T恤", "M", 1, 1990, 1990),))
    apply_snapshot(bootstrap.orders(), bootstrap.clock(), SHOP, order, {"sku-1": (SkuLink("BENCH-1"),)})
    return f"{SHOP}-900000001"


if __name__ == "__main__":
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100), indent=2))
