"""Linking shop SKUs to ERP SKUs and the link-jobs queue's consumer (re-resolve, catalog pulls)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.link_jobs import JobDeps
    from chalicelib.services.links import LinkDeps
    from chalicelib.services.stock_ports import JobStore

__all__ = ["CATALOG_RUN_SECONDS", "_JobLater", "_catalog_puller", "link_deps", "link_job_deps", "link_jobs"]


def link_deps(background: bool = True) -> LinkDeps:
    """What linking needs: held orders released by a link go on to reserve their stock, and newly linked
    ERP SKUs are marked for a platform push. `background`: held orders re-resolve on the link-jobs queue
    (a fresh starter per call: it holds the job id the request answers with); the worker re-resolves."""
    from chalicelib.services.link_jobs import JobStarter
    from chalicelib.services.links import LinkDeps
    from chalicelib.services.stock import settle_order
    from chalicelib.services.stock_sync import push_now

    return LinkDeps(
        catalog=bootstrap.shop_skus(),
        erp=bootstrap.erp_skus(),
        orders=bootstrap.orders(),
        clock=bootstrap.clock(),
        settle=lambda order_id: settle_order(
            bootstrap.stock(),
            bootstrap.orders(),
            bootstrap.clock(),
            order_id,
            shipments=bootstrap.shipments().for_order,
            route=bootstrap.route,
        ),
        linked=lambda codes: push_now(bootstrap.stock(), codes, bootstrap.clock().now()),
        later=JobStarter(link_jobs(), bootstrap.publisher(), bootstrap.clock()) if background else None,
    )


def link_jobs() -> JobStore:
    def build() -> JobStore:
        from chalicelib.storage.jobs import DynamoJobRepository

        return DynamoJobRepository()

    return _get("link_jobs", build)


def link_job_deps() -> JobDeps:
    """The link-jobs consumer: re-resolves here, and tells the ERP about every order it changed (batched)."""
    from dataclasses import replace

    from chalicelib.services.erp_events import order_note
    from chalicelib.services.link_jobs import JobDeps

    def count_held(shop_id: str) -> int:
        from chalicelib.storage.jobs import count_held as count

        return count(shop_id)

    links = replace(link_deps(background=False), orders=bootstrap.plain_orders())
    return JobDeps(
        links=links,
        jobs=link_jobs(),
        publisher=bootstrap.publisher(),
        clock=bootstrap.clock(),
        count_held=_get("count_held", lambda: count_held),
        pull_catalog=_catalog_puller(links),
        changed=lambda changed: bootstrap.publisher().publish("erp_events", [order_note(o) for o in changed]),
    )


CATALOG_RUN_SECONDS = 20  # a catalog step's share of the link-jobs Lambda (5 steps a batch, 150 s)


def _catalog_puller(links: LinkDeps) -> Callable[[str], Any]:
    """A shop's catalog pulled inside a link-jobs step: its re-resolve pass is the job's next step, so the
    pull itself starts none (a `later` that does nothing)."""

    def pull(shop_id: str) -> Any:
        import time
        from dataclasses import replace

        from chalicelib.services.catalog import pull_catalog
        from chalicelib.services.shop_admin import require

        shop = require(bootstrap.shops(), shop_id)
        deadline = time.monotonic() + CATALOG_RUN_SECONDS
        # pull_catalog stops when time_left() drops under its 15 s margin
        return pull_catalog(
            replace(links, later=_JobLater()), shop, bootstrap.clients()(shop), lambda: deadline - time.monotonic() + 15
        )

    return pull


class _JobLater:
    job_id = None

    def reresolve(self, shop_ids: Any, kind: str = "links") -> str:
        return ""

    def auto_link(self, sku_codes: Any, kind: str = "erp_skus") -> str:
        return ""
