"""What every platform sandbox shares: a loopback HTTP server, fault injection, fake Chinese data,
and the control surface tests and the local runtime drive (`SandboxPlatform`)."""
from __future__ import annotations

import contextlib
import hashlib
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


# ---------------------------------------------------------------- requests and responses
@dataclass
class SandboxRequest:
    method: str
    path: str
    raw_query: str
    query: dict[str, str]
    headers: Mapping[str, str]    # lower-cased names
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        if "application/x-www-form-urlencoded" in self.headers.get("content-type", ""):
            return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))
        return {}

    @property
    def params(self) -> dict[str, str]:
        """Query string and form body merged, as gateways do before looking parameters up."""
        return {**self.query, **self.form}

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class SandboxResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json;charset=UTF-8"})
    delay: float = 0.0    # seconds to sleep before answering (slow responses, client timeouts)

    @classmethod
    def json(cls, payload: Any, status: int = 200, **kw: Any) -> SandboxResponse:
        return cls(status=status, body=json.dumps(payload, ensure_ascii=False).encode("utf-8"), **kw)


class GatewayApp(Protocol):
    def handle(self, request: SandboxRequest) -> SandboxResponse: ...


class _Gateway(ThreadingHTTPServer):
    """Keeps its open connections, so that stopping it ends them too: the handler threads of keep-alive
    connections outlive shutdown(), and a client's pooled connection would go on being served by a
    "stopped" platform."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            with contextlib.suppress(OSError):   # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """One platform gateway on 127.0.0.1 (port 0 picks a free one)."""

    def __init__(self, app: GatewayApp, port: int = 0, host: str = "127.0.0.1") -> None:
        self.app = app
        handler = _make_handler(app)
        self._httpd = _Gateway((host, port), handler)
        # a short poll interval: stop() waits for the next poll, and tests start and stop many servers
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"sandbox-{port}", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.drop_connections()


CDN = "/_cdn/"     # /_cdn/<platform CDN host>/<path>: the platform's image CDN, which no machine here reaches


def cdn_image(path: str) -> SandboxResponse:
    """A product image as the platform's CDN would serve it: a small PNG whose colour follows the path (so two
    products look different), for the OMS to copy into the goods library. Not an image path: 404, as a CDN."""
    if not path.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".gif")):
        return SandboxResponse(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
    digest = hashlib.sha256(path.encode()).digest()
    return SandboxResponse(body=_png(64, 64, digest[:3]), headers={"Content-Type": "image/png",
                                                                    "Cache-Control": "max-age=86400"})


def _png(width: int, height: int, rgb: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _make_handler(app: GatewayApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle on, each response waits ~40 ms for an ACK
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)   # also handles absolute-form targets (POST http://host/path?...)
            request = SandboxRequest(
                method=self.command, path=parts.path, raw_query=parts.query,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()}, body=body,
            )
            try:
                response = cdn_image(request.path) if request.path.startswith(CDN) else app.handle(request)
            except Exception as exc:  # the sandbox answers like a broken gateway, never hangs
                response = SandboxResponse.json({"sandbox_error": repr(exc)}, status=500)
            if response.delay:
                time.sleep(response.delay)
            try:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass   # the client timed out and left: expected under timeout injection

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


# ---------------------------------------------------------------- faults
@dataclass
class Faults:
    """Probabilities per API request, rolled by each gateway before it does any work.
    The gateway renders each fault in its platform's own envelope and error codes."""

    error_rate: float = 0.0        # 5xx / "system busy"
    timeout_rate: float = 0.0      # answer after `slow_seconds` (set the client timeout below it)
    slow_seconds: float = 2.0
    throttle_rate: float = 0.0     # the platform's rate-limit error
    shift_rate: float = 0.0        # on a list page: touch a random order of the shop (it moves windows)
    push_duplicate_rate: float = 0.0
    push_reorder: bool = False
    seed: int = 7
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def roll(self) -> str | None:
        """One of 'error', 'timeout', 'throttle' or None."""
        r = self._rng.random()
        for kind, rate in (("error", self.error_rate), ("timeout", self.timeout_rate),
                           ("throttle", self.throttle_rate)):
            if r < rate:
                return kind
            r -= rate
        return None

    def chance(self, rate: float) -> bool:
        return self._rng.random() < rate

    def clear(self) -> None:
        self.error_rate = self.timeout_rate = self.throttle_rate = self.shift_rate = 0.0
        self.push_duplicate_rate = 0.0
        self.push_reorder = False


# ---------------------------------------------------------------- fake data
@dataclass(frozen=True)
class FakePerson:
    name: str
    phone: str
    province: str
    city: str
    district: str
    town: str
    detail: str


@dataclass(frozen=True)
class FakeSku:
    sku_id: str
    product_id: str
    merchant_code: str
    title: str
    sku_name: str
    price_fen: int


class DataGen:
    """Realistic Chinese buyers and a small apparel/food catalog. Seeded, so runs repeat."""

    def __init__(self, seed: int = 1) -> None:
        from faker import Faker  # dev-only dependency: the sandbox never ships to Lambda
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)

    def person(self) -> FakePerson:
        f = self.fake
        return FakePerson(name=f.name(), phone=f.phone_number(), province=f.province(), city=f.city(),
                          district=f.district() + "区", town=f.street_name(),
                          detail=f"{f.street_address()}{self.rng.randint(1, 30)}栋{self.rng.randint(101, 2808)}室")

    def catalog(self, products: int = 6, id_base: int = 100000) -> list[FakeSku]:
        names = ["纯棉短袖T恤", "加绒卫衣", "高腰牛仔裤", "五常大米5kg", "云南小粒咖啡豆", "羊毛围巾", "运动袜5双装",
                 "保温杯500ml", "蓝牙耳机", "手工红糖"]
        specs = [["白色 M", "白色 L", "黑色 XL"], ["默认"], ["500g", "1kg"]]
        skus: list[FakeSku] = []
        for p in range(products):
            product_id = str(id_base + p)
            title = names[p % len(names)]
            for s, spec in enumerate(specs[p % len(specs)]):
                skus.append(FakeSku(sku_id=f"{product_id}{s:02d}", product_id=product_id,
                                    merchant_code=f"SKU-{p:03d}-{s}", title=title, sku_name=spec,
                                    price_fen=self.rng.choice([990, 1990, 2990, 5900, 8800, 12900])))
        return skus

    def memo(self) -> str:
        return self.rng.choice(["", "", "", "请尽快发货", "不要放快递柜", "送人的，别放发票", "周末送货"])


PRESALE_SHARE = 8           # one order in eight is a full presale (预售)
SPOT_SHIP_HOURS = 48        # a spot-goods order's promised ship-by after payment


def presale_days(order_key: str) -> int:
    """Days after payment a presale order ships (7-20), 0 for spot goods. Drawn from the order id, not the
    generator's random stream, so the seeded demo data stays what it was."""
    digest = zlib.crc32(order_key.encode())
    return 7 + digest // PRESALE_SHARE % 14 if digest % PRESALE_SHARE == 0 else 0


def mask_name(name: str) -> str:
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def mask_detail(detail: str) -> str:
    return detail[:4] + "*" * 6 if len(detail) > 4 else "*" * len(detail)


# ---------------------------------------------------------------- the control surface
@dataclass(frozen=True)
class SandboxShop:
    """What the OMS needs to talk to one demo shop (goes into the local runtime's JSON file)."""
    platform: str
    seller_id: str
    app_key: str
    app_secret: str
    access_token: str
    refresh_token: str
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TruthOrder:
    """The sandbox's ground truth of one order, in neutral terms the tests compare against."""
    order_no: str
    seller_id: str
    platform_status: str
    modified_at: datetime
    line_ids: tuple[str, ...]
    paid_fen: int
    carrier_code: str = ""
    tracking_no: str = ""
    seller_memo: str = ""


@dataclass(frozen=True)
class TruthAfterSale:
    case_id: str
    order_no: str
    seller_id: str
    platform_type: str
    platform_status: str
    modified_at: datetime
    refund_fen: int


class SandboxPlatform(Protocol):
    """Implemented by each platform's sandbox module (its gateway app plus state)."""

    platform: str
    faults: Faults

    def add_shop(self) -> SandboxShop: ...
    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]: ...
    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None: ...
    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]: ...
    def expire_token(self, seller_id: str) -> None: ...
    def kill_refresh_token(self, seller_id: str) -> None: ...
    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str: ...
    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]: ...
    def truth_stock(self, seller_id: str) -> dict[str, int]: ...
    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]: ...
    def handle(self, request: SandboxRequest) -> SandboxResponse: ...


Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(SHANGHAI)
