"""Douyin message push from the sandbox (reference §1.7): a JSON array of {tag, msg_id, data} with `data` a
JSON string, signed `event-sign = md5(app_key + body + app_secret)` (or its HMAC variant with a
`sign-method` header), POSTed from a background thread with duplicate and out-of-order delivery faults."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import queue
import threading
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from local.sandbox.core import Faults, mask_name, mask_phone
from local.sandbox.douyin.model import AfterSale, Order, Shop

REORDER_WINDOW = 0.05  # seconds the sender waits to collect messages it may then deliver shuffled
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer: bytes = b""


@dataclass
class _Outgoing:
    app_key: str
    app_secret: str
    message: dict[str, Any]


def push_signature(app_key: str, app_secret: str, body: bytes, method: str) -> str:
    material = app_key.encode("utf-8") + body + app_secret.encode("utf-8")
    if method == "hmac-sha256":
        return hmac.new(app_secret.encode("utf-8"), material, hashlib.sha256).hexdigest()
    return hashlib.md5(material).hexdigest()


@dataclass
class PushSender:
    faults: Faults
    sign_method: str = "md5"
    urls: list[str] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: queue.Queue[_Outgoing] = field(default_factory=queue.Queue)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_300_000_000_000_000_001))
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self, url: str) -> None:
        with self._lock:
            self.urls.append(url)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="douyin-push", daemon=True)
                self._thread.start()

    def publish(self, app_key: str, app_secret: str, tag: str, payload: dict[str, Any]) -> None:
        if not self.urls:
            return
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        message = {"tag": tag, "msg_id": str(next(self._ids)), "data": data}
        self._queue.put(_Outgoing(app_key, app_secret, message))

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until everything published so far was delivered (or given up)."""
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            if self.faults.push_reorder:
                batch += self._collect_more()
                self.faults._rng.shuffle(batch)
            for item in batch:
                try:
                    self._deliver(item)
                finally:
                    self._queue.task_done()

    def _collect_more(self) -> list[_Outgoing]:
        more: list[_Outgoing] = []
        while len(more) < 8:
            try:
                more.append(self._queue.get(timeout=REORDER_WINDOW))
            except queue.Empty:
                break
        return more

    def _deliver(self, item: _Outgoing) -> None:
        body = json.dumps([item.message], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "app-id": item.app_key,
            "event-sign": push_signature(item.app_key, item.app_secret, body, self.sign_method),
        }
        if self.sign_method != "md5":
            headers["sign-method"] = self.sign_method
        copies = 2 if self.faults.chance(self.faults.push_duplicate_rate) else 1
        for url in list(self.urls):
            for _ in range(copies):
                self.deliveries.append(self._post(url, headers, body))

    @staticmethod
    def _post(url: str, headers: dict[str, str], body: bytes) -> Delivery:
        delivery = Delivery(url, headers, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with _OPENER.open(request, timeout=2) as response:
                delivery.status, delivery.answer = response.status, response.read()
        except OSError as exc:  # the receiver refused it or is down: Douyin would retry later
            delivery.status = getattr(exc, "code", 0) or 0
        return delivery


def order_message(shop: Shop, order: Order, tag: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `data` of an order tag (reference §1.7): ids, status and the tag's own time fields."""
    payload: dict[str, Any] = {
        "p_id": int(order.order_id),
        "s_ids": [int(x.sku_order_id) for x in order.lines],
        "shop_id": int(shop.shop_id),
        "order_status": order.status,
        "order_type": 0,
        "biz": 2,
        "update_time": order.update_time,
    }
    if tag == "100":
        payload["create_time"] = order.create_time
    if tag in ("101", "110"):
        payload.update(pay_time=order.pay_time, pay_type=1, pay_amount=order.pay_amount)
    if tag == "106":
        payload.update(cancel_time=order.update_time, cancel_reason=order.cancel_reason)
    if tag in ("102", "105", "108"):
        payload["receiver_msg"] = {
            "name": mask_name(order.receiver.name),
            "tel": mask_phone(order.receiver.phone),
            "encrypt_name": order.ciphers["name"],
            "encrypt_tel": order.ciphers["tel"],
        }
    payload.update(extra or {})
    return payload


def after_sale_message(shop: Shop, case: AfterSale) -> dict[str, Any]:
    return {
        "aftersale_id": int(case.aftersale_id),
        "aftersale_status": case.status,
        "aftersale_type": case.type,
        "p_id": int(case.order_id),
        "s_id": int(case.sku_order_id),
        "shop_id": int(shop.shop_id),
        "refund_amount": case.refund_amount,
        "refund_post_amount": 0,
        "reason_code": 1,
        "apply_time": case.apply_time,
        "update_time": case.update_time,
    }
