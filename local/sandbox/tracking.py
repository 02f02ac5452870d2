"""Parcel tracks every sandbox serves through its platform's trace API: a parcel the sandbox shipped (an
order's or an after-sale's reissue/exchange parcel) is collected at its ship time and in transit; the
test hook `advance` moves it on (delivered, or exception), stamped with the sandbox clock. Deterministic:
no randomness, times come from the ship time and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

STATES = ("in_transit", "delivered", "exception")


@dataclass
class Track:
    waybill_no: str
    carrier: str
    shipped_at: datetime
    state: str = "in_transit"
    events: list[tuple[datetime, str]] = field(default_factory=list)   # oldest first


class Tracks:
    def __init__(self) -> None:
        self._tracks: dict[str, Track] = {}

    def ensure(self, waybill_no: str, carrier: str, shipped_at: datetime) -> Track:
        track = self._tracks.get(waybill_no)
        if track is None:
            track = Track(waybill_no, carrier, shipped_at, events=[
                (shipped_at, f"【{carrier}】快件已揽收"),
                (shipped_at + timedelta(minutes=30), "快件已发往转运中心，运输中"),
            ])
            self._tracks[waybill_no] = track
        return track

    def get(self, waybill_no: str) -> Track | None:
        return self._tracks.get(waybill_no)

    def advance(self, waybill_no: str, now: datetime, to: str = "delivered") -> Track:
        track = self._tracks[waybill_no]
        if to not in STATES[1:]:
            raise ValueError(f"a parcel moves on to delivered or exception, not {to!r}")
        if track.state == "in_transit":
            text = "快件已签收，签收人：本人" if to == "delivered" else "快件异常：收件人拒收，退回中"
            track.events.append((max(now, track.events[-1][0] + timedelta(seconds=1)), text))
            track.state = to
        return track

    def newest_first(self, waybill_no: str) -> list[tuple[datetime, str]]:
        return list(reversed(self._tracks[waybill_no].events))
