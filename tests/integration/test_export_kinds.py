"""Every kind of export besides orders writes its list's rows (issue 26 item 3): after-sales and shipments
read from their tables in moto under the list's filters, stock from the ledger with the ERP SKUs' names;
Chinese headers, yuan."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.exports import ExportFormat, ExportKind
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.platform import Platform
from chalicelib.domain.shipping import Shipment, ShipmentLine
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, ShipmentStatus
from chalicelib.services.export_jobs import ExportDeps, Request, run_export, start_export
from chalicelib.services.export_tables import Sources
from tests import fakes
from tests.aws import aws
from tests.export_kit import DirectoryFiles, InMemoryExportStore

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


@pytest.fixture
def world(tmp_path: Path) -> Any:
    from chalicelib.storage.after_sales import DynamoAfterSaleRepository
    from chalicelib.storage.after_sales_queries import DynamoAfterSaleQueries
    from chalicelib.storage.shipments import DynamoShipmentRepository
    with aws(("after_sales", "shipments")), bootstrap.override(clock=fakes.FixedClock(NOW)):
        stock, skus = fakes.InMemoryStockLedger(), fakes.InMemoryErpSkuRepository()
        sources = Sources(orders=fakes.InMemoryOrderRepository(), cases=DynamoAfterSaleQueries(),
                          shipments=DynamoShipmentRepository(), stock=stock, erp_skus=skus)
        deps = ExportDeps(store=InMemoryExportStore(), files=DirectoryFiles(tmp_path / "bucket"), sources=sources,
                          clock=fakes.FixedClock(NOW), shop_names=lambda: {"S1": "旗舰店"}, audit=lambda **e: None,
                          workdir=tmp_path)
        yield {"deps": deps, "cases": DynamoAfterSaleRepository(), "shipments": sources.shipments, "stock": stock,
               "skus": skus}


def _export(world: Any, kind: str, filters: dict[str, str]) -> list[dict[str, str]]:
    from chalicelib.api.exports import _resolve
    query, _ = _resolve(kind, filters)
    deps = world["deps"]
    job = start_export(deps.store, fakes.RecordingPublisher(), deps.clock,
                       Request(ExportKind(kind), ExportFormat.CSV, "zh", query, filters), "ops")
    run_export(deps, job.export_id)
    done = deps.store.get(job.export_id)
    assert done is not None and done.state.value == "done", done
    return list(csv.DictReader(io.StringIO(deps.files.read(done.key).decode("utf-8").lstrip("\ufeff"))))


def _case(n: int, status: AfterSaleStatus) -> AfterSale:
    return AfterSale(case_id=f"S1-R{n}", shop_id="S1", platform=Platform.TAOBAO, platform_case_id=f"R{n}",
                     order_id=f"S1-{n}", order_no=str(n), type=AfterSaleType.RETURN_AND_REFUND, status=status,
                     platform_status="X", refund_fen=1234 + n, reason="尺码不合适", created_at=NOW, modified_at=NOW)


def test_given_after_sales_when_exported_with_a_status_filter_then_only_those_in_chinese_and_yuan(world: Any) -> None:
    world["cases"].add(_case(1, AfterSaleStatus.PENDING_REVIEW))
    world["cases"].add(_case(2, AfterSaleStatus.REFUNDED))

    rows = _export(world, "after_sales", {"status": "pending_review"})

    assert [(r["售后单号"], r["类型"], r["状态"], r["退款金额(元)"], r["原因"], r["店铺"]) for r in rows] == [
        ("R1", "退货退款", "待审核", "12.35", "尺码不合适", "旗舰店")]


def test_given_shipments_when_exported_for_a_day_then_that_days_shipments(world: Any) -> None:
    for n, day in ((1, NOW), (2, datetime(2026, 11, 1, 4, 0, tzinfo=UTC))):
        world["shipments"].add(Shipment(f"S1-{n}-SF-{n}", f"S1-{n}", "S1", "SF", f"SF{n}",
                                        (ShipmentLine("l1", 2),), ShipmentStatus.CONFIRMED, day, "erp:key"))

    rows = _export(world, "shipments", {"from": "2026-12-07", "to": "2026-12-07"})

    assert [(r["运单号"], r["快递公司编码"], r["件数"], r["店铺"]) for r in rows] == [("SF1", "SF", "2", "旗舰店")]


def test_given_stock_when_exported_then_each_sku_with_its_name_and_cost_in_yuan(world: Any) -> None:
    world["skus"].add(ErpSku("MC-1", "纯棉短袖T恤", spec="白色 M", cost_fen=1990))
    world["stock"].set_on_hand(Movement("MC-1", MovementKind.SET, 7, "set:1", "user:ops", NOW))

    rows = _export(world, "stock", {})

    assert [(r["SKU 编码"], r["名称"], r["在库"], r["可用"], r["成本价(元)"]) for r in rows] == [
        ("MC-1", "纯棉短袖T恤", "7", "7", "19.90")]
