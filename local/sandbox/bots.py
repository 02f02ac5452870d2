"""Local stand-ins for the three group bots the OMS sends business alerts to, checking each request the way
the vendor documents (and written without chalicelib's signing code, so one bug cannot hide in both):

- DingTalk custom robot, POST /robot/send?access_token=..&timestamp=<ms>&sign=<urlencoded base64>:
  sign = Base64(HmacSHA256(key = secret, msg = timestamp + "\\n" + secret)); the timestamp within one hour.
  Unknown token: errcode 300001; a bad or stale signature: errcode 310000 (its documented answers).
- WeCom group robot, POST /cgi-bin/webhook/send?key=..: no signature; an unknown key: errcode 93000
  "invalid webhook url".
- Feishu custom bot, POST /open-apis/bot/v2/hook/<id> with "timestamp" (seconds) and "sign" in the body:
  sign = Base64(HmacSHA256(key = timestamp + "\\n" + secret, msg = "")); a bad or stale one: code 19021.

All three answer HTTP 200 with the error code in the body, as the real ones do. What arrived (verified) is
kept: GET /_sandbox/messages (JSON) and GET / (a small page) show it, so the demo and tests see alerts land.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from local.sandbox.core import SandboxRequest, SandboxResponse

WINDOW_SECONDS = 3600


@dataclass
class Robot:
    vendor: str            # "dingtalk" | "wecom" | "feishu"
    token: str             # DingTalk access_token, WeCom key, Feishu hook id
    secret: str = ""       # DingTalk SEC..., Feishu secret; "" for WeCom


@dataclass
class BotSandbox:
    seed: int = 7
    robots: dict[tuple[str, str], Robot] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    clock: Any = time.time
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add_robot(self, vendor: str) -> Robot:
        """A new bot, with the token and secret its vendor's console would show (seeded: the same on every
        start, so a channel configured against the demo keeps working)."""
        token = "".join(self._rng.choice("0123456789abcdef") for _ in range(32))
        secret = "" if vendor == "wecom" else "SEC" + "".join(self._rng.choice("0123456789abcdef") for _ in range(40))
        robot = Robot(vendor, token, secret)
        with self.lock:
            self.robots[(vendor, token)] = robot
        return robot

    def webhook_url(self, base: str, robot: Robot) -> str:
        return {"dingtalk": f"{base}/robot/send?access_token={robot.token}",
                "wecom": f"{base}/cgi-bin/webhook/send?key={robot.token}",
                "feishu": f"{base}/open-apis/bot/v2/hook/{robot.token}"}[robot.vendor]

    # ------------------------------------------------------------------ the gateway
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if request.method == "GET" and request.path == "/_sandbox/messages":
            vendor = request.query.get("vendor", "")
            with self.lock:
                kept = [m for m in self.messages if not vendor or m["vendor"] == vendor]
                refused = [r for r in self.refused if not vendor or r["vendor"] == vendor]
            return SandboxResponse.json({"messages": kept, "refused": refused})
        if request.method == "GET" and request.path == "/":
            return self._page()
        if request.method != "POST":
            return SandboxResponse.json({"errcode": 404, "errmsg": "not found"}, status=404)
        if request.path == "/robot/send":
            return self._dingtalk(request)
        if request.path == "/cgi-bin/webhook/send":
            return self._wecom(request)
        if request.path.startswith("/open-apis/bot/v2/hook/"):
            return self._feishu(request)
        return SandboxResponse.json({"errcode": 404, "errmsg": "not found"}, status=404)

    def _dingtalk(self, request: SandboxRequest) -> SandboxResponse:
        robot = self.robots.get(("dingtalk", request.query.get("access_token", "")))
        if robot is None:
            return self._refuse("dingtalk", {"errcode": 300001, "errmsg": "token is not exist"})
        if robot.secret:
            stamp, sign = request.query.get("timestamp", ""), request.query.get("sign", "")
            # parse_qsl has already percent-decoded the sign once, as the real gateway does
            wanted = base64.b64encode(hmac.new(robot.secret.encode(), f"{stamp}\n{robot.secret}".encode(),
                                               hashlib.sha256).digest()).decode()
            if not self._fresh(stamp, 1000) or not hmac.compare_digest(sign, wanted):
                return self._refuse("dingtalk", {"errcode": 310000, "errmsg": "sign not match"})
        text = self._text(request, ("text", "content"))
        if text is None:
            return self._refuse("dingtalk", {"errcode": 40035, "errmsg": "缺少参数 json"})
        return self._keep("dingtalk", robot, text, {"errcode": 0, "errmsg": "ok"})

    def _wecom(self, request: SandboxRequest) -> SandboxResponse:
        robot = self.robots.get(("wecom", request.query.get("key", "")))
        if robot is None:
            return self._refuse("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"})
        text = self._text(request, ("text", "content"))
        if text is None:
            return self._refuse("wecom", {"errcode": 40008, "errmsg": "invalid message type"})
        return self._keep("wecom", robot, text, {"errcode": 0, "errmsg": "ok"})

    def _feishu(self, request: SandboxRequest) -> SandboxResponse:
        robot = self.robots.get(("feishu", request.path.rsplit("/", 1)[-1]))
        if robot is None:
            return self._refuse("feishu", {"code": 19001, "msg": "param invalid: incoming webhook access token invalid",
                                           "data": {}})
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = {}
        if robot.secret:
            stamp = str(body.get("timestamp", ""))
            wanted = base64.b64encode(hmac.new(f"{stamp}\n{robot.secret}".encode(), b"",
                                               hashlib.sha256).digest()).decode()
            if not self._fresh(stamp, 1) or not hmac.compare_digest(str(body.get("sign", "")), wanted):
                return self._refuse("feishu", {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is "
                                                                               "not within one hour from current time"})
        text = (body.get("content") or {}).get("text") if body.get("msg_type") == "text" else None
        if not isinstance(text, str):
            return self._refuse("feishu", {"code": 9499, "msg": "Bad Request", "data": {}})
        return self._keep("feishu", robot, text, {"StatusCode": 0, "StatusMessage": "success", "code": 0,
                                                  "data": {}, "msg": "success"})

    # ------------------------------------------------------------------ helpers
    def _fresh(self, stamp: str, per_second: int) -> bool:
        return stamp.isdigit() and abs(int(stamp) / per_second - self.clock()) <= WINDOW_SECONDS

    @staticmethod
    def _text(request: SandboxRequest, path: tuple[str, str]) -> str | None:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return None
        if not isinstance(body, dict) or body.get("msgtype") != path[0]:
            return None
        text = (body.get(path[0]) or {}).get(path[1])
        return text if isinstance(text, str) else None

    def _keep(self, vendor: str, robot: Robot, text: str, answer: dict[str, Any]) -> SandboxResponse:
        with self.lock:
            self.messages.append({"vendor": vendor, "robot": robot.token[-6:], "text": text, "verified": True,
                                  "at": round(self.clock(), 3)})
        return SandboxResponse.json(answer)

    def _refuse(self, vendor: str, answer: dict[str, Any]) -> SandboxResponse:
        with self.lock:
            self.refused.append({"vendor": vendor, "answer": answer, "at": round(self.clock(), 3)})
        return SandboxResponse.json(answer)

    def _page(self) -> SandboxResponse:
        with self.lock:
            rows = "".join(_row(m) for m in reversed(self.messages))
        page = ("<!doctype html><meta charset=utf-8><title>Bot sandbox</title>"
                "<h1>钉钉 / 企业微信 / 飞书 机器人沙箱</h1><table border=1 cellpadding=4>"
                f"<tr><th>bot</th><th>at</th><th>message</th></tr>{rows}</table>")
        return SandboxResponse(body=page.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def _row(message: dict[str, Any]) -> str:
    at = time.strftime("%H:%M:%S", time.localtime(message["at"]))
    vendor, text = html.escape(message["vendor"]), html.escape(message["text"])
    return f"<tr><td>{vendor}</td><td>{at}</td><td><pre>{text}</pre></td></tr>"
