"""Senders for the webhook corpus: each posts a body to one platform's push route either signed the way
that platform signs (with the test shop's fake secrets, so a malicious body gets past verification) or
unsigned. The signing is written out here on purpose (hashlib and AES), not borrowed from the app."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from chalice.test import Client
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app import app
from chalicelib import bootstrap
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import ShopSecrets
from chalicelib.services.shops import register_shop
from chalicelib.storage.envelope import Envelope, LocalKeyWrapper
from chalicelib.storage.shops import DynamoShopRepository
from tests.aws import aws, create_queues

DOUYIN_KEY, DOUYIN_SECRET, DOUYIN_SELLER = "7000000000000000001", "fake-douyin-secret", "1234"
WX_APPID, WX_TOKEN = "wx0123456789abcdef", "fake-push-token"
WX_AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
KS_KEY, KS_SELLER = "ks-fake-app", "2161524184"
KS_MESSAGE_KEY = base64.b64encode(b"0123456789abcdef").decode()
XHS_SELLER, XHS_PUSH_SECRET = "5f8b529b97b750923ceb3ffd", "fake-url-secret-0123456789"
JSON = "application/json"


@dataclass
class Webhooks:
    client: Client
    wechat_shop: str
    xhs_shop: str

    def douyin(self, body: bytes, signed: bool = True, content_type: str = JSON) -> Any:
        headers = {"Content-Type": content_type, "app-id": DOUYIN_KEY}
        if signed:
            headers["event-sign"] = hashlib.md5(DOUYIN_KEY.encode() + body + DOUYIN_SECRET.encode()).hexdigest()
        return self.client.http.post(f"/webhooks/douyin/{DOUYIN_KEY}", headers=headers, body=body)

    def wechat(self, body: bytes, signed: bool = True, content_type: str = JSON, safe: bool = True,
               stamp: str = "") -> Any:
        query = {"timestamp": stamp or str(int(time.time())), "nonce": "4242"}
        if safe:
            encrypted = wechat_seal(body) if signed else ""
            query["encrypt_type"] = "aes"
            if signed:
                query["msg_signature"] = sha1(WX_TOKEN, query["timestamp"], query["nonce"], encrypted)
                body = json.dumps({"ToUserName": "gh_abc", "Encrypt": encrypted}).encode()
        if signed:
            query["signature"] = sha1(WX_TOKEN, query["timestamp"], query["nonce"])
        return self.client.http.post(f"/webhooks/wechat/{self.wechat_shop}?{urlencode(query)}",
                                     headers={"Content-Type": content_type}, body=body)

    def wechat_echo(self, query: dict[str, str]) -> Any:
        return self.client.http.get(f"/webhooks/wechat/{self.wechat_shop}?{urlencode(query)}")

    def kuaishou(self, body: bytes, signed: bool = True, content_type: str = "text/plain") -> Any:
        sealed = kuaishou_seal(body) if signed else body
        return self.client.http.post(f"/webhooks/kuaishou/{KS_KEY}", headers={"Content-Type": content_type},
                                     body=sealed)

    def xhs(self, body: bytes, signed: bool = True, content_type: str = JSON) -> Any:
        secret = XHS_PUSH_SECRET if signed else "guessed-secret"
        return self.client.http.post(f"/webhooks/xhs/{self.xhs_shop}/{secret}",
                                     headers={"Content-Type": content_type}, body=body)

    def sender(self, platform: str) -> Callable[..., Any]:
        return {"douyin": self.douyin, "wechat": self.wechat, "kuaishou": self.kuaishou, "xhs": self.xhs}[platform]


def sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def wechat_seal(message: bytes) -> str:
    key = base64.b64decode(WX_AES + "=")
    plain = os.urandom(16) + len(message).to_bytes(4, "big") + message + WX_APPID.encode()
    fill = 32 - len(plain) % 32
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain + bytes([fill]) * fill) + encryptor.finalize()).decode()


def kuaishou_seal(message: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(message) + padder.finalize()
    encryptor = Cipher(algorithms.AES(base64.b64decode(KS_MESSAGE_KEY)), modes.CBC(b"\0" * 16)).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize())


@contextmanager
def webhooks() -> Iterator[Webhooks]:
    with aws(("shops", "idempotency")):
        create_queues()
        repo = DynamoShopRepository(Envelope(LocalKeyWrapper(os.urandom(32))))
        with bootstrap.override(shops=repo), Client(app, stage_name="test") as client:
            _register(Platform.DOUYIN, DOUYIN_SELLER, DOUYIN_KEY, {})
            wechat = _register(Platform.WECHAT, WX_APPID, WX_APPID,
                               {"push_token": WX_TOKEN, "encoding_aes_key": WX_AES})
            _register(Platform.KUAISHOU, KS_SELLER, KS_KEY, {"message_key": KS_MESSAGE_KEY})
            xhs = _register(Platform.XHS, XHS_SELLER, "xhs-fake-app", {"push_secret": XHS_PUSH_SECRET})
            yield Webhooks(client, wechat, xhs)
        bootstrap.reset()


def _register(platform: Platform, seller_id: str, app_key: str, extra: dict[str, str]) -> str:
    secret = DOUYIN_SECRET if platform is Platform.DOUYIN else "fake-app-secret"
    secrets = ShopSecrets(secret, "fake-access", "fake-refresh", tuple(sorted(extra.items())))
    return register_shop(bootstrap.shops(), name="语料店", platform=platform, seller_id=seller_id,
                         app_key=app_key, secrets=secrets).shop_id
