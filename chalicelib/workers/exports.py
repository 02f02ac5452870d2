"""The exports consumer: one message per export job (services/export_jobs.py). A whole export runs in one
delivery (pages of 200 rows streamed to /tmp, then one multipart upload); a duplicate delivery finds the
job claimed and leaves; a run whose function died is taken over when its lease has lapsed."""
from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=names.queue_name("exports"), batch_size=1)
def on_export_job(event: Any) -> dict[str, Any]:
    from chalicelib.services.export_jobs import run_export
    deps = bootstrap.export_deps()

    def handle(body: str, record: Any) -> None:
        run_export(deps, str(json.loads(body)["export_id"]))
    return consume(event, handle)
