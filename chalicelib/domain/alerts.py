"""Business alerts (pure): which events exist and how long one cause stays quiet after its alert, the three
bot kinds, and the quiet period. An alert is one event about one cause (a shop, a queue, an ERP client) in
one window: its id is fixed by (event, cause, window), so raising it again in the window is the same alert."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


class ChannelKind(StrEnum):
    DINGTALK = "dingtalk"      # 钉钉自定义机器人 (signed)
    WECOM = "wecom"            # 企业微信群机器人 (the key in the URL)
    FEISHU = "feishu"          # 飞书自定义机器人 (signed)


@dataclass(frozen=True)
class EventKind:
    window_hours: int          # one alert per cause per window
    title: str                 # the bot message's headline (the sellers read Chinese)


EVENTS: dict[str, EventKind] = {
    "shop.reauth_needed": EventKind(24, "店铺需要重新授权"),
    "shop.token_refresh_failing": EventKind(6, "店铺令牌刷新失败"),
    "action.refused": EventKind(24, "平台拒绝了回传或售后操作"),
    "queue.dead_letters": EventKind(6, "消息进入死信队列"),
    "orders.at_risk": EventKind(4, "订单即将发货超时"),
    "after_sale.deadline_near": EventKind(12, "售后处理时限将至"),
    "stock.below_safety": EventKind(24, "库存低于安全库存"),
    "erp.delivery_failing": EventKind(6, "ERP 推送失败"),
    "test": EventKind(0, "测试消息"),
}
EVENT_TYPES = tuple(e for e in EVENTS if e != "test")


@dataclass(frozen=True)
class Alert:
    event: str
    cause: str                 # what it is about: a shop id, a queue, an ERP key id, "<record>#<action>"
    text: str                  # the detail line(s) after the title
    raised_at: datetime

    @property
    def title(self) -> str:
        return EVENTS[self.event].title

    @property
    def window(self) -> int:
        hours = EVENTS[self.event].window_hours
        return int(self.raised_at.timestamp()) // (hours * 3600) if hours else int(self.raised_at.timestamp() * 1000)

    @property
    def alert_id(self) -> str:
        digest = hashlib.sha256(f"{self.event}|{self.cause}|{self.window}".encode()).hexdigest()[:24]
        return f"al_{digest}"

    @property
    def window_ends_at(self) -> datetime:
        hours = EVENTS[self.event].window_hours
        if not hours:
            return self.raised_at
        return datetime.fromtimestamp((self.window + 1) * hours * 3600, tz=self.raised_at.tzinfo or SHANGHAI)

    def message(self) -> str:
        return f"【旗航 OMS】{self.title}\n{self.text}"


@dataclass(frozen=True)
class QuietPeriod:
    """Alerts raised inside it are held and sent when it ends (China time). start == end: never quiet."""
    start: str = "23:00"
    end: str = "08:00"
    enabled: bool = False

    def resumes_at(self, now: datetime) -> datetime | None:
        """The end of the quiet period `now` falls in, or None outside it."""
        if not self.enabled or self.start == self.end:
            return None
        local = now.astimezone(SHANGHAI)
        start, end = parse_hhmm(self.start), parse_hhmm(self.end)
        clock = local.time()
        inside = start <= clock < end if start < end else (clock >= start or clock < end)
        if not inside:
            return None
        resume = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return resume if resume > local else resume + timedelta(days=1)


def parse_hhmm(value: str) -> time:
    """"HH:MM" (24 h); ValueError otherwise."""
    hours, _, minutes = value.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError(f"{value!r} is not HH:MM")
    return time(int(hours), int(minutes))
