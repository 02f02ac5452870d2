"""TMC (消息服务) as a poll that fits a scheduled Lambda: taobao.tmc.messages.consume returns a batch,
the caller processes it and confirms the ids it handled; TMC hands unconfirmed messages out again.

A message is only a trigger (reference §1.8: no per-message signature; trust comes from our signed
call). The pipeline re-fetches the trade or refund through the API before acting on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.platforms.http import Transport
from chalicelib.platforms.taobao.gateway import TopGateway, items
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.platform_types import SHANGHAI, PushEvent, ShopCredentials

KINDS = {"taobao_trade_": "order", "taobao_refund_": "after_sale"}
MIN_BATCH, MAX_BATCH = 10, 200  # consume's `quantity` range; confirm takes at most 200 ids
DEFAULT_GROUP = "default"


class TmcFeed:
    def __init__(
        self, credentials: ShopCredentials, transport: Transport, group_name: str = DEFAULT_GROUP
    ) -> None:
        self.gateway = TopGateway(credentials, transport)
        self.group_name = group_name

    def permit(self, topics: Sequence[str] = ()) -> None:
        """Once per seller, with that seller's session: no messages flow for a seller until then.
        Without topics the seller inherits the app's subscriptions."""
        self.gateway.call("taobao.tmc.user.permit", {"topics": ",".join(topics)} if topics else {})

    def consume(self, quantity: int = 100) -> list[PushEvent]:
        """One batch. Messages on topics we do not handle are confirmed at once, so they stop coming back."""
        size = max(MIN_BATCH, min(MAX_BATCH, quantity))
        body = self.gateway.call(
            "taobao.tmc.messages.consume", {"group_name": self.group_name, "quantity": size}, session=False
        )
        events: list[PushEvent] = []
        ignored: list[str] = []
        for message in items(body.get("messages"), "tmc_message"):
            event = to_event(message)
            if event is None:
                ignored.append(str(message.get("id")))
            else:
                events.append(event)
        if ignored:
            self.confirm(ignored)
        return events

    def confirm(self, message_ids: Iterable[str]) -> None:
        ids = [str(i) for i in message_ids]
        for offset in range(0, len(ids), MAX_BATCH):
            chunk = ",".join(ids[offset : offset + MAX_BATCH])
            body = self.gateway.call(
                "taobao.tmc.messages.confirm",
                {"group_name": self.group_name, "s_message_ids": chunk},
                session=False,
            )
            if body.get("is_success") is False:
                raise TransientError("tmc.messages.confirm returned is_success=false", platform="taobao")


def to_event(message: Mapping[str, Any]) -> PushEvent | None:
    topic = str(message.get("topic") or "")
    kind = next((k for prefix, k in KINDS.items() if topic.startswith(prefix)), None)
    content = _content(message.get("content"))
    if kind is None or content is None or not content.get("tid"):
        return None
    case_id = str(content.get("refund_id") or "")
    if kind == "after_sale" and not case_id:
        return None
    return PushEvent(
        platform=Platform.TAOBAO,
        kind=kind,
        event_type=topic,
        seller_id=str(message.get("user_id") or ""),
        order_no=str(content["tid"]),
        message_id=str(message["id"]),
        occurred_at=_pub_time(message.get("pub_time")),
        case_id=case_id,
        payload={**message, "content": content},
    )


def _content(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(str(raw))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _pub_time(raw: Any) -> datetime:
    text = str(raw or "")
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    return datetime.now(SHANGHAI)
