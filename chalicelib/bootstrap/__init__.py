"""Composition root: builds the adapters on first use, each typed with the port it stands for, one module per
area. The adapter imports sit inside the builders for cold start (a route that never touches DynamoDB never
imports pynamodb, boto3 alone is ~1.0 s here; measured figures in api/__init__.py): importing this package
imports no adapter, and none of its modules either: a builder's module is imported the first time the
builder is asked for (PEP 562), so a cold start pays for the areas its first request uses, not all fourteen.
Tests replace any instance with a fake through `override(name=fake)`.

Every builder is reached as `bootstrap.<name>()`, whichever module holds it; the modules call each other the
same way, so an override or a rebuilt instance is seen everywhere."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chalicelib.bootstrap.registry import _get, _instances, override, reset

if TYPE_CHECKING:
    from chalicelib.bootstrap.alerts import *  # noqa: F403
    from chalicelib.bootstrap.catalogue import *  # noqa: F403
    from chalicelib.bootstrap.core import *  # noqa: F403
    from chalicelib.bootstrap.dropship import *  # noqa: F403
    from chalicelib.bootstrap.erp import *  # noqa: F403
    from chalicelib.bootstrap.exports import *  # noqa: F403
    from chalicelib.bootstrap.fulfil import *  # noqa: F403
    from chalicelib.bootstrap.inventory import *  # noqa: F403
    from chalicelib.bootstrap.links import *  # noqa: F403
    from chalicelib.bootstrap.pipeline import *  # noqa: F403
    from chalicelib.bootstrap.printing import *  # noqa: F403
    from chalicelib.bootstrap.reconcile import *  # noqa: F403
    from chalicelib.bootstrap.reports import *  # noqa: F403
    from chalicelib.bootstrap.review import *  # noqa: F403

__all__ = ["_get", "_instances", "override", "reset"]

# each module's __all__, by module (tests/unit/test_bootstrap_lazy.py holds the two equal). No module is named
# as a builder: importing a submodule binds its name on the package, which would hide the builder.
MODULES: dict[str, tuple[str, ...]] = {
    "alerts": (
        "alert_deps", "alert_ledger", "alert_scan_deps", "alert_settings", "alert_sink",
    ),
    "catalogue": (
        "_records", "brands", "categories", "goods", "goods_deps", "images", "library", "platform_images",
        "push_job_deps", "push_starter", "suppliers",
    ),
    "core": (
        "SystemClock", "after_sales", "api_token_key", "api_tokens", "audit_log", "clients", "clock",
        "dead_letters", "idempotency", "order_counters", "orders", "plain_orders", "platforms", "publisher",
        "raw_store", "shop_leases", "shop_skus", "shops", "sync", "users",
    ),
    "dropship": (
        "dropship_auto_shops", "dropship_deps", "supplier_of_sku", "with_dropship_rule",
    ),
    "erp": (
        "erp_case_queue", "erp_clients", "erp_deliveries", "erp_queue_admin", "erp_rate_limiter", "erp_streams",
        "event_deps", "shipment_deps", "shipments", "webhook_deps", "webhook_sender",
    ),
    "exports": (
        "export_deps", "export_files", "export_orders", "export_sources", "export_store",
    ),
    "fulfil": (
        "fulfil_admin_deps", "fulfil_cache", "fulfil_deps", "fulfil_gate", "fulfil_hook", "fulfil_settings",
        "fulfil_store", "fulfilments", "gift_counters", "gifts_back", "sku_goods", "sku_weights",
    ),
    "inventory": (
        "erp_skus", "reconcile_reports", "route", "stock", "stock_documents", "stock_sync", "unknown_skus",
        "warehouses",
    ),
    "links": (
        "CATALOG_RUN_SECONDS", "_JobLater", "_catalog_puller", "link_deps", "link_job_deps", "link_jobs",
    ),
    "pipeline": (
        "action_deps", "after_sale_deps", "after_sale_queries", "ingest_deps", "push_deps",
    ),
    "printing": (
        "waybill_accounts", "waybill_deps", "waybills",
    ),
    "reconcile": (
        "platform_stock", "reconcile_deps", "reconcile_starter",
    ),
    "reports": (
        "report_fold_deps", "report_store",
    ),
    "review": (
        "review_admin_deps", "review_cache", "review_gate", "review_job_deps", "review_store",
    ),
}
_HOLDER = {name: module for module, names in MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOLDER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value          # asked once: later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOLDER})
