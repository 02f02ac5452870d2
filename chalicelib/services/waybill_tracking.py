"""Tracking: the latest logistics state of shipped waybills, from the platform where it offers one.
Refreshed now for one waybill (the operator asks), or on a schedule for those shipped and not delivered,
bounded per run (a shard walk with a budget) so a run fits its Lambda however many are due."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain import waybills as wb
from chalicelib.domain.errors import ConflictError, DomainError, InvalidTransitionError
from chalicelib.domain.waybills import TrackEvent, TrackingInfo, TrackingState, Waybill, WaybillStatus
from chalicelib.services.carriers import our_carrier, platform_carrier
from chalicelib.services.platform_errors import PlatformError
from chalicelib.services.platform_types import Tracking
from chalicelib.services.waybill_accounts import get_shop
from chalicelib.services.waybills import WaybillDeps, get_waybill

log = logging.getLogger("oms.tracking")
EVERY = timedelta(minutes=30)
NOT_OFFERED_RETRY = timedelta(hours=6)       # a platform without tracking is asked again rarely
MAX_EVENTS = 30


@dataclass(frozen=True)
class RefreshSummary:
    refreshed: int = 0
    delivered: int = 0
    failed: int = 0
    unsupported: int = 0


def refresh_one(deps: WaybillDeps, waybill_id: str) -> Waybill:
    waybill = get_waybill(deps, waybill_id)
    if waybill.status is not WaybillStatus.SHIPPED:
        raise InvalidTransitionError(f"waybill {waybill.waybill_no} is {waybill.status.value}: "
                                     "tracking starts once it ships")
    try:
        return _refresh(deps, waybill)
    except NotImplementedError as exc:
        raise InvalidTransitionError(f"{waybill.platform} offers no tracking here") from exc


def _refresh(deps: WaybillDeps, waybill: Waybill) -> Waybill:
    client = deps.clients(get_shop(deps, waybill.shop_id))
    now = deps.clock.now()
    track = getattr(client, "track", None)       # clients gain track() platform by platform
    if not callable(track):
        raise NotImplementedError(f"the {waybill.platform} client has no track()")
    tracking = track(ship_carrier(deps, waybill), waybill.waybill_no, waybill.order_nos[0])
    updated = wb.tracked(waybill, _info(tracking, now), now + EVERY)
    deps.waybills.save(updated, waybill.revision)
    return replace(updated, revision=waybill.revision + 1)


def ship_carrier(deps: WaybillDeps, waybill: Waybill) -> str:
    """The carrier code the parcel shipped under on the platform (Kuaishou's e-waybill and shipping codes
    differ: "YTO" issues, "3" ships); tracking asks by the shipping one."""
    try:
        return platform_carrier(deps.platforms, waybill.platform,
                                our_carrier(deps.platforms, waybill.platform, waybill.carrier_code))
    except (DomainError, PlatformError):
        return waybill.carrier_code


def _info(tracking: Tracking, now: datetime) -> TrackingInfo:
    try:
        state = TrackingState(tracking.state)
    except ValueError:
        state = TrackingState.UNKNOWN
    events = tuple(TrackEvent(e.at, e.description) for e in tracking.events[:MAX_EVENTS])
    return TrackingInfo(state=state, updated_at=now, events=events)


def refresh_due(deps: WaybillDeps, *, budget: int = 200, time_left: Callable[[], float] = lambda: 600.0
                ) -> RefreshSummary:
    """Every shard's due waybills, oldest due first, until the budget or the time runs out; the rest are
    still due next run. One failure never stops the run: its waybill is looked at again next time."""
    now = deps.clock.now()
    counts = {"refreshed": 0, "delivered": 0, "failed": 0, "unsupported": 0}
    per_shard = max(1, budget // wb.TRACKING_SHARDS)
    for shard in range(wb.TRACKING_SHARDS):
        for waybill in deps.waybills.due_for_tracking(str(shard), now, per_shard):
            if time_left() < 30:
                return RefreshSummary(**counts)
            counts[_refresh_due_one(deps, waybill, now)] += 1
    return RefreshSummary(**counts)


def _refresh_due_one(deps: WaybillDeps, waybill: Waybill, now: datetime) -> str:
    try:
        updated = _refresh(deps, waybill)
    except NotImplementedError:
        _postpone(deps, waybill, now + NOT_OFFERED_RETRY)
        return "unsupported"
    except (PlatformError, ConflictError) as exc:
        log.warning("tracking refresh failed", extra={"waybill_id": waybill.waybill_id, "error": str(exc)})
        _postpone(deps, waybill, now + EVERY)
        return "failed"
    return "delivered" if updated.next_track_at is None else "refreshed"


def _postpone(deps: WaybillDeps, waybill: Waybill, until: datetime) -> None:
    with contextlib.suppress(ConflictError):     # changed meanwhile (refreshed by hand): that stands
        deps.waybills.save(replace(waybill, next_track_at=until), waybill.revision)
