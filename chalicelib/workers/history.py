"""The daily history for Athena (services/history.py): at 02:30 in Asia/Shanghai, yesterday's changed
orders and after-sale cases to S3. An event may name another day ({"day": "YYYY-MM-DD"}) to rewrite it
(a repair: the day's objects are replaced whole)."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Cron

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.history")


@bp.schedule(Cron(30, 18, "*", "*", "?", "*"))      # 02:30 in Asia/Shanghai, once the day is over
def write_daily_history(event: Any) -> dict[str, Any]:
    from datetime import date

    from chalicelib.services.history import HistoryDeps, write_day, yesterday
    from chalicelib.storage.bucket_files import S3ExportFiles
    from chalicelib.storage.history import DynamoChangedRecords
    # not bootstrap.export_deps(): this function's role reaches the orders, the after-sales and the data bucket only
    deps = HistoryDeps(records=DynamoChangedRecords(), files=S3ExportFiles(), clock=bootstrap.clock())
    raw: dict[str, Any] = event.to_dict() if hasattr(event, "to_dict") else {}
    asked = raw.get("day")
    day = date.fromisoformat(asked) if asked else yesterday(bootstrap.clock())
    rows = write_day(deps, day)
    log.info("history written", extra={"day": day.isoformat(), "rows": rows})
    return {"day": day.isoformat(), **rows}
