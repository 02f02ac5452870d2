"""EventBridge schedule expressions: `rate(N minute|minutes|hour|hours|day|days)` and the six-field
`cron(minutes hours day-of-month month day-of-week year)` (day-of-week 1-7 = SUN-SAT, `?`, `L` for the
last day of the month, ranges, lists, steps, names). Times are UTC, as in EventBridge."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}


@dataclass(frozen=True)
class Rate:
    seconds: int

    def next_after(self, start: datetime, now: datetime) -> datetime:
        """The first fire strictly after `now` on the grid start + k * interval."""
        periods = int((now - start).total_seconds() // self.seconds) + 1
        return start + timedelta(seconds=periods * self.seconds)


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        part, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if part in ("*", "?"):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            first, last = _value(a, names), _value(b, names)
        else:
            first = _value(part, names)
            last = high if step != 1 else first
        if not (low <= first <= high and low <= last <= high) or step < 1:
            raise ValueError(f"cron field {text!r} is out of range {low}-{high}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    upper = text.upper()
    if names and upper in names:
        return names[upper]
    if not text.isdigit():
        raise ValueError(f"unsupported cron value {text!r} (L, W and # are only partly supported)")
    return int(text)


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None          # None: `?` or `*`
    last_day: bool
    months: frozenset[int]
    weekdays: frozenset[int] | None      # 1-7 = SUN-SAT; None: `?` or `*`
    years: frozenset[int] | None

    @classmethod
    def parse(cls, body: str) -> Cron:
        fields = body.split()
        if len(fields) != 6:
            raise ValueError(f"cron needs 6 fields (min hour day month weekday year), got {body!r}")
        minute, hour, dom, month, dow, year = fields
        last_day = dom.upper() == "L"
        days = None if dom in ("?", "*") or last_day else _field(dom, 1, 31)
        weekdays = None if dow in ("?", "*") else _field(dow, 1, 7, _DAYS)
        if (days is not None or last_day) and weekdays is not None:
            raise ValueError("cron: day-of-month and day-of-week cannot both be set (use ? in one)")
        return cls(_field(minute, 0, 59), _field(hour, 0, 23), days, last_day, _field(month, 1, 12, _MONTHS),
                   weekdays, None if year == "*" else _field(year, 1970, 2199))

    def _day_matches(self, t: datetime) -> bool:
        if self.last_day:
            return t.day == calendar.monthrange(t.year, t.month)[1]
        if self.weekdays is not None:
            return (t.isoweekday() % 7) + 1 in self.weekdays
        return self.days is None or t.day in self.days

    def next_after(self, start: datetime, now: datetime) -> datetime:
        del start
        t = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = now + timedelta(days=366 * 5)
        while t <= limit:
            if (self.years is not None and t.year not in self.years) or t.month not in self.months:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            elif not self._day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
            elif t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
            elif t.minute not in self.minutes:
                t += timedelta(minutes=1)
            else:
                return t
        raise ValueError("cron expression never fires in the next five years")


Schedule = Rate | Cron


def parse(expression: str) -> Schedule:
    text = expression.strip()
    if m := _RATE.match(text):
        count, unit = int(m.group(1)), m.group(2).rstrip("s")
        if count < 1:
            raise ValueError(f"rate must be positive: {expression}")
        return Rate(count * _UNIT_SECONDS[unit])
    if m := _CRON.match(text):
        return Cron.parse(m.group(1))
    raise ValueError(f"unsupported schedule expression {expression!r}")
