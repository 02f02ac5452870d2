"""The TMC queue of one app: messages appear as orders and refunds change, consume hands them out,
confirm removes them, and what is consumed but never confirmed comes back after a while."""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

DEFAULT_GROUP = "default"


@dataclass
class Message:
    id: int
    topic: str
    content: dict[str, Any]
    pub_time: datetime
    pub_app_key: str
    user_id: int
    user_nick: str

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "content": json.dumps(self.content, ensure_ascii=False),
            "pub_time": self.pub_time.strftime("%Y-%m-%d %H:%M:%S"),
            "pub_app_key": self.pub_app_key,
            "user_id": self.user_id,
            "user_nick": self.user_nick,
        }


class TmcQueue:
    def __init__(self, app_key: str, redeliver_after: timedelta = timedelta(seconds=60)) -> None:
        self.app_key = app_key
        self.redeliver_after = redeliver_after
        self.permitted: set[str] = set()
        self._ids = itertools.count(9_000_000_001)
        self._ready: OrderedDict[int, Message] = OrderedDict()
        self._leased: dict[int, tuple[Message, datetime]] = {}

    def publish(self, seller_id: str, seller_nick: str, topic: str, content: dict[str, Any], at: datetime) -> None:
        if seller_id not in self.permitted:
            return  # TMC sends nothing for a seller who never ran taobao.tmc.user.permit
        message = Message(next(self._ids), topic, content, at, "12497914", int(seller_id), seller_nick)
        self._ready[message.id] = message

    def consume(self, group: str, quantity: int, now: datetime) -> list[Message]:
        if group != DEFAULT_GROUP:
            return []
        self._return_expired(now)
        batch = [self._ready.popitem(last=False)[1] for _ in range(min(quantity, len(self._ready)))]
        for message in batch:
            self._leased[message.id] = (message, now + self.redeliver_after)
        return batch

    def confirm(self, group: str, ids: list[int]) -> None:
        if group != DEFAULT_GROUP:
            return
        for message_id in ids:
            self._leased.pop(message_id, None)
            self._ready.pop(message_id, None)

    def pending(self) -> int:
        return len(self._ready) + len(self._leased)

    def _return_expired(self, now: datetime) -> None:
        expired = sorted(i for i, (_, due) in self._leased.items() if due <= now)
        for message_id in expired:
            self._ready[message_id] = self._leased.pop(message_id)[0]
        if expired:  # redelivered messages go out in id order, ahead of newer ones
            self._ready = OrderedDict(sorted(self._ready.items()))
