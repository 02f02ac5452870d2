"""The export job's run: one run at a time under a lease, a dead run taken over, a failure recorded."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.exports import LEASE, ExportFormat, ExportJob, ExportKind, ExportState
from chalicelib.services.export_jobs import ExportDeps, Request, run_export, start_export
from chalicelib.services.export_tables import Sources
from tests import fakes
from tests.export_kit import DirectoryFiles, InMemoryExportStore
from tests.factories import make_order

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@pytest.fixture
def deps(tmp_path: Path) -> ExportDeps:
    orders = fakes.InMemoryOrderRepository()
    for n in range(1, 6):
        orders.add(make_order(n, "S1"))
    audit: list[dict[str, Any]] = []
    sources = Sources(orders=orders, cases=fakes.InMemoryAfterSaleQueries(fakes.InMemoryAfterSaleRepository()),
                      shipments=fakes.InMemoryShipmentRepository(), stock=fakes.InMemoryStockLedger(),
                      erp_skus=fakes.InMemoryErpSkuRepository())
    return ExportDeps(store=InMemoryExportStore(), files=DirectoryFiles(tmp_path / "bucket"), sources=sources,
                      clock=fakes.FixedClock(NOW), shop_names=lambda: {"S1": "旗舰店"},
                      audit=lambda **entry: audit.append(entry), workdir=tmp_path)


def _get(deps: ExportDeps, export_id: str) -> ExportJob:
    job = deps.store.get(export_id)
    assert job is not None
    return job


def _job(deps: ExportDeps) -> str:
    return start_export(deps.store, fakes.RecordingPublisher(), deps.clock,
                        Request(ExportKind.ORDERS, ExportFormat.CSV, "zh", {}, {}), "ops").export_id


def test_given_a_job_running_under_a_live_lease_when_delivered_again_then_it_is_left_alone(deps: ExportDeps) -> None:
    export_id = _job(deps)
    job = _get(deps, export_id)
    deps.store.save(replace(job, state=ExportState.RUNNING, run_id="other", lease_until=NOW + LEASE), job.revision)

    run_export(deps, export_id)

    assert _get(deps, export_id).state is ExportState.RUNNING and not deps.files.uploads


def test_given_a_run_whose_lease_lapsed_when_delivered_again_then_another_run_finishes_it(deps: ExportDeps) -> None:
    export_id = _job(deps)
    job = _get(deps, export_id)
    deps.store.save(replace(job, state=ExportState.RUNNING, run_id="dead", lease_until=NOW - timedelta(seconds=1),
                            rows=3), job.revision)

    run_export(deps, export_id)

    done = _get(deps, export_id)
    assert (done.state, done.rows, len(deps.files.uploads)) == (ExportState.DONE, 5, 1)


def test_given_a_list_that_fails_when_run_then_the_job_says_why_and_the_failure_is_audited(
        deps: ExportDeps) -> None:
    class Broken:
        def query(self, q: Any) -> Any:
            raise RuntimeError("table unavailable")
    audit: list[dict[str, Any]] = []
    broken = replace(deps, sources=replace(deps.sources, orders=Broken()), audit=lambda **e: audit.append(e))
    export_id = _job(broken)

    run_export(broken, export_id)

    failed = _get(deps, export_id)
    assert failed.state is ExportState.FAILED and "table unavailable" in failed.error
    assert [(e["action"], e["actor"], e["status"]) for e in audit] == [("export.failed", "ops", 500)]
