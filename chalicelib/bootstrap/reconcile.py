"""The reconcile job's adapters (services/reconcile_jobs.py), composed from bootstrap's. Beside bootstrap.py
so that file stays short."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.reconcile_jobs import ReconcileJobDeps, ReconcileJobStarter

__all__ = ["platform_stock", "reconcile_deps", "reconcile_starter"]


def reconcile_starter() -> ReconcileJobStarter:
    from chalicelib.services.reconcile_jobs import ReconcileJobStarter

    return ReconcileJobStarter(bootstrap.link_jobs(), bootstrap.publisher(), bootstrap.clock(), bootstrap.shops())


def platform_stock(shop: Any) -> dict[str, int]:
    """The shop's stock as its platform's catalog API reports it now (each client's product list)."""
    from chalicelib.services.stock_reconcile import catalog_stock

    return catalog_stock(bootstrap.clients()(shop).list_products())


def reconcile_deps() -> ReconcileJobDeps:
    from chalicelib.services.reconcile_jobs import ReconcileJobDeps
    from chalicelib.services.warehouses import serving_warehouses

    reports = bootstrap.reconcile_reports()
    return ReconcileJobDeps(
        jobs=bootstrap.link_jobs(),
        publisher=bootstrap.publisher(),
        clock=bootstrap.clock(),
        shop=bootstrap.shops().get,
        catalog=bootstrap.shop_skus(),
        ledger=bootstrap.stock(),
        sync=bootstrap.stock_sync(),
        serving=lambda shop_id: serving_warehouses(bootstrap.warehouses(), shop_id),
        report_of=reports.get,
        save_report=reports.save_report,
        platform_stock=platform_stock,
    )
