"""The reports consumer: folds every order a batch of ERP-note copies names into the report aggregates
(services/report_fold.py). The batch is one unit: its notes are triggers, merged per order and per
aggregate, so a batch of thousands of notes writes each touched aggregate once; if it fails, every note comes
back (re-folding is idempotent). Reserved concurrency 1 (infra/template.py): the aggregates have one writer."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.reports")

# SQS's most for a standard queue (with a batching window). Lambda also stops a batch at its 6 MB invocation
# payload: about 3,000 notes (bench/reports.py). The more notes share a batch, the fewer aggregate writes.
BATCH = 10_000
WINDOW_SECONDS = 20       # wait up to this long to fill a batch: fewer, larger batches, fewer writes


@bp.on_sqs_message(queue=names.queue_name("reports"), batch_size=BATCH,
                   maximum_batching_window_in_seconds=WINDOW_SECONDS)
def on_report_note(event: Any) -> dict[str, Any]:
    from chalicelib.services.report_fold import fold_notes
    records = event.to_dict()["Records"]
    moved = fold_notes(bootstrap.report_fold_deps(), [record["body"] for record in records])
    if moved:
        log.info("report aggregates folded", extra={"notes": len(records), "orders": moved})
    return {"batchItemFailures": []}
