"""Shared pieces of the ERP tests: an app with the ERP blueprints, moto with the tables and queues, an
ERP request signer written from the API's description (not from chalicelib's signing code), admin
tokens, orders in the store, and a loopback ERP webhook receiver that can be taken down."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlsplit

from chalice import Chalice

from chalicelib import bootstrap
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.users import Role, User
from tests import fakes
from tests.factories import canonical_order

_private_app: Chalice | None = None


def erp_app() -> Chalice:
    """The real app once the lead has registered the ERP blueprints; until then, a private app with
    only them (registering a blueprint on two apps would move it off the first one)."""
    global _private_app
    from app import app
    if any(path.startswith("/erp/v1/") for path in app.routes):
        return app
    if _private_app is None:
        from chalicelib.api import erp, erp_admin
        from chalicelib.workers import erp_events
        _private_app = Chalice(app_name="qihang-oms-erp-test")
        for blueprint in (erp.bp, erp_admin.bp, erp_events.bp):
            _private_app.register_blueprint(blueprint)
    return _private_app


@contextmanager
def moto_world(clock: Any | None = None) -> Iterator[dict[str, Any]]:
    """moto tables + queues, the Dynamo adapters, a local envelope key, fake users and a recording sender."""
    from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
    from chalicelib.storage.erp import DynamoErpClientRepository
    from tests.aws import aws, create_queues
    with aws():
        queues = create_queues()
        bootstrap.reset()
        users = admin_users()
        sender = fakes.RecordingWebhookSender()
        with bootstrap.override(erp_clients=DynamoErpClientRepository(Envelope(LocalKeyWrapper(os.urandom(32)))),
                                users=users, webhook_sender=sender, **({"clock": clock} if clock else {})):
            yield {"queues": queues, "sender": sender, "users": users}
        bootstrap.reset()


def admin_users() -> fakes.InMemoryUserRepository:
    users = fakes.InMemoryUserRepository()
    for name, role in (("root", Role.ADMIN), ("ops", Role.OPERATOR), ("eye", Role.VIEWER)):
        users.add(User(username=name, password_hash="not-a-real-hash", role=role))
    return users


def bearer(username: str = "root") -> dict[str, str]:
    from chalicelib.api import tokens
    user = bootstrap.users().get(username)
    token, _ = tokens.issue(user, datetime.now(UTC))
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def new_client(scopes: tuple[str, ...] = ("orders", "shipments", "after_sales", "webhooks"),
               webhook_url: str = "http://127.0.0.1:9/hooks", **kw: Any) -> tuple[str, str]:
    from chalicelib.services.erp_clients import create_client
    client, secret = create_client(bootstrap.erp_clients(), bootstrap.clock(), name="test ERP", scopes=list(scopes),
                                   webhook_url=webhook_url, **kw)
    return client.key_id, secret


# ------------------------------------------------------------------ the ERP side: signing from the docs
def sign_headers(key_id: str, secret: str, method: str, url: str, body: bytes = b"", *, timestamp: int | None = None,
                 nonce: str | None = None) -> dict[str, str]:
    parts = urlsplit(url)
    path = parts.path
    pairs = sorted(tuple(p.split("=", 1)) for p in parts.query.split("&") if p) if parts.query else []
    if pairs:
        path += "?" + "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)
    ts = str(timestamp if timestamp is not None else int(time.time()))
    nonce = nonce or secrets.token_hex(12)
    message = "\n".join((method.upper(), path, ts, nonce, hashlib.sha256(body).hexdigest()))
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return {"X-OMS-Key": key_id, "X-OMS-Timestamp": ts, "X-OMS-Nonce": nonce, "X-OMS-Signature": signature,
            "Content-Type": "application/json"}


def signed(client: Any, key_id: str, secret: str, method: str, path: str, body: Any = None, **kw: Any) -> Any:
    raw = b"" if body is None else json.dumps(body).encode()
    headers = sign_headers(key_id, secret, method, path, raw, **kw)
    return getattr(client.http, method.lower())(path, headers=headers, body=raw)


def verify_webhook(header: str, body: bytes, secret: str) -> bool:
    fields = [part.split("=", 1) for part in header.split(",")]
    timestamp = next(v for k, v in fields if k == "t")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, v) for k, v in fields if k == "v1")


# ------------------------------------------------------------------ orders in the store
def ready_order(shop_id: str = "S1", order_no: str | None = None, **kw: Any) -> str:
    """An order awaiting shipment with its SKUs linked: ready for the ERP."""
    from chalicelib.services.ingest import apply_snapshot
    order = canonical_order(order_no, **kw)
    links = {line.platform_sku_id: (SkuLink(f"ERP-{line.merchant_code}"),) for line in order.lines}
    apply_snapshot(bootstrap.orders(), bootstrap.clock(), shop_id, order, links)
    return f"{shop_id}-{order.order_no}"


# ------------------------------------------------------------------ a loopback ERP receiving webhooks
class ErpReceiver:
    """Answers 200 and keeps each event (deduplicated on its id), or 503 while `down`."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.down = False
        self.events: list[dict[str, Any]] = []
        self.seen: set[str] = set()
        self.refused = 0
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                status = receiver.take(self.headers.get("OMS-Signature", ""), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oms-events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def take(self, signature: str, body: bytes) -> int:
        if self.down:
            self.refused += 1
            return 503
        if self.secret and not verify_webhook(signature, body, self.secret):
            self.bad_signatures += 1
            return 400
        event = json.loads(body)
        if event["id"] not in self.seen:
            self.seen.add(event["id"])
            self.events.append(event)
        return 200

    def __enter__(self) -> ErpReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------ the app over loopback HTTP
class ApiServer:
    """The app behind chalice's own API Gateway emulation on 127.0.0.1, for clients that speak HTTP."""

    def __init__(self, chalice_app: Chalice) -> None:
        from chalice.config import Config
        from chalice.local import LocalChalice, LocalGateway
        if not isinstance(chalice_app, LocalChalice):   # current_request per thread, as chalice local does
            chalice_app.__class__ = type(f"Local{type(chalice_app).__name__}", (LocalChalice, type(chalice_app)), {})
        gateway = LocalGateway(chalice_app, Config.create(chalice_stage="local", app_name="erp-test",
                                                          lambda_timeout=60, lambda_memory_size=256))

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                from chalice.local import LocalGatewayException
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                try:
                    out = gateway.handle_request(method=self.command, path=self.path, headers=dict(self.headers),
                                                 body=body)
                    status, headers, payload = int(out["statusCode"]), dict(out.get("headers") or {}), out.get("body")
                except LocalGatewayException as exc:
                    status, headers, payload = exc.CODE, dict(exc.headers), exc.body
                data = payload if isinstance(payload, bytes) else (payload or "").encode()
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):          # any method reaches the gateway, as in API Gateway
                    return self._serve
                raise AttributeError(name)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
