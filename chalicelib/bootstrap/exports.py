"""The exports' and the daily history's adapters, built once per process like bootstrap's (replaced the same
way in tests: bootstrap.override(export_store=..., export_files=...)). Kept beside bootstrap.py so that
file stays short (as bootstrap.py is): a part of the composition root, its imports inside the builders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.export_jobs import ExportDeps
    from chalicelib.services.export_ports import ExportFiles, ExportStore
    from chalicelib.services.export_tables import Sources
    from chalicelib.services.ports import OrderRepository

__all__ = ["export_deps", "export_files", "export_orders", "export_sources", "export_store"]


def export_store() -> ExportStore:
    def build() -> Any:
        from chalicelib.storage.exports import DynamoExportStore

        return DynamoExportStore()

    return bootstrap._get("export_store", build)


def export_files() -> ExportFiles:
    def build() -> Any:
        from chalicelib.storage.exports import S3ExportFiles

        return S3ExportFiles()

    return bootstrap._get("export_files", build)


def export_orders() -> OrderRepository:
    """Read only, so without the ERP notes bootstrap.orders() adds to every write."""

    def build() -> Any:
        from chalicelib.storage.orders import DynamoOrderRepository

        return DynamoOrderRepository()

    return bootstrap._get("export_orders", build)


def export_sources() -> Sources:
    from chalicelib.services.export_tables import Sources

    return Sources(
        orders=export_orders(),
        cases=bootstrap.after_sale_queries(),
        shipments=bootstrap.shipments(),
        stock=bootstrap.stock(),
        erp_skus=bootstrap.erp_skus(),
        reports=bootstrap.report_store(),
    )


def export_deps() -> ExportDeps:
    from functools import partial

    from chalicelib.services.audit import record
    from chalicelib.services.export_jobs import ExportDeps

    return ExportDeps(
        store=export_store(),
        files=export_files(),
        sources=export_sources(),
        clock=bootstrap.clock(),
        shop_names=lambda: {s.shop_id: s.name for s in bootstrap.shops().all()},
        audit=partial(record, bootstrap.audit_log(), bootstrap.clock()),
    )
