"""Exports in the background (issue 26 item 3). A request checks the kind, format and filters, records a
queued job and sends one message; the exports consumer then reads the list in pages of 200, streams the
rows into a file on the function's disk (services/export_writers.py), records progress every few pages,
uploads the file (multipart) and keeps its key; `GET /admin/exports/{id}` hands out a short-lived URL.

One run per job at a time: a run claims the job with a lease (a conditional write); a duplicate delivery
finds it claimed and leaves; a run whose worker died is taken over once its lease has lapsed (the queue
delivers the message again after its visibility timeout). A run that fails says why in the job. Both ends
are in the audit log: the request as every admin call is, the outcome by the worker."""
from __future__ import annotations

import json
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.exports import LEASE, ExportFormat, ExportJob, ExportKind, ExportState, new_export_id
from chalicelib.services.export_ports import ExportFiles, ExportStore
from chalicelib.services.export_tables import TABLES, Context, Sources
from chalicelib.services.export_writers import CONTENT_TYPES, open_sink
from chalicelib.services.ports import Clock, Publisher

QUEUE = "exports"
PROGRESS_EVERY_PAGES = 5
URL_SECONDS = 300
KEY_PREFIX = "exports/"
log = logging.getLogger("oms.exports")
Audit = Callable[..., object]       # services/audit.py `record` bound to the log and the clock


@dataclass(frozen=True)
class Request:
    kind: ExportKind
    format: ExportFormat
    language: str
    query: dict[str, Any]
    filters: dict[str, Any]
    total: int | None = None


def start_export(store: ExportStore, publisher: Publisher, clock: Clock, request: Request, actor: str) -> ExportJob:
    now = clock.now()
    job = ExportJob(new_export_id(now), request.kind, request.format, request.language, request.query,
                    request.filters, actor, now, now, total=request.total)
    store.add(job)
    publisher.publish(QUEUE, [(json.dumps({"export_id": job.export_id}), job.export_id, job.export_id)])
    return job


def get_export(store: ExportStore, export_id: str) -> ExportJob:
    job = store.get(export_id)
    if job is None:
        raise NotFoundError(f"no export {export_id}", reason="exports.not_found")
    return job


def export_view(job: ExportJob, files: ExportFiles | None = None) -> dict[str, Any]:
    url = files.download_url(job.key, job.filename, URL_SECONDS) if files and job.state is ExportState.DONE else None
    return {"export_id": job.export_id, "kind": job.kind.value, "format": job.format.value,
            "language": job.language, "filters": job.filters, "state": job.state.value, "rows": job.rows,
            "total": job.total, "size": job.size, "filename": job.filename, "error": job.error,
            "requested_by": job.requested_by, "created_at": job.created_at.isoformat(),
            "updated_at": job.updated_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "download_url": url, "url_expires_in": URL_SECONDS if url else None}


# ------------------------------------------------------------------ the worker
@dataclass(frozen=True)
class ExportDeps:
    store: ExportStore
    files: ExportFiles
    sources: Sources
    clock: Clock
    shop_names: Callable[[], dict[str, str]]
    audit: Audit
    workdir: Path | None = None            # None: the system's temp dir (Lambda's /tmp)


class LostLease(Exception):
    """Another run took the job over (this one was too slow): it stops without touching the job."""


def run_export(deps: ExportDeps, export_id: str) -> None:
    job = deps.store.get(export_id)
    if job is None or not job.can_run(deps.clock.now()):
        return
    try:
        job = _claim(deps, job)
    except ConflictError:
        return          # another delivery claimed it first
    try:
        job = _write_and_upload(deps, job)
    except LostLease:
        return
    except Exception as exc:
        log.exception("export failed", extra={"export_id": export_id})
        _finish(deps, job, ExportState.FAILED, error=f"{type(exc).__name__}: {exc}"[:300])
        return
    _audit(deps, job, "export.finished", 200)


def _claim(deps: ExportDeps, job: ExportJob) -> ExportJob:
    now = deps.clock.now()
    claimed = replace(job, state=ExportState.RUNNING, run_id=secrets.token_hex(8), lease_until=now + LEASE,
                      rows=0, updated_at=now)
    deps.store.save(claimed, job.revision)
    return replace(claimed, revision=job.revision + 1)


def _write_and_upload(deps: ExportDeps, job: ExportJob) -> ExportJob:
    table = TABLES[job.kind]
    ctx = Context(deps.shop_names(), job.language)
    with tempfile.TemporaryDirectory(dir=deps.workdir) as tmp:
        path = Path(tmp) / job.filename
        sink = open_sink(job.format, path, table.sheet[job.language], table.headers(job.language))
        rows = 0
        try:
            for n, items in enumerate(table.pages(deps.sources, job.query), start=1):
                for row in table.rows(items, ctx):
                    sink.append(row)
                    rows += 1
                if n % PROGRESS_EVERY_PAGES == 0:
                    job = _progress(deps, job, rows)
        finally:
            sink.close()
        key = f"{KEY_PREFIX}{job.export_id}/{job.filename}"
        size = deps.files.upload(path, key, CONTENT_TYPES[job.format], job.filename)
    return _finish(deps, job, ExportState.DONE, rows=rows, key=key, size=size)


def _progress(deps: ExportDeps, job: ExportJob, rows: int) -> ExportJob:
    now = deps.clock.now()
    return _save_own(deps, job, replace(job, rows=rows, lease_until=now + LEASE, updated_at=now))


def _finish(deps: ExportDeps, job: ExportJob, state: ExportState, **changes: Any) -> ExportJob:
    now = deps.clock.now()
    done = replace(job, state=state, updated_at=now, finished_at=now, lease_until=None, **changes)
    saved = _save_own(deps, job, done)
    if state is ExportState.FAILED:
        _audit(deps, saved, "export.failed", 500)
    return saved


def _save_own(deps: ExportDeps, job: ExportJob, updated: ExportJob) -> ExportJob:
    """Writes the run's own change; a lost race re-reads: if the job is still this run's (a reader never
    writes, but be sure), the change goes on top; if another run holds it, this one stops."""
    for _ in range(5):
        try:
            deps.store.save(updated, job.revision)
            return replace(updated, revision=job.revision + 1)
        except ConflictError:
            current = deps.store.get(job.export_id)
            if current is None or current.run_id != job.run_id:
                raise LostLease(job.export_id) from None
            updated = replace(updated, revision=current.revision)
            job = current
    raise ConflictError(f"export {job.export_id} kept changing")


def _audit(deps: ExportDeps, job: ExportJob, action: str, status: int) -> None:
    deps.audit(actor=job.requested_by, actor_kind="system", action=action, target=f"export/{job.export_id}",
               status=status, after={"kind": job.kind.value, "format": job.format.value, "rows": job.rows,
                                     "filters": job.filters, "error": job.error or None})
