"""Pushes from the Kuaishou sandbox to a subscribed URL: each event is encrypted as the platform does
(base64 of AES-CBC under the app's message key, zero IV, PKCS#5; reference §3.6), with the duplicate
and reorder faults of `Faults`."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from local.sandbox.core import Faults
from local.sandbox.pushes import post_all, with_push_faults


def encrypt_event(event: dict[str, Any], message_key: str) -> bytes:
    key = base64.b64decode(message_key)
    padder = padding.PKCS7(128).padder()
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))  # compact, as vector KS-P1
    plain = padder.update(text.encode("utf-8")) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize())


@dataclass
class Outbox:
    url: str = ""
    pending: list[bytes] = field(default_factory=list)
    delivered: list[bytes] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, body: bytes) -> None:
        if self.url:
            with self._lock:
                self.pending.append(body)

    def take(self, faults: Faults) -> list[bytes]:
        with self._lock:
            batch, self.pending = self.pending, []
        return with_push_faults(batch, faults)

    def deliver(self, faults: Faults, timeout: float = 5.0) -> list[int]:
        """POSTs every pending event; returns the HTTP statuses (a failed one is not retried here)."""
        bodies = self.take(faults)
        statuses = post_all(self.url, bodies, "text/plain", timeout)
        self.delivered.extend(bodies)
        return statuses
