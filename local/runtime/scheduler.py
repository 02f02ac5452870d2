"""Fires the app's own scheduled functions (`@app.schedule`) with the CloudWatch/EventBridge event.
A virtual clock runs `tick_scale` times faster than the wall clock, so demos and tests need not wait
for `rate(1 hour)`. A failing function is logged and fires again at its next time: never fatal."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import ScheduledEventConfig
from chalice.local import LambdaContext

from local.runtime.schedule_expr import Schedule, parse

log = logging.getLogger("local.schedules")


@dataclass(frozen=True)
class SchedulerOptions:
    region: str
    account_id: str
    tick_scale: float = 1.0        # virtual seconds per real second
    fire_on_start: bool = False    # fire each schedule once right after start
    memory_mb: int = 256
    timeout_ms: int = 900_000


class VirtualClock:
    def __init__(self, scale: float) -> None:
        if scale <= 0:
            raise ValueError("tick_scale must be positive")
        self.scale = scale
        self._wall = datetime.now(UTC)
        self._mono = time.monotonic()

    def now(self) -> datetime:
        return self._wall + timedelta(seconds=(time.monotonic() - self._mono) * self.scale)

    def real_seconds_until(self, when: datetime) -> float:
        return max(0.0, (when - self.now()).total_seconds() / self.scale)


def expression_text(source: ScheduledEventConfig) -> str:
    expression = source.schedule_expression
    return expression if isinstance(expression, str) else expression.to_string()


def scheduled_event(rule_arn: str, when: datetime, region: str, account_id: str) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": account_id, "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": region,
            "resources": [rule_arn], "detail": {}}


class ScheduleWorker:
    def __init__(self, app: Any, source: ScheduledEventConfig, schedule: Schedule, clock: VirtualClock,
                 options: SchedulerOptions) -> None:
        self.app = app
        self.source = source
        self.schedule = schedule
        self.clock = clock
        self.options = options
        self.rule_arn = (f"arn:aws:events:{options.region}:{options.account_id}:rule/"
                         f"{getattr(app, 'app_name', 'app')}-local-{source.name}")
        self.fired = 0
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"schedule-{source.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def fire(self, when: datetime) -> None:
        event = scheduled_event(self.rule_arn, when, self.options.region, self.options.account_id)
        context = LambdaContext(self.source.name, self.options.memory_mb, self.options.timeout_ms)
        try:
            self.app.handler_map[self.source.name](event, context)
        except Exception:
            self.failures += 1
            log.exception("scheduled %s failed at %s", self.source.name, event["time"])
        finally:
            self.fired += 1

    def _loop(self) -> None:
        start = self.clock.now()
        if self.options.fire_on_start:
            self.fire(start)
        while not self._stop.is_set():
            when = self.schedule.next_after(start, self.clock.now())
            if self._stop.wait(self.clock.real_seconds_until(when)):
                return
            self.fire(when)


class Scheduler:
    def __init__(self, app: Any, options: SchedulerOptions) -> None:
        self.clock = VirtualClock(options.tick_scale)
        self.workers: list[ScheduleWorker] = []
        for source in app.event_sources:
            if not isinstance(source, ScheduledEventConfig):
                continue
            text = expression_text(source)
            try:
                schedule = parse(text)
            except ValueError as e:
                log.error("schedule %s (%s) will not fire locally: %s", source.name, text, e)
                continue
            self.workers.append(ScheduleWorker(app, source, schedule, self.clock, options))

    def start(self) -> None:
        for worker in self.workers:
            worker.start()
            log.info("scheduling %s: %s (x%g)", worker.source.name, expression_text(worker.source),
                     self.clock.scale)

    def stop(self, timeout: float = 30.0) -> None:
        """Running functions get `timeout` seconds in all to finish."""
        for worker in self.workers:
            worker.stop()
        deadline = time.monotonic() + timeout
        for worker in self.workers:
            worker.join(max(0.0, deadline - time.monotonic()))
