"""The sandbox's state: one ISV app, its sellers with their trades, refunds, catalog, Cainiao branches
and waybills, the OAuth grants, and the app's TMC queue."""

from __future__ import annotations

import itertools
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from local.sandbox.core import SHANGHAI, Clock, DataGen, FakePerson
from local.sandbox.taobao import datagen
from local.sandbox.taobao.errors import TopError
from local.sandbox.taobao.model import Branch, Grant, Item, ModifiedIndex, Refund, Trade, Waybill
from local.sandbox.taobao.tmc import TmcQueue
from local.sandbox.tracking import Tracks

APP_KEY = "23456789"
APP_SECRET = "sandbox-secret-not-real"
ACCESS_TTL = timedelta(days=1)
REFRESH_TTL = timedelta(days=30)


@dataclass
class Seller:
    seller_id: str
    nick: str
    items: dict[int, Item]
    branches: list[Branch]
    trades: dict[int, Trade] = field(default_factory=dict)
    trade_index: ModifiedIndex = field(default_factory=ModifiedIndex)
    refunds: dict[int, Refund] = field(default_factory=dict)
    refund_index: ModifiedIndex = field(default_factory=ModifiedIndex)
    waybills: dict[str, Waybill] = field(default_factory=dict)

    def trade(self, tid: int) -> Trade | None:
        return self.trades.get(tid)


class Store:
    def __init__(self, seed: int, clock: Clock) -> None:
        self.gen = DataGen(seed)
        self.rng = random.Random(seed)
        self.clock = clock
        self.apps = {APP_KEY: APP_SECRET}
        self.sellers: dict[str, Seller] = {}
        self.grants: dict[str, Grant] = {}  # by access token
        self.refresh_grants: dict[str, Grant] = {}  # by refresh token
        self.codes: dict[str, str] = {}  # authorisation code -> seller id
        self.tmc = TmcQueue(APP_KEY)
        self.tracks = Tracks()
        self._tids = itertools.count(4_100_000_000_000_000_000 + seed * 10_000_000)
        self._refund_ids = itertools.count(210_000_000_000_000 + seed * 1_000_000)
        self._waybill_seq = itertools.count(1)

    def now(self) -> datetime:
        return self.clock().astimezone(SHANGHAI).replace(microsecond=0)

    # ------------------------------------------------------------ sellers and grants
    def add_seller(self) -> Seller:
        index = len(self.sellers) + 1
        seller_id = str(2_200_000_000 + index * 7919)
        seller = Seller(
            seller_id=seller_id,
            nick=f"{self.gen.fake.company_prefix()}旗舰店{index}",
            items=datagen.catalog(self.gen, index, self.now()),
            branches=datagen.branches(self.gen, 60_000 + index),
        )
        self.sellers[seller_id] = seller
        return seller

    def seller(self, seller_id: str) -> Seller:
        if seller_id not in self.sellers:
            raise KeyError(f"no sandbox seller {seller_id}")
        return self.sellers[seller_id]

    def issue_grant(self, seller_id: str) -> Grant:
        now = self.now()
        grant = Grant(
            seller_id=seller_id,
            access_token="6201" + secrets.token_hex(20),
            refresh_token="6202" + secrets.token_hex(20),
            expires_at=now + ACCESS_TTL,
            refresh_expires_at=now + REFRESH_TTL,
        )
        for old in [g for g in self.grants.values() if g.seller_id == seller_id]:
            old.revoked = True  # a refresh retires the previous access token
        self.grants[grant.access_token] = grant
        self.refresh_grants[grant.refresh_token] = grant
        return grant

    def session_seller(self, token: str) -> Seller:
        if not token:
            raise TopError(26, "Missing session", "", "session is required for this API")
        grant = self.grants.get(token)
        if grant is None or grant.revoked:
            raise TopError(27, "Invalid session", "invalid-sessionkey", "SessionKey非法")
        if grant.expires_at <= self.now():
            raise TopError(27, "Invalid session:session-expired", "session-expired", "session已过期")
        return self.sellers[grant.seller_id]

    def current_grant(self, seller_id: str) -> Grant:
        live = [g for g in self.grants.values() if g.seller_id == seller_id and not g.revoked]
        return live[-1]

    # ------------------------------------------------------------ ids and changes
    def new_tid(self) -> int:
        return next(self._tids)

    def new_refund_id(self) -> int:
        return next(self._refund_ids)

    def new_waybill_no(self, cp_code: str) -> str:
        serial = f"{next(self._waybill_seq):08d}"
        prefix = {"ZTO": "78", "YUNDA": "43", "SF": "SF14", "YTO": "YT", "STO": "77"}.get(cp_code, cp_code)
        return f"{prefix}{self.rng.randint(10000, 99999)}{serial}"

    def save_trade(self, seller: Seller, trade: Trade, topic: str = "", at: datetime | None = None) -> None:
        trade.modified = at or self.now()
        seller.trades[trade.tid] = trade
        seller.trade_index.put(trade.tid, trade.modified)
        if topic:
            self.publish_trade(seller, trade, topic)

    def publish_trade(self, seller: Seller, trade: Trade, topic: str) -> None:
        self.tmc.publish(seller.seller_id, seller.nick, "taobao_trade_" + topic, _trade_content(trade), trade.modified)

    def save_refund(self, seller: Seller, refund: Refund, topic: str) -> None:
        refund.modified = self.now()
        seller.refunds[refund.refund_id] = refund
        seller.refund_index.put(refund.refund_id, refund.modified)
        self.tmc.publish(
            seller.seller_id, seller.nick, "taobao_refund_" + topic, _refund_content(refund, seller), refund.modified
        )

    def receiver_by_oaid(self, seller: Seller, oaid: str, tid: int) -> FakePerson | None:
        trade = seller.trade(tid)
        return trade.receiver if trade is not None and trade.oaid == oaid else None


def _trade_content(trade: Trade) -> dict[str, Any]:
    return {
        "tid": trade.tid,
        "oid": trade.lines[0].oid,
        "seller_nick": trade.seller_nick,
        "buyer_nick": trade.buyer_nick,
        "payment": yuan(trade.payment),
        "type": trade.type,
        "status": trade.status,
    }


def _refund_content(refund: Refund, seller: Seller) -> dict[str, Any]:
    return {
        "refund_id": refund.refund_id,
        "tid": refund.tid,
        "oid": refund.oid,
        "seller_nick": seller.nick,
        "refund_fee": yuan(refund.refund_fee),
        "refund_phase": refund.refund_phase,
        "refund_version": refund.refund_version,
        "modified": refund.modified.strftime("%Y-%m-%d %H:%M:%S"),
    }


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
