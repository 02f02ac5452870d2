"""Delivers encrypted, signed event pushes to a subscribed URL from a background thread, as WeChat does:
safe mode (encrypt_type=aes), JSON or XML, with injected duplicates and reordering (Faults)."""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from dataclasses import dataclass

import httpx

from local.sandbox.core import Faults
from local.sandbox.wechat.crypto import seal, sorted_sha1


@dataclass(frozen=True)
class Subscription:
    url: str
    token: str
    encoding_aes_key: str
    fmt: str = "json"  # or "xml"


@dataclass(frozen=True)
class Delivery:
    query: dict[str, str]
    body: bytes
    status: int = 0
    answer: str = ""


def to_xml(value: dict) -> str:
    parts = []
    for key, item in value.items():
        if isinstance(item, dict):
            parts.append(f"<{key}>{to_xml(item)}</{key}>")
        elif isinstance(item, int | float):
            parts.append(f"<{key}>{item}</{key}>")
        else:
            parts.append(f"<{key}><![CDATA[{item}]]></{key}>")
    return "".join(parts)


def build_push(sub: Subscription, appid: str, message: dict, timestamp: int, nonce: str) -> tuple[dict, bytes]:
    plain = (
        f"<xml>{to_xml(message)}</xml>"
        if sub.fmt == "xml"
        else json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    )
    encrypted = seal(plain, appid, sub.encoding_aes_key)
    stamp = str(timestamp)
    query = {
        "signature": sorted_sha1([sub.token, stamp, nonce]),
        "timestamp": stamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": sorted_sha1([sub.token, stamp, nonce, encrypted]),
    }
    envelope = {"ToUserName": message["ToUserName"], "Encrypt": encrypted}
    body = f"<xml>{to_xml(envelope)}</xml>" if sub.fmt == "xml" else json.dumps(envelope)
    return query, body.encode("utf-8")


class Pusher:
    def __init__(self, faults: Faults, seed: int) -> None:
        self._faults = faults
        self._rng = random.Random(seed)
        self._queue: queue.Queue[tuple[str, dict, bytes]] = queue.Queue()
        self._pending = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self.deliveries: list[Delivery] = []

    def send(self, url: str, query: dict, body: bytes) -> None:
        with self._cond:
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wechat-sandbox-push", daemon=True)
                self._thread.start()
        self._queue.put((url, query, body))

    def drain(self, timeout: float = 5.0) -> bool:
        """Waits until every queued push was delivered (tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        self._stopped = True

    def _run(self) -> None:
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while not self._stopped:
                try:
                    batch = [self._queue.get(timeout=0.1)]
                except queue.Empty:
                    continue
                if self._faults.push_reorder:
                    time.sleep(0.02)  # let a few more pile up, then deliver them shuffled
                    while not self._queue.empty():
                        batch.append(self._queue.get_nowait())
                    self._rng.shuffle(batch)
                for url, query, body in batch:
                    copies = 2 if self._rng.random() < self._faults.push_duplicate_rate else 1
                    for _ in range(copies):
                        self.deliveries.append(self._post(client, url, query, body))
                    with self._cond:
                        self._pending -= 1
                        self._cond.notify_all()

    @staticmethod
    def _post(client: httpx.Client, url: str, query: dict, body: bytes) -> Delivery:
        try:
            response = client.post(url, params=query, content=body)
            return Delivery(query, body, response.status_code, response.text)
        except httpx.HTTPError as exc:
            return Delivery(query, body, 0, repr(exc))
